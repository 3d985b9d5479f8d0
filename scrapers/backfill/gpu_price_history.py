"""GPU rental price history 2023-01 .. 2026-09, merged from three public sources.

What it is: ``compute/gpu_price_history.csv``, built by the project's
``tools/extract_gpu_history.py``: one row per (cloud, instance type, accelerator, count,
region, price kind) when first seen and whenever the price changed, with ``date`` (first seen
at this price) and ``last_seen_date``. Three sources (column ``source_repo``):

* amorton45/aws-gpu-price-tracker: daily AWS Price List readings of p5.48xlarge, us-east-1,
  Linux on-demand (98.32 → 55.04 USD/hour on 2025-06-05), per instance;
* ewyluda/gpu-price-index: an undated AWS fixture, dated 2026-09-29 by the commit that added it
  (approximate), per instance, three US regions;
* henryzhangpku/gpu-price-index: monthly per-provider "votes" (Lambda, RunPod, DataCrunch…) =
  the median of each provider's archived on-demand rate-card quotes, RESTATED to the index's
  standard good per GPU-hour (methodology 1.1.0). Not raw list prices: tier ``restated``.

Dates: ``date`` and ``last_seen_date`` are when the source observed the price → two
observations (midnight UTC) of the same price; no effective dates.

Mapping: provider = cloud, sku = instance type (AWS) or the accelerator name (per-GPU rows),
model = the accelerator name. ``per_instance`` → ``instance_hour`` with the canonical
accelerator and count of the AWS instance family (:func:`scrapers.sources.aws_ec2.accelerator_of`,
the nightly AWS source's map); ``per_gpu`` → ``gpu_hour``. A bare "H100" or "A100" does not
say SXM or PCIe, so those rows keep ``accelerator`` empty (the mapper
:func:`schemas.accelerators.canonical_accelerator` never guesses) and the name stays in sku.
Region: the AWS region, or ``us-or-undisclosed``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from schemas.accelerators import canonical_accelerator
from schemas.enums import Component, Currency, Leg
from schemas.observation import STANDARD_TIER, FetchedPage
from schemas.units import PER_HOUR, PriceParseError, normalize
from scrapers.backfill.base import (
    CSV_CONTENT_TYPE,
    Dataset,
    DatasetCollector,
    csv_rows,
    day,
    shared_url,
)
from scrapers.base import ParseResult, Recording, Source
from scrapers.collect import round_to_stored_scale
from scrapers.sources.aws_ec2 import accelerator_of

NAME = "gpu_price_history"
PARSER_VERSION = "1"
PATH = "compute/gpu_price_history.csv"
URL = shared_url(PATH)
CAPTURED_AT = datetime(2026, 9, 29, tzinfo=UTC)  # newest date in the file

RESTATED = "restated"
_KINDS = {"list_on_demand_linux": STANDARD_TIER}
_UNITS = {"per_instance": Component.INSTANCE_HOUR, "per_gpu": Component.GPU_HOUR}
_COLUMNS = {
    "date",
    "cloud",
    "instance_type",
    "accelerator_name",
    "accelerator_count",
    "region",
    "price_usd_per_hour",
    "last_seen_date",
    "price_unit",
    "price_kind",
    "source_repo",
    "source_commit",
    "source_path",
}


def tier_of(price_kind: str) -> str | None:
    """The tier of a price kind: list on-demand is standard, restated medians are apart."""
    if price_kind in _KINDS:
        return _KINDS[price_kind]
    return RESTATED if price_kind.startswith("restated") else None


def accelerator(instance_type: str, name: str, count: int | None) -> tuple[str | None, int | None]:
    """Canonical accelerator and count: from the AWS instance family, else from the name."""
    if instance_type:
        known = accelerator_of(instance_type)
        if known is not None:
            return known
    return canonical_accelerator(name), count


def parse(page: FetchedPage) -> ParseResult:
    """Read the merged GPU history into dated hourly observations."""
    out = DatasetCollector(page, source=NAME, leg=Leg.COMPUTE, parser_version=PARSER_VERSION)
    for number, row in enumerate(csv_rows(page, _COLUMNS), start=2):
        where = f"row {number}"
        component = _UNITS.get(row["price_unit"])
        tier = tier_of(row["price_kind"])
        if component is None or tier is None:
            out.problem(f"{row['price_unit']} {row['price_kind']}", "unknown unit or kind", where)
            continue
        try:
            price = round_to_stored_scale(normalize(row["price_usd_per_hour"], PER_HOUR))
        except PriceParseError as error:
            out.problem(row["price_usd_per_hour"], error.reason, where)
            continue
        count = int(row["accelerator_count"]) if row["accelerator_count"] else None
        ident, ident_count = accelerator(row["instance_type"], row["accelerator_name"], count)
        url = (
            f"https://github.com/{row['source_repo']}/blob/{row['source_commit']}/"
            f"{row['source_path']}"
        )
        dates = [row["date"]]
        if row["last_seen_date"] and row["last_seen_date"] > row["date"]:
            dates.append(row["last_seen_date"])
        for when in dates:
            out.dated_price(
                provider=row["cloud"],
                sku=row["instance_type"] or row["accelerator_name"],
                model=row["accelerator_name"],
                component=component,
                tier=tier,
                region=row["region"].lower(),
                currency=Currency.USD,
                price=price,
                published_text=row["price_usd_per_hour"],
                published_unit=f"USD per hour, {row['price_unit']} ({row['price_kind']})",
                where=where,
                observed_at=day(when),
                source_url=url,
                accelerator=ident,
                accelerator_count=ident_count if ident is not None else count,
            )
    return out.result


SOURCE = Source(
    name=NAME,
    leg=Leg.COMPUTE,
    description=(
        "GPU rental history 2023-01..2026-09: AWS p5 tracker, an AWS price fixture and "
        "henryzhangpku/gpu-price-index restated monthly provider medians (no license files, "
        "except ewyluda/gpu-price-index: MIT)"
    ),
    urls=(),
    recordings=(
        Recording(url=URL, path=PATH, captured_at=CAPTURED_AT, content_type=CSV_CONTENT_TYPE),
    ),
    parser_version=PARSER_VERSION,
    parse=parse,
)

DATASET = Dataset(
    source=SOURCE,
    provenance=(
        "built by tools/extract_gpu_history.py from amorton45/aws-gpu-price-tracker "
        "gpu_prices.csv @00a01dc, ewyluda/gpu-price-index tests/fixtures/aws.json @d789fed and "
        "henryzhangpku/gpu-price-index series/backfill_ratecards.csv @f741b56"
    ),
    license=(
        "amorton45 and henryzhangpku repositories: no LICENSE file; ewyluda/gpu-price-index: "
        "MIT (prices remain the publishers' information)"
    ),
    about=(
        "GPU hourly prices per (cloud, instance, accelerator, region): AWS list prices per "
        "instance (tier standard) and henryzhangpku's restated monthly per-provider medians "
        "per GPU (tier restated). observed_at = first and last date seen at the price."
    ),
    cadence_days=1,  # first and last day seen at each price: daily
    stale_after_days=7,
)
