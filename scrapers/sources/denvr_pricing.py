"""Denvr Dataworks' GPU prices, as becloudready/gpu-price scraped them from denvrdata.com.

What it is: ``data/denvr_gpu_prices.json`` of becloudready/gpu-price, its scraper's output for
Denvr's public pricing page: rows ``{"product": "NVIDIA H100 SXM", "gpu_count": 8, "vram_gb":
80.0, "vcpus": 208, "price_per_hour_usd": 2.1, ...}`` (see :mod:`scrapers.becloudready`).
Denvr quotes per GPU-hour: the 8 × H100 SXM node's $2.10 cannot be a price per node.

Mapping: provider ``denvr``, region ``global``, component ``gpu_hour`` with the node's GPU
count, tier ``standard``, sku = product + VRAM + count ("NVIDIA H100 SXM 80GB x8"), accelerator
from product + VRAM. Known traps: MI300X, Gaudi 3, B200, GB200 and H200 rows have null prices
(contact sales; skipped); Gaudi 2 and A40 are outside the catalog (skipped).

The recording (``pages/denvr/becloudready_denvr_gpu_prices.json``) is that file byte for byte
at commit 64a1fca (2026-02-11); the scrape date is not recorded ("on or before 2026-02-11"),
so the commit date is the capture time. No other recording of Denvr's page exists.
"""

from __future__ import annotations

from datetime import UTC, datetime

from schemas.enums import Component, Leg
from schemas.observation import FetchedPage
from scrapers.base import ParseResult, Recording, Source, SourceKind
from scrapers.becloudready import parse_rows

NAME = "denvr_pricing"
PROVIDER = "denvr"
PARSER_VERSION = "1"
URL = "https://raw.githubusercontent.com/becloudready/gpu-price/main/data/denvr_gpu_prices.json"


def parse(page: FetchedPage) -> ParseResult:
    """Read becloudready's Denvr price file (per GPU-hour)."""
    return parse_rows(
        page,
        source=NAME,
        provider=PROVIDER,
        parser_version=PARSER_VERSION,
        component=Component.GPU_HOUR,
    )


SOURCE = Source(
    name=NAME,
    kind=SourceKind.THIRD_PARTY_SCRAPE,
    leg=Leg.COMPUTE,
    description="Denvr Dataworks per GPU-hour prices (becloudready/gpu-price's scrape)",
    urls=(URL,),
    recordings=(
        Recording(
            url=URL,
            path="pages/denvr/becloudready_denvr_gpu_prices.json",
            captured_at=datetime(2026, 2, 11, tzinfo=UTC),
            content_type="application/json",
        ),
    ),
    parser_version=PARSER_VERSION,
    parse=parse,
)
