"""Monthly GPU rental series 2023-01 .. 2026-09 (henryzhangpku/gpu-price-index back-fill).

What it is: ``compute/gpu_rental_backfill_monthly_henryzhangpku.csv``, a reduced transcription
of ``series/backfill_ratecards.csv`` (commit f741b56): per month and index (GIX-A100,
GIX-H100, GIX-H200, GIX-B200), reconstructed from Internet Archive captures of 11 providers'
public GPU price pages. The source labels every row "reconstructed from archived public rate
cards; list prices, not transactions; not the index".

Series read (USD per GPU-hour, component ``gpu_hour``, region ``us-or-undisclosed``):

* tier ``restated-index``: ``value_usd_per_gpu_hour``, the unweighted median of the providers'
  restated votes (methodology 1.1.0); only where ``status`` is ``published`` (withheld below 3
  providers: skipped);
* tier ``median``: ``raw_on_demand_median``, the median of raw (unrestated) on-demand quotes;
* tiers ``median+reserved`` and ``median+spot``: the raw reserved and spot medians.

Per-provider votes are not read here: they are rows of ``gpu_price_history``.

Dates: a month's figures are observed on its first day (midnight UTC); no effective dates.
Mapping: provider ``gpu-price-index``, sku = index code, model = the accelerator name; the
accelerator is the catalog id only where the name is unambiguous (B200), since a bare "H100"
does not say SXM or PCIe.
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

NAME = "gpu_rental_monthly"
PARSER_VERSION = "1"
PATH = "compute/gpu_rental_backfill_monthly_henryzhangpku.csv"
URL = shared_url(PATH)
UPSTREAM = (
    "https://github.com/henryzhangpku/gpu-price-index/blob/"
    "f741b56d6f8615757008a24372d340cc13f9d2f4/series/backfill_ratecards.csv"
)
CAPTURED_AT = datetime(2026, 9, 1, tzinfo=UTC)  # the newest month in the file
PROVIDER = "gpu-price-index"
REGION = "us-or-undisclosed"
SERIES = (
    ("value_usd_per_gpu_hour", "restated-index"),
    ("raw_on_demand_median", "median"),
    ("reserved_raw_median", "median+reserved"),
    ("spot_raw_median", "median+spot"),
)
_COLUMNS = {"period", "index_code", "status", *(column for column, _ in SERIES)}


def parse(page: FetchedPage) -> ParseResult:
    """Read the monthly figures into per-GPU-hour observations."""
    out = DatasetCollector(page, source=NAME, leg=Leg.COMPUTE, parser_version=PARSER_VERSION)
    for number, row in enumerate(csv_rows(page, _COLUMNS), start=2):
        name = row["index_code"].removeprefix("GIX-")
        for column, tier in SERIES:
            where = f"row {number} {column}"
            text = row[column]
            if column == "value_usd_per_gpu_hour" and row["status"] != "published":
                out.skip("index value withheld (fewer than 3 providers)")
                continue
            if not text:
                continue
            try:
                price = round_to_stored_scale(normalize(text, PER_HOUR))
            except PriceParseError as error:
                out.problem(text, error.reason, where)
                continue
            out.dated_price(
                provider=PROVIDER,
                sku=row["index_code"],
                model=name,
                component=Component.GPU_HOUR,
                tier=tier,
                region=REGION,
                currency=Currency.USD,
                price=price,
                published_text=text,
                published_unit=f"USD per GPU-hour ({column})",
                where=where,
                observed_at=day(f"{row['period']}-01"),
                source_url=UPSTREAM,
                accelerator=canonical_accelerator(name),
            )
    return out.result


SOURCE = Source(
    name=NAME,
    leg=Leg.COMPUTE,
    description=(
        "Monthly GPU rental medians 2023-01..2026-09 for A100/H100/H200/B200 from archived "
        "rate cards (henryzhangpku/gpu-price-index @f741b56, no license file)"
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
        "reduced transcription of https://github.com/henryzhangpku/gpu-price-index "
        "series/backfill_ratecards.csv at commit f741b56d6f8615757008a24372d340cc13f9d2f4"
    ),
    license="no LICENSE file found in the repository",
    about=(
        "Monthly per-GPU-hour series per accelerator from archived public rate cards: the "
        "restated index value (tier restated-index, published months only) and the raw "
        "on-demand, reserved and spot medians. observed_at = first day of the month."
    ),
    cadence_days=31,  # monthly values
    stale_after_days=62,
    regular_cadence=True,
)
