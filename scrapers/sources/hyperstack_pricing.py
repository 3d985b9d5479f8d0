"""Hyperstack's GPU pricing page (``https://www.hyperstack.cloud/gpu-pricing``).

What it is: a HubSpot page of cards (``div.page-price_card``, titled by an ``h3``). Three are
GPU prices, each a list of rows (``div.page-price_card_row_item``) whose columns are
``div.page-price_card_row_item_col1..5``:

* "On-Demand GPU Pricing": GPU Model | VRAM (GB) | Max pCPUs per GPU | Max RAM per GPU |
  Pricing Per Hour — the list price, per GPU-hour;
* "Reservation Pricing": GPU Model | Starting from | Reserve — the lowest reserved rate;
* "Spot VM Pricing": GPU Model | Spot VM.

Mapping: provider ``hyperstack``, region ``global``, component ``gpu_hour``, sku = the model
name; tiers ``standard`` (on-demand), ``reserved`` ("Starting from": the lowest reservation
rate, not the list price) and ``spot``. The accelerator is read from the on-demand card's name
and VRAM ("NVIDIA A100 SXM" + 80 → ``A100-SXM-80GB``) and reused for the same name in the other
cards. Hyperstack names its PCIe parts without saying so: "NVIDIA H100" is the H100 PCIe (the
spot card calls the same GPU "NVIDIA H100 PCIe"), "NVIDIA H100 NVLink" / "NVIDIA A100 NVLink"
are PCIe cards joined by NVLink bridges, "NVIDIA A100" is the A100 80GB PCIe
(:data:`NAME_OVERRIDES`).

Known traps: price cells with a leading non-breaking space ("\u00a0$1.40") or a trailing
space; an empty trailing row; A6000, A4000, RTX Pro 6000 SE and B300 are outside the catalog
(skipped). CPU, storage, token-priced and fine-tuning cards are not read.

The recording (``pages/hyperstack/ewyluda_hyperstack.html``) is a saved copy of the page
(ewyluda/gpu-price-index's test fixture, scripts stripped). No exact capture date: its
collector first ran Hyperstack on 2026-10-04T22:00:23Z (``data/runs.jsonl``), used as the
approximate capture time.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from bs4 import BeautifulSoup, Tag

from schemas.accelerators import require_known
from schemas.enums import Component, Leg
from schemas.observation import GLOBAL_REGION, FetchedPage
from scrapers.base import ParseResult, Recording, Source, SourceKind
from scrapers.collect import PageCollector
from scrapers.compute import accelerator_for, page_price, record

NAME = "hyperstack_pricing"
PROVIDER = "hyperstack"
PARSER_VERSION = "1"
URL = "https://www.hyperstack.cloud/gpu-pricing"

# card title -> (tier, index of the price column among the row's columns)
CARDS: dict[str, tuple[str, int]] = {
    "On-Demand GPU Pricing": ("standard", 4),
    "Reservation Pricing": ("reserved", 1),
    "Spot VM Pricing": ("spot", 1),
}
ON_DEMAND = "On-Demand GPU Pricing"
_GPU_NAME = re.compile(r"\bNVIDIA\b|\bAMD\b|\b(?:H100|H200|A100|L40S?|B200|MI300X)\b")
NAME_OVERRIDES: dict[str, str] = {
    "NVIDIA H100": require_known("H100-PCIe-80GB"),
    "NVIDIA H100 NVLink": require_known("H100-PCIe-80GB"),
    "NVIDIA A100": require_known("A100-PCIe-80GB"),
    "NVIDIA A100 NVLink": require_known("A100-PCIe-80GB"),
}


def _text(tag: Tag) -> str:
    return " ".join(tag.get_text(" ", strip=True).split())


def parse(page: FetchedPage) -> ParseResult:
    """Read the on-demand, reservation and spot GPU cards."""
    soup = BeautifulSoup(page.text(), "lxml")
    cards = {}
    for card in soup.select("div.page-price_card"):
        title = card.find("h3")
        if title is not None and _text(title) in CARDS:
            cards[_text(title)] = card
    if ON_DEMAND not in cards:
        raise ValueError(f"{NAME}: no '{ON_DEMAND}' card (page layout changed?)")
    out = PageCollector(page, source=NAME, leg=Leg.COMPUTE, parser_version=PARSER_VERSION)
    known: dict[str, str | None] = {}
    _report_unread_gpu_cards(out, soup)
    for title in sorted(cards, key=lambda t: t != ON_DEMAND):  # on-demand first: it has VRAM
        tier, price_column = CARDS[title]
        for row in cards[title].select("div.page-price_card_row_item"):
            columns = [_text(c) for c in row.select("div.page-price_card_row_item_col")]
            if not any(columns):
                continue  # the empty trailing row
            _parse_row(out, known, title, tier, price_column, columns)
    return out.result


def _report_unread_gpu_cards(out: PageCollector, soup: BeautifulSoup) -> None:
    """A card of GPU rows whose title CARDS does not know is reported, never dropped.

    ("Spot VM Pricing" renamed "Preemptible Pricing" would otherwise lose every spot price.)
    """
    for card in soup.select("div.page-price_card"):
        title = card.find("h3")
        name = _text(title) if title is not None else ""
        if name in CARDS:
            continue
        rows = card.select("div.page-price_card_row_item")
        firsts = [
            _text(c) for row in rows for c in row.select("div.page-price_card_row_item_col")[:1]
        ]
        if any(_GPU_NAME.search(first) for first in firsts):
            out.problem(name, "card title not understood: its GPU prices are not read", name)


def _parse_row(
    out: PageCollector,
    known: dict[str, str | None],
    title: str,
    tier: str,
    price_column: int,
    columns: list[str],
) -> None:
    name = columns[0]
    where = f"{title}/{name}"
    if len(columns) <= price_column:
        out.problem(" | ".join(columns), "row without a price column", where)
        return
    if name not in known:
        vram = f" {columns[1]}GB" if title == ON_DEMAND and columns[1].isdigit() else ""
        known[name] = NAME_OVERRIDES.get(name) or accelerator_for(out, name + vram, where)
    elif known[name] is None:
        accelerator_for(out, name, where)  # counts the skip (or problem) once per row
    accelerator = known[name]
    if accelerator is None:
        return
    text = columns[price_column]
    read = page_price(out, text, where)
    if read is None:
        return
    price, unit = read
    record(
        out,
        provider=PROVIDER,
        sku=name,
        model=name,
        component=Component.GPU_HOUR,
        tier=tier,
        region=GLOBAL_REGION,
        price=price,
        published_text=text,
        published_unit=f"{unit} per GPU ({title})",
        where=where,
        accelerator=accelerator,
        accelerator_count=None,
    )


SOURCE = Source(
    name=NAME,
    kind=SourceKind.FIRST_PARTY_PAGE,
    leg=Leg.COMPUTE,
    description="Hyperstack GPU pricing page: per GPU-hour on-demand, reservation and spot",
    urls=(URL,),
    recordings=(
        Recording(
            url=URL,
            path="pages/hyperstack/ewyluda_hyperstack.html",
            captured_at=datetime(2026, 10, 4, 22, 0, 23, tzinfo=UTC),
            content_type="text/html; charset=utf-8",
        ),
    ),
    parser_version=PARSER_VERSION,
    parse=parse,
)
