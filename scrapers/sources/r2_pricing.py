"""Cloudflare R2 list prices, read from the Markdown source of R2's pricing page.

What it is: ``src/content/docs/r2/pricing.mdx`` in cloudflare/cloudflare-docs, the source of
https://developers.cloudflare.com/r2/pricing/. Under the heading ``## R2 pricing`` a Markdown
table has one column per storage class ("Standard storage", "Infrequent Access storage") and
one row per charge: Storage ("$0.015 / GB-month"), Class A and Class B operations ("$4.50 /
million requests"), Data Retrieval ("None" / "$0.01 / GB") and Egress ("Free [^1]").

Mapping: provider ``cloudflare``, sku ``r2``, region ``global`` (one price everywhere),
tier = storage class (``standard``, ``infrequent-access``). The Storage row becomes
``gb_month`` and the Egress row ``egress_gb``, each parsed with
:func:`schemas.units.parse_price`, which must find the unit the row stands for (GB-month for
storage, GB for egress) or the cell is a ParseProblem. No effective date is published.

Known traps and how they are handled:

* Egress is "Free": no price to store (the warehouse would quarantine a zero), so it is
  counted as skipped ("free egress"); the analyst reads R2's egress as free from that count
  and this docstring, not from a stored 0.
* Operations (per million requests) and data retrieval (a processing fee per GB read from
  Infrequent Access, not egress) are prices in units deflator does not track: skipped.
* The free-tier table further down ("10 GB-month / month") is an allowance, not a price, and
  is not read: only the first table after ``## R2 pricing`` is.
* Footnote marks (``[^1]``) are removed before parsing; a page without the heading or the
  table fails the source loudly (layout drift).

There is no recording in the shared data folder; tests use a fixture copied verbatim from the
docs source at a pinned commit, and offline runs have nothing to replay.
"""

from __future__ import annotations

import re

from schemas.enums import CanonicalUnit, Component, Currency, Leg
from schemas.observation import GLOBAL_REGION, FetchedPage
from schemas.units import NotAPrice, PriceParseError, parse_price
from scrapers.base import ParseResult, Source, SourceKind
from scrapers.collect import PageCollector

NAME = "r2_pricing"
URL = (
    "https://raw.githubusercontent.com/cloudflare/cloudflare-docs/production/"
    "src/content/docs/r2/pricing.mdx"
)
PARSER_VERSION = "1"
PROVIDER = "cloudflare"
SKU = "r2"

_HEADING = re.compile(r"^##\s+R2 pricing\s*$", re.MULTILINE)
_FOOTNOTE = re.compile(r"\[\^[^\]]*\]")
_ROWS: dict[str, tuple[Component, CanonicalUnit]] = {
    "storage": (Component.GB_MONTH, CanonicalUnit.PER_GB_MONTH),
    "egress (data transfer to internet)": (Component.EGRESS_GB, CanonicalUnit.PER_GB),
}


def storage_class_tier(header: str) -> str:
    """The tier of a storage-class column: "Infrequent Access storage" -> infrequent-access."""
    name = re.sub(r"\s+storage$", "", header.strip(), flags=re.IGNORECASE)
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def pricing_table(text: str) -> list[list[str]]:
    """The rows of the first Markdown table after ``## R2 pricing`` (header first, no rule)."""
    heading = _HEADING.search(text)
    if heading is None:
        raise ValueError(f"{NAME}: no '## R2 pricing' heading on the page")
    rows: list[list[str]] = []
    for line in text[heading.end() :].splitlines():
        stripped = line.strip()
        if stripped.startswith("|"):
            cells = _cells(stripped)
            if not all(re.fullmatch(r":?-+:?", cell) for cell in cells):
                rows.append(cells)
        elif rows or stripped.startswith("#"):
            break
    if len(rows) < 2:
        raise ValueError(f"{NAME}: no pricing table under '## R2 pricing'")
    return rows


def parse(page: FetchedPage) -> ParseResult:
    """Read R2's storage prices per storage class (and count what is not a tracked price)."""
    header, *body = pricing_table(page.text())
    tiers = {index: storage_class_tier(name) for index, name in enumerate(header) if index}
    if not tiers or not all(tiers.values()):
        raise ValueError(f"{NAME}: pricing table has no storage-class columns: {header}")
    out = PageCollector(page, source=NAME, leg=Leg.DATA, parser_version=PARSER_VERSION)
    for row in body:
        charge = row[0]
        mapped = _ROWS.get(charge.lower())
        if mapped is None:
            out.skip(f"unit not tracked: {charge}")
            continue
        component, unit = mapped
        for index, tier in tiers.items():
            cell = row[index] if index < len(row) else ""
            where = f"{charge} / {header[index]}"
            text = _FOOTNOTE.sub("", cell).strip()
            try:
                parsed = parse_price(text, currency=Currency.USD)
            except NotAPrice:
                out.skip(f"free {component.value}" if text.lower() == "free" else "no price")
                continue
            except PriceParseError as error:
                out.problem(cell, error.reason, where)
                continue
            if parsed.unit is not unit:
                out.problem(cell, f"{charge} priced {parsed.published_unit}, not {unit}", where)
                continue
            out.price(
                provider=PROVIDER,
                sku=SKU,
                model=None,
                component=component,
                tier=tier,
                region=GLOBAL_REGION,
                currency=parsed.currency,
                price=parsed.amount,
                published_text=cell,
                published_unit=parsed.published_unit,
                where=where,
            )
    return out.result


SOURCE = Source(
    name=NAME,
    kind=SourceKind.FIRST_PARTY_PAGE,
    leg=Leg.DATA,
    description="Cloudflare R2 storage prices per storage class (docs source of the pricing page)",
    urls=(URL,),
    recordings=(),
    parser_version=PARSER_VERSION,
    parse=parse,
)
