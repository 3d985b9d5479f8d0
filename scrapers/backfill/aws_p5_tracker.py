"""AWS p5.48xlarge (8 × H100) on-demand list price, us-east-1, 2025-04-23 .. 2026-01-27.

What it is: ``compute/aws_p5_tracker_observations.csv``, the boundary observations transcribed
from the daily readings of https://github.com/amorton45/aws-gpu-price-tracker (AWS Price List
API, "US East (N. Virginia)", Linux, OnDemand): 98.32 USD/hour on every reading 2025-04-23 ..
2025-06-04, 55.04 USD/hour on every reading 2025-06-05 .. 2026-01-27 (AWS's June 2025 cut).

Dates: each row's date is when the tracker observed the price (midnight UTC); no effective
date, so the cut enters the history on 2025-06-05, the first reading at the new price.

Mapping: provider ``aws``, sku = instance type, component ``instance_hour`` (price per whole
instance) with accelerator ``H100-SXM-80GB`` × 8 from the nightly AWS source's instance map,
tier ``standard`` (Linux on-demand), region ``us-east-1``.
"""

from __future__ import annotations

from datetime import UTC, datetime

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
from scrapers.sources.aws_ec2 import accelerator_of

NAME = "aws_p5_tracker"
PARSER_VERSION = "1"
PATH = "compute/aws_p5_tracker_observations.csv"
URL = shared_url(PATH)
CAPTURED_AT = datetime(2026, 1, 27, 7, 32, 26, tzinfo=UTC)  # last reading of the stored file
TRACKER = "https://github.com/amorton45/aws-gpu-price-tracker/blob/{commit}/gpu_prices.csv"
_COLUMNS = {
    "date",
    "cloud",
    "instance_type",
    "region",
    "price_usd_per_hour",
    "price_unit",
    "price_kind",
    "source_commit",
}


def parse(page: FetchedPage) -> ParseResult:
    """Read the tracker's boundary observations."""
    out = DatasetCollector(page, source=NAME, leg=Leg.COMPUTE, parser_version=PARSER_VERSION)
    for number, row in enumerate(csv_rows(page, _COLUMNS), start=2):
        where = f"row {number}"
        if row["price_unit"] != "per_instance" or row["price_kind"] != "list_on_demand_linux":
            out.problem(f"{row['price_unit']} {row['price_kind']}", "unexpected unit", where)
            continue
        known = accelerator_of(row["instance_type"])
        if known is None:
            out.problem(row["instance_type"], "not a known GPU instance type", where)
            continue
        try:
            price = normalize(row["price_usd_per_hour"], PER_HOUR)
        except PriceParseError as error:
            out.problem(row["price_usd_per_hour"], error.reason, where)
            continue
        out.dated_price(
            provider=row["cloud"],
            sku=row["instance_type"],
            model=row["instance_type"],
            component=Component.INSTANCE_HOUR,
            tier=STANDARD_TIER,
            region=row["region"],
            currency=Currency.USD,
            price=price,
            published_text=row["price_usd_per_hour"],
            published_unit="USD per instance-hour (AWS Price List, Linux on-demand)",
            where=where,
            observed_at=day(row["date"]),
            source_url=TRACKER.format(commit=row["source_commit"]),
            accelerator=known[0],
            accelerator_count=known[1],
        )
    return out.result


SOURCE = Source(
    name=NAME,
    leg=Leg.COMPUTE,
    description=(
        "AWS p5.48xlarge on-demand list price, us-east-1, 2025-04..2026-01, from "
        "amorton45/aws-gpu-price-tracker @00a01dc (no license file)"
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
        "boundary observations transcribed from https://github.com/amorton45/aws-gpu-price-"
        "tracker gpu_prices.csv at commit 00a01dcbaf37a9fb41b2fb25d1167705675bb44e"
    ),
    license="no LICENSE file in the repository",
    about=(
        "AWS p5.48xlarge (8 x H100) Linux on-demand in us-east-1 as read daily by a tracker: "
        "98.32 USD/hour until 2025-06-04, 55.04 from 2025-06-05. observed_at = reading date."
    ),
    cadence_days=1,  # a daily reading
    stale_after_days=7,
)
