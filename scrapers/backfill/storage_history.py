"""Dated object-storage and egress list prices (S3, GCS, Azure Blob), 2006-2026.

What it is: ``storage/storage_price_history.csv`` in the shared data folder, facts collected from
public pages, one per row: ``date,date_precision,provider,service,tier,usd_per_gb_month,
usd_per_gb,region,source_url,notes``. Storage rows fill ``usd_per_gb_month``, transfer rows
``usd_per_gb``. Several rows come from secondary sources (blogs, a calculator); each row keeps
its own ``source_url`` as the observation's source URL.

Mapping: provider ``aws`` / ``gcp`` / ``azure`` / ``cloudflare``; sku from the service
(``s3``, ``data-transfer-out`` for "EC2/S3 data transfer out to internet", ``cloud-storage``,
``blob-storage``); component ``gb_month`` (USD per GB-month) or ``egress_gb`` (USD per GB
transferred out); tier = storage class and volume band from an explicit table of the published
labels (``standard:first-tier``, ``nearline``, ``hot-lrs``, ``first-10tb``,
``americas-emea:0-1tb`` …); region from an explicit table of the published regions
(``us-east``, ``us-multi-region``, ``ap-southeast-2``, ``global`` when none is stated …).
Effective date = the row's date at its stated precision: a day as given, a month or quarter
("2023-07") its first day, a year its 1 January (the price was in force that year; the exact
day is not known).

Known traps and how they are handled:

* A label or region not in the tables is a ParseProblem, not a guessed tier: the tables are
  the place to decide whether two labels are the same price.
* "Data transfer in (upload)" is ingress, which deflator does not track: skipped, counted.
  The 2006 launch row "Data transfer in/out" is stored as egress (the out half).
* A 0.00 price ("Up to 1 GB/month" free allowance) is skipped as a free allowance, not a price.
* Undated rows cannot be placed in a history: skipped, counted.
* S3 storage falls from $0.15 (2010) to $0.023 (2016) in steps of at most 3.6x (0.11 -> 0.031
  in 2014), so no step crosses the warehouse's 10x quarantine rule; the 2006 launch price is
  a separate series because its region is "all" (a single rate at launch), not us-east.

There is no live URL (the dataset was compiled for this project); it loads from its recording.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from schemas.enums import Component, Currency, Leg
from schemas.observation import GLOBAL_REGION, FetchedPage
from schemas.units import PER_GB, PER_GB_MONTH, PriceParseError, UnitSpec, normalize, parse_amount
from scrapers.backfill.base import Dataset
from scrapers.base import ParseResult, Recording, Source
from scrapers.collect import PageCollector

NAME = "storage_history"
# Reserved .invalid name (RFC 2606): the dataset has no live URL and is never fetched live.
URL = "https://deflator.invalid/shared-data/storage/storage_price_history.csv"
PARSER_VERSION = "1"

PROVIDERS = {
    "AWS": "aws",
    "Google Cloud": "gcp",
    "Microsoft Azure": "azure",
    "Cloudflare": "cloudflare",
}
SKUS = {
    ("AWS", "S3"): "s3",
    ("AWS", "EC2/S3 data transfer out to internet"): "data-transfer-out",
    ("Google Cloud", "Cloud Storage"): "cloud-storage",
    ("Microsoft Azure", "Blob Storage"): "blob-storage",
    ("Cloudflare", "R2"): "r2",
}
INGRESS = "ingress"
# Published tier label -> tier. Same label, same tier; a new label needs a decision here.
TIERS = {
    # storage classes (per GB-month)
    "Standard storage (single flat rate at launch)": "standard:flat",
    "Standard storage (first tier)": "standard:first-tier",
    "Standard storage": "standard",
    "Standard storage (regional)": "standard:regional",
    "Durable Reduced Availability (DRA) storage": "dra",
    "Nearline storage": "nearline",
    "Hot LRS": "hot-lrs",
    "Cool LRS": "cool-lrs",
    "Archive LRS": "archive-lrs",
    # transfer out (per GB), by monthly volume band
    "Data transfer in/out (flat at launch)": "flat",
    "Data transfer out - first 10 TB/month": "first-10tb",
    "Data transfer out - next 40 TB/month": "next-40tb",
    "Data transfer out - over 50 TB/month": "over-50tb",
    "Network egress to Americas/EMEA - 0-1 TB/month": "americas-emea:0-1tb",
    "Network egress to Americas/EMEA - next 9 TB": "americas-emea:next-9tb",
    "Network egress to Americas/EMEA - next 90 TB": "americas-emea:next-90tb",
    "Network egress to Americas/EMEA (first tier)": "americas-emea:first-tier",
    "Up to 1 GB/month": "first-1gb",
    "Next 9.999 TB/month": "next-9.999tb",
    "Next 40 TB/month": "next-40tb",
    "Next 100 TB/month": "next-100tb",
    "Greater than 150 TB/month": "over-150tb",
    "Over 150 TB/month": "over-150tb",
    "First 10 TB/month after 100 GB/month free": "first-10tb-after-100gb-free",
    # transfer in: not tracked
    "Data transfer in (upload)": INGRESS,
}
REGIONS = {
    "": GLOBAL_REGION,
    "all (launch)": "all",
    "all": "all",
    "us-east (as stated by author)": "us-east",
    "US East": "us-east",
    "multi/US": "us-multi-region",
    "region": "any-region",
    "ap-southeast-2": "ap-southeast-2",
    "unspecified (US)": "us",
    "US/EU standard regions": "us-eu",
}
_UNITS: dict[Component, tuple[UnitSpec, str]] = {
    Component.GB_MONTH: (PER_GB_MONTH, "USD per GB-month"),
    Component.EGRESS_GB: (PER_GB, "USD per GB transferred out"),
}


def effective_date(text: str, precision: str) -> date:
    """The first day of the period a dated row names, at its stated precision.

    Raises:
        ValueError: the date does not have the shape its precision says.
    """
    value = text.strip()
    if precision == "day":
        return date.fromisoformat(value)
    if precision in {"month", "quarter"}:
        year, _, month = value.partition("-")
        if len(year) == 4 and year.isdigit() and month.isdigit() and len(month) == 2:
            return date(int(year), int(month), 1)
    if precision == "year" and len(value) == 4 and value.isdigit():
        return date(int(value), 1, 1)
    raise ValueError(f"date {value!r} does not match precision {precision!r}")


def parse(page: FetchedPage) -> ParseResult:
    """Read the storage price history CSV into per-GB-month and per-GB observations."""
    reader = csv.DictReader(io.StringIO(page.body.decode("utf-8-sig")))
    expected = {"date", "date_precision", "provider", "service", "tier", "region"}
    expected |= {"usd_per_gb_month", "usd_per_gb", "source_url"}
    missing = expected - set(reader.fieldnames or ())
    if missing:
        raise ValueError(f"{NAME}: missing columns {sorted(missing)}")
    out = PageCollector(page, source=NAME, leg=Leg.DATA, parser_version=PARSER_VERSION)
    for line, row in enumerate(reader, start=2):
        _row(out, {k: (v or "").strip() for k, v in row.items() if k}, f"line {line}")
    return out.result


def _row(out: PageCollector, row: dict[str, str], where: str) -> None:
    label = f"{where}: {row['provider']} {row['service']} {row['tier']}"
    provider = PROVIDERS.get(row["provider"])
    sku = SKUS.get((row["provider"], row["service"]))
    tier = TIERS.get(row["tier"])
    region = REGIONS.get(row["region"])
    for value, what in (
        (provider, ("provider", row["provider"])),
        (sku, ("service", row["service"])),
        (tier, ("tier label", row["tier"])),
        (region, ("region", row["region"])),
    ):
        if value is None:
            out.problem(what[1], f"unknown {what[0]}: add it to the table in {NAME}.py", label)
            return
    assert provider is not None and sku is not None and tier is not None and region is not None
    if tier == INGRESS:
        out.skip("transfer in (ingress): not tracked")
        return
    storage, transfer = row["usd_per_gb_month"], row["usd_per_gb"]
    if bool(storage) == bool(transfer):
        out.problem(f"{storage}|{transfer}", "needs exactly one of GB-month or GB price", label)
        return
    if row["date_precision"] == "undated" or not row["date"]:
        out.skip("undated: no effective date")
        return
    try:
        starts = effective_date(row["date"], row["date_precision"])
    except ValueError as error:
        out.problem(row["date"], str(error), label)
        return
    component = Component.GB_MONTH if storage else Component.EGRESS_GB
    text = storage or transfer
    unit, unit_label = _UNITS[component]
    try:
        amount = parse_amount(text)
        if amount == 0:
            out.skip("free allowance (0.00): not a list price")
            return
        price = normalize(amount, unit)
    except PriceParseError as error:
        out.problem(text, error.reason, label)
        return
    out.price(
        provider=provider,
        sku=sku,
        model=None,
        component=component,
        tier=tier,
        region=region,
        currency=Currency.USD,
        price=price,
        published_text=text,
        published_unit=unit_label,
        where=label,
        effective_date=starts,
        source_url=row["source_url"] or None,
    )


SOURCE = Source(
    name=NAME,
    leg=Leg.DATA,
    description="Dated object-storage and egress list prices (S3, GCS, Azure Blob), 2006-2026",
    urls=(),
    recordings=(
        Recording(
            url=URL,
            path="storage/storage_price_history.csv",
            # PROVENANCE gives no capture date; the newest dated fact is "as of June 2026"
            # (2026-06-10), so the file was compiled on or after that day.
            captured_at=datetime(2026, 6, 10, tzinfo=UTC),
            content_type="text/csv; charset=utf-8",
        ),
    ),
    parser_version=PARSER_VERSION,
    parse=parse,
)


DATASET = Dataset(
    source=SOURCE,
    provenance=(
        "storage/storage_price_history.csv: facts collected from public web pages, one "
        "source_url per row (storage/PROVENANCE.txt)"
    ),
    license=("facts from public pages; each row cites its page"),
    about=(
        "Dated object-storage (per GB-month) and transfer (per GB) list prices of S3, "
        "GCS, Azure Blob and others, 2006..2021+; volume bands are tiers; undated rows "
        "are skipped."
    ),
    cadence_days=365,  # dated list prices collected about once a year
    stale_after_days=548,
    dated_records=True,
)
