"""Stream the AWS Price List bulk offer file with bounded memory.

The offer file (``https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/
index.json``, several GB; one region's file is still hundreds of MB) is one JSON object::

    {"formatVersion": ..., "publicationDate": ..., "products": {SKU: {"sku", "productFamily",
     "attributes": {"instanceType", "regionCode", "location", "operatingSystem", "tenancy",
     "preInstalledSw", "licenseModel", "capacitystatus", ...}}, ...},
     "terms": {"OnDemand": {SKU: {OFFER_TERM: {"effectiveDate", "priceDimensions":
               {RATE_CODE: {"unit": "Hrs", "pricePerUnit": {"USD": "55.0400000000"},
                "description"}}, "termAttributes": {}}}},
               "Reserved": {SKU: {OFFER_TERM: {..., "termAttributes": {"LeaseContractLength":
               "1yr", "OfferingClass": "standard", "PurchaseOption": "No Upfront"}}}}}}

:func:`iter_offer_prices` reads it in ONE pass with ijson's event parser (the C backend), never
holding more than one product or one SKU's terms at a time, plus a small record of each
product the caller's ``keep`` predicate accepts (GPU instances: a few thousand SKUs of the
file's hundreds of thousands). Products must come before terms, as AWS writes them; a file
with terms first is refused rather than read half. Numbers stay exact (Decimal), prices keep
their published text.

Memory is bounded by the number of kept products, not by the file size: the benchmark
``bench/streaming.py`` (``make bench``) measures it on a generated file of any size.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

import ijson
from ijson.common import ObjectBuilder

# Product attributes kept for each accepted product (the rest is dropped at once).
KEPT_ATTRIBUTES = (
    "instanceType",
    "regionCode",
    "location",
    "operatingSystem",
    "tenancy",
    "preInstalledSw",
    "licenseModel",
    "capacitystatus",
    "marketoption",
)
_TERM_TYPES = ("OnDemand", "Reserved")
# A product's ``productFamily`` ("Storage", "Data Transfer", "Compute Instance") sits beside its
# attributes in the file; it is offered to ``keep`` and kept under this name like an attribute.
PRODUCT_FAMILY = "productFamily"


@dataclass(frozen=True)
class OfferPrice:
    """One price dimension of one term of one kept product, as the offer file states it.

    Attributes:
        product_sku: The offer file's product SKU (not the instance type).
        attributes: The product's :data:`KEPT_ATTRIBUTES` present in the file.
        term_type: ``OnDemand`` or ``Reserved``.
        term_attributes: Lease length, offering class, purchase option (Reserved only).
        effective_date: The term's ``effectiveDate`` as written ("2025-06-01T00:00:00Z").
        rate_code: The price dimension's rate code.
        unit: The dimension's unit ("Hrs"; "Quantity" for an upfront fee).
        currency: The ``pricePerUnit`` currency code ("USD").
        price_text: The price exactly as written ("55.0400000000").
        description: The dimension's description.
        begin_range: Start of the volume band the price applies to, as written ("0", "51200");
            in the dimension's unit (GB for storage and transfer).
        end_range: End of that band as written ("51200"), "Inf" when it has none.
    """

    product_sku: str
    attributes: dict[str, str]
    term_type: str
    term_attributes: dict[str, str]
    effective_date: str | None
    rate_code: str
    unit: str
    currency: str
    price_text: str
    description: str
    begin_range: str = "0"
    end_range: str = "Inf"


class OfferFileError(ValueError):
    """The stream is not an offer file this reader can read."""


def iter_offer_prices(
    stream: IO[bytes],
    keep: Callable[[dict[str, Any]], bool],
    attributes: tuple[str, ...] = KEPT_ATTRIBUTES,
) -> Iterator[OfferPrice]:
    """Every price dimension of the terms of the products ``keep`` accepts, in file order.

    Args:
        stream: The offer file, opened in binary mode (read sequentially, never seeked).
        keep: Decides from a product's ``attributes`` whether to keep it (e.g. GPU instances);
            they include the product's family under :data:`PRODUCT_FAMILY`.
        attributes: Names of the attributes kept for each accepted product (default: what
            EC2 prices need; :data:`PRODUCT_FAMILY` may be named too).

    Raises:
        OfferFileError: Terms come before products, or the structure is not an offer file.
        ijson.JSONError: The bytes are not valid JSON (e.g. a truncated download).
    """
    kept: dict[str, dict[str, str]] = {}
    for section, key, value in _section_items(stream, kept):
        if section == "products":
            product = _product(key, value, keep, attributes)
            if product is not None:
                kept[key] = product
            continue
        yield from _term_prices(section, key, value, kept[key])


def _section_items(
    stream: IO[bytes], kept: dict[str, dict[str, str]]
) -> Iterator[tuple[str, str, Any]]:
    """(section, key, value) for each entry of products and of terms.OnDemand/Reserved.

    Term entries of products not kept are skipped without building them.

    Raises:
        OfferFileError: A term entry comes before any product entry.
    """
    products_started = False
    keys: list[str | None] = []  # the current key of each open container (None: array)
    builder: ObjectBuilder | None = None
    skipping = False
    depth = 0
    section = ""
    entry_key = ""
    for event, value in ijson.basic_parse(stream, use_float=False):
        if builder is not None or skipping:
            if builder is not None:
                builder.event(event, value)
            if event in ("start_map", "start_array"):
                depth += 1
            elif event in ("end_map", "end_array"):
                depth -= 1
            if depth == 0:
                if builder is not None:
                    yield section, entry_key, builder.value
                builder, skipping = None, False
            continue
        if event == "map_key":
            keys[-1] = value
            where = _entry_section(keys)
            if where is not None:
                if where == "products":
                    products_started = True
                elif not products_started:
                    raise OfferFileError(
                        "the offer file lists terms before products; not supported"
                    )
                section, entry_key = where, value
                depth = 0
                if where == "products" or value in kept:
                    builder = ObjectBuilder()
                else:
                    skipping = True
        elif event == "start_map":
            keys.append("")
        elif event == "start_array":
            keys.append(None)
        elif event in ("end_map", "end_array"):
            keys.pop()
    if keys:
        raise OfferFileError("the offer file ended inside an open object")


def _entry_section(keys: list[str | None]) -> str | None:
    """Which section a key at this path opens an entry of, if any."""
    if len(keys) == 2 and keys[0] == "products":
        return "products"
    if len(keys) == 3 and keys[0] == "terms" and keys[1] in _TERM_TYPES:
        return str(keys[1])
    return None


def _product(
    sku: str, value: Any, keep: Callable[[dict[str, Any]], bool], names: tuple[str, ...]
) -> dict[str, str] | None:
    if not isinstance(value, dict):
        raise OfferFileError(f"product {sku} is not an object")
    attributes = value.get("attributes")
    if not isinstance(attributes, dict):
        return None
    family = value.get(PRODUCT_FAMILY)
    if isinstance(family, str) and PRODUCT_FAMILY not in attributes:
        attributes = {**attributes, PRODUCT_FAMILY: family}
    if not keep(attributes):
        return None
    return {name: str(attributes[name]) for name in names if name in attributes}


def _term_prices(
    term_type: str, sku: str, terms: Any, attributes: dict[str, str]
) -> Iterator[OfferPrice]:
    if not isinstance(terms, dict):
        raise OfferFileError(f"{term_type} terms of {sku} are not an object")
    for term in terms.values():
        if not isinstance(term, dict):
            raise OfferFileError(f"a {term_type} term of {sku} is not an object")
        term_attributes = {str(k): str(v) for k, v in (term.get("termAttributes") or {}).items()}
        dimensions = term.get("priceDimensions") or {}
        for rate_code, dimension in dimensions.items():
            for currency, price in (dimension.get("pricePerUnit") or {}).items():
                yield OfferPrice(
                    product_sku=sku,
                    attributes=attributes,
                    term_type=term_type,
                    term_attributes=term_attributes,
                    effective_date=term.get("effectiveDate"),
                    rate_code=str(rate_code),
                    unit=str(dimension.get("unit") or ""),
                    currency=str(currency),
                    price_text=str(price),
                    description=str(dimension.get("description") or ""),
                    begin_range=str(dimension.get("beginRange", "0")),
                    end_range=str(dimension.get("endRange", "Inf")),
                )
