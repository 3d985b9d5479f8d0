"""Google Cloud Storage list prices from the Cloud Storage pricing page
(``https://cloud.google.com/storage/pricing``).

How the page is built (read with the search tool, pages corpus): a server-rendered devsite page
whose prices sit in ordinary ``<table>`` elements, no JavaScript needed to read them, in two
shapes that matter here:

* **Storage, per location** (the page until 2025: Wayback capture of 2022-12-30, a later mirror):
  under "Data storage", tabs "Regions" / "Dual-regions" / "Multi-regions" hold one table per
  geographic area: header "Location | Standard storage (per GB per Month) | Nearline storage
  (per GB per Month) | Coldline storage … | Archive storage …" (lately an "Anywhere Cache
  storage" column too), one row per location, "Iowa (us-central1) | $0.020 | $0.010 | …".
* **Network, general usage** (the page of 2026): a table "Item | Price (USD)" with a row per
  destination group ("Data transfer to Worldwide Destinations (excluding Asia & Australia)
  (per GB)", Asia, China, Australia) followed by its volume bands ("0 gibibyte to 10
  tebibyte | $0.12 / 1 gibibyte, per 1 month / account", "10 tebibyte to 150 tebibyte",
  "150 tebibyte and above"), and "Inbound data transfer | Free".

Since late 2025 the page shows storage in a location selector with an Hourly/Monthly switch:
the server renders the default location only, per gibibyte-hour ("$0.000027397 / 1 gibibyte
hour", a rounded 1/730 of the monthly price) in a table without a Location column. Those cells
are not read (the hourly figure is not the list price and the table names no location); each
is counted as skipped, so a run shows it. The monthly per-location prices are in the Cloud
Billing Catalog API (needs an API key), not in the page's HTML.

Mapping: provider ``gcp``, sku ``cloud-storage``. Storage: component ``gb_month``, region = the
location code in the row ("us-central1"), tier = storage class (``standard``, ``nearline``,
``coldline``, ``archive``) + location kind for dual- and multi-regions
(``standard:dual-region``), read from the tab heading above the table. Egress: component
``egress_gb``, region ``global`` (the price applies from any bucket location), tier =
destination group + volume band (``worldwide:first-10tb``, ``china:next-9tb``,
``australia:over-150tb``; see :mod:`scrapers.storage`). Google's "GB" is the gibibyte (2^30
bytes; the page says "Prices are in per GiB units"): prices are stored per the provider's GB as
published, like the dated history, never rescaled to 10^9 bytes.

Known traps and how they are handled: ", per 1 month / account" after an egress price is the
period the volume bands count over, not a per-month unit; "Free", "N/A" and empty cells state no
price (skipped); a storage-class column without a per-GB-month unit, a location without its code
in parentheses, a destination group or band the parser does not know, are ParseProblems. A page
with neither table shape fails the source loudly (layout drift).

There is no recording in the shared data folder: offline runs have nothing to replay, and the
tests use a hand-built fixture under ``tests/fixtures/gcs/`` (page shape, prices cited from
``storage/storage_price_history.csv``).
"""

from __future__ import annotations

import re
from decimal import Decimal

from bs4 import BeautifulSoup, Tag

from schemas.enums import Component, Currency, Leg
from schemas.observation import GLOBAL_REGION, FetchedPage
from schemas.units import PER_GB, PER_GB_MONTH, PriceParseError, UnitSpec, normalize
from scrapers.base import ParseResult, Source, SourceKind
from scrapers.collect import PageCollector, round_to_stored_scale
from scrapers.storage import band, tier

NAME = "gcs_pricing"
PROVIDER = "gcp"
SKU = "cloud-storage"
PARSER_VERSION = "1"
URL = "https://cloud.google.com/storage/pricing"

STORAGE_CLASSES = {
    "standard": "standard",
    "nearline": "nearline",
    "coldline": "coldline",
    "archive": "archive",
}
# tab heading above a storage table -> location kind ("" = a single region)
LOCATION_KINDS = {
    "regions": "",
    "region": "",
    "dual-regions": "dual-region",
    "dual-region": "dual-region",
    "multi-regions": "multi-region",
    "multi-region": "multi-region",
}
# first word after "Data transfer to" in a destination group row -> destination
DESTINATIONS = {
    "worldwide": "worldwide",
    "asia": "asia",
    "china": "china",
    "australia": "australia",
}
# size words of the band rows -> GiB
SIZES = {
    "byte": Decimal(1) / Decimal(1024**3),
    "gibibyte": Decimal(1),
    "tebibyte": Decimal(1024),
    "pebibyte": Decimal(1024**2),
}

