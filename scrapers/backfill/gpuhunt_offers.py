"""Daily GPU offer price changes 2024-09-24 .. 2025-04-16 (becloudready/gpu-price, gpuhunt).

What it is: ``compute/gpuhunt_daily_offer_price_changes_becloudready.csv``, derived by the
project's ``tools/extract_gpu_history.py`` from the 198 daily bot commits of
https://github.com/becloudready/gpu-price (Apache-2.0), whose ``gpu_prices.json`` dstack's
gpuhunt library wrote: one row per (provider, GPU model) whose set of distinct offer prices
changed since the previous commit, with the number of offers and min / median / max.

CAVEATS (from the PROVENANCE file): prices are per INSTANCE of 1 to 8 GPUs (count not
recorded), on-demand and spot offers are mixed, all regions are mixed. They are rough market
indicators, never per-GPU list prices, so they are kept as their own tiers: ``offers-min`` and
``offers-median`` of component ``instance_hour``, region ``all``, accelerator count unknown.
Steps of more than the step factor between two days (the cheapest offer vanishing) go to
quarantine like any other.

Dates: the bot commit's date is when the offers were observed (midnight UTC); no effective
dates. Rows with no offers that day (empty prices) are skipped. Mapping: provider = gpuhunt's
provider, sku = model = the GPU model; accelerator = the catalog id where the name is
unambiguous (MI300X), else empty.
"""

from __future__ import annotations

from datetime import UTC, datetime

from schemas.accelerators import canonical_accelerator
from schemas.enums import Component, Currency, Leg
from schemas.observation import FetchedPage
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

NAME = "gpuhunt_offers"
PARSER_VERSION = "1"
PATH = "compute/gpuhunt_daily_offer_price_changes_becloudready.csv"
URL = shared_url(PATH)
CAPTURED_AT = datetime(2025, 4, 16, tzinfo=UTC)  # the last bot commit read
COMMIT_URL = "https://github.com/becloudready/gpu-price/blob/{commit}/gpu_prices.json"
REGION = "all"
SERIES = (("min_usd_per_hour", "offers-min"), ("median_usd_per_hour", "offers-median"))
_COLUMNS = {"date", "provider", "gpu_model", "n_offers", "source_commit", *(c for c, _ in SERIES)}


def parse(page: FetchedPage) -> ParseResult:
    """Read the offer log into per-instance-hour market indicators."""
    out = DatasetCollector(page, source=NAME, leg=Leg.COMPUTE, parser_version=PARSER_VERSION)
    for number, row in _latest_per_day(out, csv_rows(page, _COLUMNS)):
        if not row["min_usd_per_hour"]:
            out.skip("no offers listed that day")
            continue
        for column, tier in SERIES:
            where = f"row {number} {column}"
            try:
                price = round_to_stored_scale(normalize(row[column], PER_HOUR))
            except PriceParseError as error:
                out.problem(row[column], error.reason, where)
                continue
            out.dated_price(
                provider=row["provider"],
                sku=row["gpu_model"],
                model=row["gpu_model"],
                component=Component.INSTANCE_HOUR,
                tier=tier,
                region=REGION,
                currency=Currency.USD,
                price=price,
                published_text=row[column],
                published_unit=(
                    f"USD per instance-hour, {column} of {row['n_offers']} offers "
                    "(1-8 GPUs, on-demand and spot, all regions)"
                ),
                where=where,
                observed_at=day(row["date"]),
                source_url=COMMIT_URL.format(commit=row["source_commit"]),
                accelerator=canonical_accelerator(row["gpu_model"]),
            )
    return out.result


def _latest_per_day(
    out: DatasetCollector, rows: list[dict[str, str]]
) -> list[tuple[int, dict[str, str]]]:
    """One row per (date, provider, GPU model): the last in file order (two commits a day)."""
    kept: dict[tuple[str, str, str], tuple[int, dict[str, str]]] = {}
    for number, row in enumerate(rows, start=2):
        key = (row["date"], row["provider"], row["gpu_model"])
        if key in kept:
            out.skip("superseded by a later commit the same day")
        kept[key] = (number, row)
    return sorted(kept.values(), key=lambda item: item[0])


SOURCE = Source(
    name=NAME,
    leg=Leg.COMPUTE,
    description=(
        "Daily GPU offer price changes 2024-09..2025-04 (gpuhunt via becloudready/gpu-price, "
        "Apache-2.0): min and median per instance, rough market indicators"
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
        "derived by tools/extract_gpu_history.py from the 198 daily commits (2024-09-24.."
        "2025-04-16) of https://github.com/becloudready/gpu-price gpu_prices.json, last "
        "6dae24da4c7205577ca3389f12587a9639db1b8c"
    ),
    license="Apache-2.0 (becloudready/gpu-price)",
    about=(
        "Daily gpuhunt offers per (provider, GPU model): min and median price per instance "
        "(1-8 GPUs, on-demand and spot mixed, all regions), as tiers offers-min / "
        "offers-median: market indicators, not list prices. observed_at = commit date."
    ),
    cadence_days=1,  # daily commits listing only the offers that changed
    stale_after_days=7,
    change_log=True,
)
