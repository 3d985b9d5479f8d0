"""Lambda's GPU cloud prices, as becloudready/gpu-price scraped them from lambda.ai.

What it is: ``data/lambda_gpu_prices.json`` of becloudready/gpu-price, the output of that
repository's scraper of Lambda's public pricing page (https://lambda.ai/service/gpu-cloud):
rows ``{"product": "NVIDIA H100 SXM", "vram_gb": 80.0, "vcpus": 208, "price_per_hour_usd":
2.99, "gpu_count": null, ...}`` (see :mod:`scrapers.becloudready`). Lambda quotes on-demand
prices per GPU-hour, the same GPU at several instance sizes (8x, 4x, 2x, 1x, told apart here
only by the vCPU count).

Mapping: provider ``lambda``, region ``global``, component ``gpu_hour``, tier ``standard``,
sku = product + VRAM + vCPUs ("NVIDIA H100 SXM 80GB / 208 vCPUs"), accelerator from product +
VRAM. Known traps: six rows are the page's "On-Demand" / "Reserved" section headings with null
prices (skipped as ``section heading``); "NVIDIA Tesla V100" names no form factor (a
ParseProblem, not a guess); A6000 and Quadro RTX 6000 are outside the catalog (skipped).

The recording (``pages/lambda/becloudready_lambda_gpu_prices.json``) is that file byte for
byte at commit 64a1fca (2026-02-11); the scrape date is not recorded ("on or before
2026-02-11"), so the commit date is the capture time.
"""

from __future__ import annotations

from datetime import UTC, datetime

from schemas.enums import Component, Leg
from schemas.observation import FetchedPage
from scrapers.base import ParseResult, Recording, Source, SourceKind
from scrapers.becloudready import parse_rows

NAME = "lambda_pricing"
PROVIDER = "lambda"
PARSER_VERSION = "1"
URL = "https://raw.githubusercontent.com/becloudready/gpu-price/main/data/lambda_gpu_prices.json"


def parse(page: FetchedPage) -> ParseResult:
    """Read becloudready's Lambda price file (per GPU-hour)."""
    return parse_rows(
        page,
        source=NAME,
        provider=PROVIDER,
        parser_version=PARSER_VERSION,
        component=Component.GPU_HOUR,
        headings=frozenset({"On-Demand", "Reserved"}),
    )


SOURCE = Source(
    name=NAME,
    kind=SourceKind.THIRD_PARTY_SCRAPE,
    leg=Leg.COMPUTE,
    description="Lambda GPU cloud per GPU-hour prices (becloudready/gpu-price's scrape)",
    urls=(URL,),
    recordings=(
        Recording(
            url=URL,
            path="pages/lambda/becloudready_lambda_gpu_prices.json",
            captured_at=datetime(2026, 2, 11, tzinfo=UTC),
            content_type="application/json",
        ),
    ),
    parser_version=PARSER_VERSION,
    parse=parse,
)