NO_PRICE = "no price stated (free, N/A, empty)"
HOURLY = "storage price per gibibyte hour (location selector): not the list price, not read"

_CLASS_HEADER = re.compile(r"^(\w+)\s+storage\b", re.IGNORECASE)
_PER_GB_MONTH = re.compile(r"per\s+GB\s+per\s+month", re.IGNORECASE)
_LOCATION_CODE = re.compile(r"\(\s*([a-z0-9][a-z0-9-]*)\s*\)\s*$")
_GROUP = re.compile(r"^data transfer to (\w+) destinations\b", re.IGNORECASE)
_SIZE = r"(\d+(?:\.\d+)?)\s*(byte|gibibyte|tebibyte|pebibyte)s?"
_BAND_TO = re.compile(rf"^{_SIZE}\s+to\s+{_SIZE}$", re.IGNORECASE)
_BAND_ABOVE = re.compile(rf"^{_SIZE}\s+and\s+above$", re.IGNORECASE)
_PRICE = re.compile(
    r"^\$\s*(?P<num>\d+(?:\.\d+)?)"
    r"(?:\s*/\s*1\s+(?P<unit>gibibyte(?:\s+(?:hour|month))?))?"
    r"(?P<period>,\s*per\s+1\s+month\s*/\s*account)?$",
    re.IGNORECASE,
)
_NO_PRICE = re.compile(r"^(?:|free|n/?a|-|—|not available)$", re.IGNORECASE)


def _text(tag: Tag) -> str:
    return " ".join(tag.get_text(" ", strip=True).split())


def parse(page: FetchedPage) -> ParseResult:
    """Read the storage (per location) and general network usage tables of the page."""
    try:
        text = page.text()
    except (UnicodeDecodeError, LookupError) as error:
        raise ValueError(f"{NAME}: body is not text in its declared charset: {error}") from error
    soup = BeautifulSoup(text, "lxml")
    out = PageCollector(page, source=NAME, leg=Leg.DATA, parser_version=PARSER_VERSION)
    read = 0
    for index, table in enumerate(soup.find_all("table"), start=1):
        rows = [[_text(c) for c in tr.find_all(["th", "td"])] for tr in table.find_all("tr")]
        rows = [row for row in rows if row]
        if not rows:
            continue
        header = rows[0]
        if header[0].lower() == "location" and any(_storage_class(h) for h in header[1:]):
            _storage_table(out, table, header, rows[1:], f"table {index}")
            read += 1
        elif _is_network_table(header, rows[1:]):
            _network_table(out, rows[1:], f"table {index}")
            read += 1
        else:
            for _ in range(sum("gibibyte hour" in cell for row in rows for cell in row)):
                out.skip(HOURLY)
    if not read:
        raise ValueError(
            f"{NAME}: no storage table ('Location' + storage classes) and no network table "
            "('Item' / 'Price (USD)') on the page (layout changed?)"
        )
    return out.result


def _is_network_table(header: list[str], rows: list[list[str]]) -> bool:
    """An "Item | Price (USD)" table with destination groups (other such tables price other
    things: caches, relocation)."""
    if header[0].lower() != "item" or len(header) < 2 or not header[1].startswith("Price"):
        return False
    return any(_GROUP.match(row[0]) for row in rows)


def _storage_class(header: str) -> str | None:
    match = _CLASS_HEADER.match(header)
    return STORAGE_CLASSES.get(match.group(1).lower()) if match else None


def location_kind(table: Tag) -> str | None:
    """The location kind of a storage table, from the nearest tab heading above it."""
    for heading in table.find_all_previous(["h2", "h3", "h4"]):
        text = _text(heading).lower()
        if text in LOCATION_KINDS:
            return LOCATION_KINDS[text]
        if text == "data storage":
            break
    return None


def _storage_table(
    out: PageCollector, table: Tag, header: list[str], rows: list[list[str]], where: str
) -> None:
    kind = location_kind(table)
    for row in rows:
        location = row[0]
        code = _LOCATION_CODE.search(location)
        if kind is None or code is None:
            reason = "no location kind (Regions / Dual-regions / Multi-regions) above the table"
            out.problem(location, reason if kind is None else "location without its code", where)
            continue
        for column, cell in zip(header[1:], row[1:], strict=False):
            storage_class = _storage_class(column)
            here = f"{where}, {location}, {column}"
            if storage_class is None:
                out.skip(f"column not tracked: {column}")
                continue
            column_unit = PER_GB_MONTH if _PER_GB_MONTH.search(column) else None
            price = _price(out, cell, column_unit, Component.GB_MONTH, here)
            if price is not None:
                price_tier = tier(storage_class, kind)
                _record(out, Component.GB_MONTH, price_tier, code.group(1), price, cell, here)


