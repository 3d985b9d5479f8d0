"""Vast.ai marketplace offers (``https://console.vast.ai/api/v0/bundles/``), summarized.

What it is: a marketplace, not a price list: every host sets its own price, so there is no
list price. The offer search answers ``{"offers": [{"gpu_name": "H100 SXM", "gpu_ram": 81559
(MiB), "num_gpus": 2, "dph_total": 4.2 (USD per hour for the whole offer)}, ...]}``.

Mapping: provider ``vast``, region ``global``. Offers are grouped by GPU name, accelerator
and GPU count; each group gives two prices of the whole machine (component
``instance_hour`` with the count), both tiers, never a list price: ``marketplace-min`` (the
cheapest offer) and ``marketplace-median`` (the lower median, so the price is one an offer
really asked). sku = "H100 SXM 80GB x2" (with the catalog memory of the accelerator). The
accelerator comes from the GPU name, with the memory for the A100 (Vast names 40 GB and 80 GB
parts alike "A100 SXM4"); Vast's "H200" is the SXM part (it lists the NVL as "H200 NVL").

The recording (``pages/vast/ewyluda_vast.json``, ewyluda/gpu-price-index's test fixture) is a
bare list of 138 trimmed offers rather than the ``{"offers": [...]}`` envelope, so its
recording URL is where those bytes are published; the parser reads both shapes. Undated; its
collector ran Vast from 2026-09-29 (``data/runs.jsonl``), used as the approximate capture time.
Prices such as 6.252083333333333 carry more decimals than stored (12): rounded half-even, the
published text keeps them.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from schemas.accelerators import BY_ID, require_known
from schemas.enums import Component, Leg
from schemas.observation import GLOBAL_REGION, FetchedPage
from scrapers.base import ParseResult, Recording, Source, SourceKind
from scrapers.collect import PageCollector
from scrapers.compute import accelerator_for, field_price, record
from scrapers.json_numbers import loads_exact, published_text

NAME = "vast_offers"
PROVIDER = "vast"
PARSER_VERSION = "1"
API = "https://console.vast.ai/api/v0/bundles/"
GPU_NAMES = (
    "B200",
    "H200",
    "H200 NVL",
    "H100 SXM",
    "H100 NVL",
    "H100 PCIE",
    "A100 SXM4",
    "A100 PCIE",
    "L40S",
    "MI300X",
)
RECORDING_URL = (
    "https://raw.githubusercontent.com/ewyluda/gpu-price-index/"
    "1f5b058636bc19d4f114c2142b5548681b8b2c3c/tests/fixtures/vast.json"
)
NAME_OVERRIDES = {"H200": require_known("H200-SXM-141GB")}


def search_url(gpu_name: str) -> str:
    """The offer search for one GPU name: rentable on-demand offers, up to 1,000."""
    query = {
        "rentable": {"eq": True},
        "type": "on-demand",
        "gpu_name": {"eq": gpu_name},
        "limit": 1000,
    }
    return API + "?q=" + quote(json.dumps(query, separators=(",", ":")), safe="")


def parse(page: FetchedPage) -> ParseResult:
    """Summarize the offers of one search into min and median prices per machine shape."""
    try:
        document = loads_exact(page.text())
    except (json.JSONDecodeError, UnicodeDecodeError, LookupError) as error:
        raise ValueError(f"{NAME}: body is not valid JSON: {error}") from error
    offers = document.get("offers") if isinstance(document, dict) else document
    if not isinstance(offers, list):
        raise ValueError(f"{NAME}: expected a list of offers or an object with 'offers'")
    out = PageCollector(page, source=NAME, leg=Leg.COMPUTE, parser_version=PARSER_VERSION)
    groups: dict[tuple[str, str, int], list[tuple[Decimal, object]]] = defaultdict(list)
    for index, offer in enumerate(offers):
        read = _offer(out, index, offer)
        if read is not None:
            key, price, text = read
            groups[key].append((price, text))
    for key in sorted(groups):
        _summarize(out, key, groups[key])
    return out.result


def _offer(
    out: PageCollector, index: int, offer: Any
) -> tuple[tuple[str, str, int], Decimal, object] | None:
    where = f"offers[{index}]"
    if not isinstance(offer, dict) or not isinstance(offer.get("gpu_name"), str):
        out.problem(json.dumps(offer, default=str)[:200], "offer without gpu_name", where)
        return None
    name = offer["gpu_name"]
    gpus, ram = offer.get("num_gpus"), offer.get("gpu_ram")
    if not isinstance(gpus, int) or isinstance(gpus, bool) or gpus < 1:
        out.problem(str(gpus), "num_gpus is not a positive whole number", where)
        return None
    if not isinstance(ram, int) or isinstance(ram, bool) or ram <= 0:
        out.problem(str(ram), "gpu_ram (MiB) is not a positive whole number", where)
        return None
    if name in NAME_OVERRIDES:
        accelerator: str | None = NAME_OVERRIDES[name]
    else:
        # Vast names both A100 sizes alike; the memory tells them apart (40 GB: 40960 or
        # 39936 MiB, 80 GB: 81920 MiB).
        label = f"{name} {'40' if ram < 61440 else '80'}GB" if "A100" in name else name
        accelerator = accelerator_for(out, label, where)
    if accelerator is None:
        return None
    price = field_price(out, offer.get("dph_total"), where)
    if price is None:
        return None
    if price <= 0:
        out.skip("zero price")
        return None
    return (name, accelerator, gpus), price, offer["dph_total"]


def _summarize(
    out: PageCollector,
    key: tuple[str, str, int],
    offers: list[tuple[Decimal, object]],
) -> None:
    name, accelerator, gpus = key
    ordered = sorted(offers, key=lambda pair: pair[0])
    sku = f"{name} {BY_ID[accelerator].memory_gb:f}GB x{gpus}"
    picks = {
        "marketplace-min": (ordered[0], f"lowest of {len(ordered)} offers"),
        "marketplace-median": (ordered[(len(ordered) - 1) // 2], f"median of {len(ordered)}"),
    }
    for tier, ((price, text), how) in picks.items():
        record(
            out,
            provider=PROVIDER,
            sku=sku,
            model=name,
            component=Component.INSTANCE_HOUR,
            tier=tier,
            region=GLOBAL_REGION,
            price=price,
            published_text=published_text(text),
            published_unit=f"per hour, whole offer (dph_total, {how})",
            where=f"{sku}/{tier}",
            accelerator=accelerator,
            accelerator_count=gpus,
        )


SOURCE = Source(
    name=NAME,
    kind=SourceKind.AGGREGATOR,
    leg=Leg.COMPUTE,
    description="Vast.ai marketplace offers: cheapest and median price per GPU model and count",
    urls=tuple(search_url(name) for name in GPU_NAMES),
    recordings=(
        Recording(
            url=RECORDING_URL,
            path="pages/vast/ewyluda_vast.json",
            captured_at=datetime(2026, 9, 29, tzinfo=UTC),
            content_type="application/json",
        ),
    ),
    parser_version=PARSER_VERSION,
    parse=parse,
)
