"""Crusoe Cloud's pricing page (``https://www.crusoe.ai/cloud/pricing``), GPU instances.

What it is: a Webflow page of pricing columns, each headed ``h3.pricing-col-heading``. Under
"GPU instances pricing" every GPU is a ``div.pricing_gpu-item``: ``h4.pricing-item-heading``
("NVIDIA A100"), ``div.pricing-tag`` chips (memory "80GB", form factor "SXM" / "PCIe" / "HGX" /
"NVL72"), then one ``div.pricing-rich`` per column, "On-demand" and "Current spot"
("$2.30/GPU-hr" or "Contact sales").

Mapping: provider ``crusoe``, region ``global`` (the page names none), component ``gpu_hour``
(prices are per GPU-hour), tier ``standard`` for On-demand and ``spot`` for Current spot.
sku = heading and tags joined ("NVIDIA A100 80GB SXM"): the two A100 rows differ only by
their SXM / PCIe tag. The accelerator comes from the same text ("NVIDIA H100 80GB HGX" →
``H100-SXM-80GB``); GB200, B200 and MI355X are "Contact sales" in both columns here.

Not read: CPU instances ($/vCPU-hr), storage, Managed Kubernetes, serverless fine-tuning and
inference (per token) and "Self-Serve Deployments" (a managed inference deployment priced per
hour, not a GPU rental). MI355X is outside the catalog (skipped).

The recording (``pages/crusoe/ewyluda_crusoe.html``) is a saved copy of the page
(ewyluda/gpu-price-index's test fixture). No exact capture date: the collector that saved it
first ran Crusoe on 2026-10-04T22:00:23Z (its ``data/runs.jsonl``), used as the approximate
capture time.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bs4 import BeautifulSoup, Tag

from schemas.enums import Component, Leg
from schemas.observation import GLOBAL_REGION, FetchedPage
from scrapers.base import ParseResult, Recording, Source, SourceKind
from scrapers.collect import PageCollector
from scrapers.compute import accelerator_for, page_price, record

NAME = "crusoe_pricing"
PROVIDER = "crusoe"
PARSER_VERSION = "1"
URL = "https://www.crusoe.ai/cloud/pricing"
SECTION = "GPU instances pricing"
COLUMN_TIERS = ("standard", "spot")  # "On-demand", "Current spot"


def _text(tag: Tag) -> str:
    return " ".join(tag.get_text(" ", strip=True).split())


def parse(page: FetchedPage) -> ParseResult:
    """Read the GPU instances column of Crusoe's pricing page."""
    soup = BeautifulSoup(page.text(), "lxml")
    heading = next((h for h in soup.select("h3.pricing-col-heading") if _text(h) == SECTION), None)
    if heading is None:
        raise ValueError(f"{NAME}: no '{SECTION}' heading (page layout changed?)")
    column = heading.find_parent("div", class_="pricing-dd")
    if column is None:
        raise ValueError(f"{NAME}: the '{SECTION}' heading is not inside a pricing column")
    out = PageCollector(page, source=NAME, leg=Leg.COMPUTE, parser_version=PARSER_VERSION)
    for item in column.select("div.pricing_gpu-item"):
        _parse_item(out, item)
    return out.result


def _parse_item(out: PageCollector, item: Tag) -> None:
    heading = item.select_one("h4.pricing-item-heading")
    if heading is None:
        out.problem(_text(item)[:200], "GPU item without a heading", "gpu item")
        return
    parts = [_text(heading), *(_text(tag) for tag in item.select("div.pricing-tag"))]
    sku = " ".join(part for part in parts if part)
    accelerator = accelerator_for(out, sku, sku)
    if accelerator is None:
        return
    cells = item.select("div.pricing-rich")
    if len(cells) != len(COLUMN_TIERS):
        out.problem(_text(item)[:200], f"{len(cells)} price cells, expected 2", sku)
        return
    for tier, cell in zip(COLUMN_TIERS, cells, strict=True):
        text = _text(cell)
        read = page_price(out, text, f"{sku}/{tier}")
        if read is None:
            continue
        price, unit = read
        record(
            out,
            provider=PROVIDER,
            sku=sku,
            model=_text(heading),
            component=Component.GPU_HOUR,
            tier=tier,
            region=GLOBAL_REGION,
            price=price,
            published_text=text,
            published_unit=unit,
            where=f"{sku}/{tier}",
            accelerator=accelerator,
            accelerator_count=None,
        )


SOURCE = Source(
    name=NAME,
    kind=SourceKind.FIRST_PARTY_PAGE,
    leg=Leg.COMPUTE,
    description="Crusoe Cloud pricing page: per GPU-hour on-demand (and spot) prices",
    urls=(URL,),
    recordings=(
        Recording(
            url=URL,
            path="pages/crusoe/ewyluda_crusoe.html",
            captured_at=datetime(2026, 10, 4, 22, 0, 23, tzinfo=UTC),
            content_type="text/html; charset=utf-8",
        ),
    ),
    parser_version=PARSER_VERSION,
    parse=parse,
)