def _network_table(out: PageCollector, rows: list[list[str]], where: str) -> None:
    destination: str | None = None
    group = ""
    for row in rows:
        label = row[0]
        cells = [cell for cell in row[1:] if cell and cell != label]
        group_match = _GROUP.match(label)
        if group_match and not cells:
            group = label
            destination = DESTINATIONS.get(group_match.group(1).lower())
            if destination is None:
                out.problem(label, "destination group not in DESTINATIONS", where)
            continue
        if label.lower().startswith("inbound data transfer"):
            out.skip("ingress: not tracked")
            continue
        here = f"{where}, {group or '?'}, {label}"
        bounds = _band_bounds(label)
        if bounds is None:
            out.problem(label, "row is neither a destination group nor a volume band", here)
            continue
        if destination is None:
            if group:
                continue  # the unknown group was reported once
            out.problem(label, "volume band before any destination group", here)
            continue
        if not cells:
            out.problem(label, "volume band without a price", here)
            continue
        try:
            volume_band = band(*bounds)
        except ValueError as error:
            out.problem(label, str(error), here)
            continue
        price = _price(out, cells[0], None, Component.EGRESS_GB, here)
        if price is not None:
            price_tier = tier(destination, volume_band)
            _record(out, Component.EGRESS_GB, price_tier, GLOBAL_REGION, price, cells[0], here)


def _band_bounds(label: str) -> tuple[Decimal, Decimal | None] | None:
    """A band row's bounds in GiB: "0 gibibyte to 10 tebibyte" -> (0, 10240)."""
    match = _BAND_TO.match(label)
    if match:
        return _gib(match.group(1), match.group(2)), _gib(match.group(3), match.group(4))
    match = _BAND_ABOVE.match(label)
    if match:
        return _gib(match.group(1), match.group(2)), None
    return None


def _gib(number: str, word: str) -> Decimal:
    return Decimal(number) * SIZES[word.lower()]


def _price(
    out: PageCollector, cell: str, column_unit: UnitSpec | None, component: Component, where: str
) -> Decimal | None:
    """A cell's USD price in the component's unit, or None (skipped or reported)."""
    if _NO_PRICE.match(cell.strip()):
        out.skip(NO_PRICE)
        return None
    match = _PRICE.match(cell.strip())
    if match is None:
        out.problem(cell, "not a price in a form this page uses", where)
        return None
    unit_text = (match.group("unit") or "").lower()
    if unit_text == "gibibyte hour":
        out.skip(HOURLY)
        return None
    if unit_text == "gibibyte month":
        unit: UnitSpec | None = PER_GB_MONTH
    elif unit_text == "gibibyte":
        unit = PER_GB
    else:
        unit = column_unit
    expected = PER_GB_MONTH if component is Component.GB_MONTH else PER_GB
    if unit is not expected:
        stated = unit.label if unit else "no unit"
        out.problem(cell, f"{component.value} price stated {stated}, not {expected.label}", where)
        return None
    try:
        return round_to_stored_scale(normalize(match.group("num"), unit))
    except PriceParseError as error:
        out.problem(cell, error.reason, where)
        return None


def _record(
    out: PageCollector,
    component: Component,
    price_tier: str,
    region: str,
    price: Decimal,
    cell: str,
    where: str,
) -> None:
    out.price(
        provider=PROVIDER,
        sku=SKU,
        model=None,
        component=component,
        tier=price_tier,
        region=region,
        currency=Currency.USD,
        price=price,
        published_text=cell,
        published_unit=_UNIT_LABELS[component],
        where=where,
    )


_UNIT_LABELS = {
    Component.GB_MONTH: "per GB-month (Google's GB = GiB, 2^30 bytes)",
    Component.EGRESS_GB: "per GB transferred out (GiB; bands count per month and account)",
}


SOURCE = Source(
    name=NAME,
    kind=SourceKind.FIRST_PARTY_PAGE,
    leg=Leg.DATA,
    description="Google Cloud Storage pricing page: storage per class and location, egress bands",
    urls=(URL,),
    recordings=(),
    parser_version=PARSER_VERSION,
    parse=parse,
    redirect_hosts=("docs.cloud.google.com",),
)
