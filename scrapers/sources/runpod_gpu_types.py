"""RunPod's GPU types and their per-GPU prices (public GraphQL API, ``gpuTypes`` query).

What it is: ``{"data": {"gpuTypes": [{"id": "NVIDIA H100 80GB HBM3", "displayName": "H100
SXM", "memoryInGb": 80, "securePrice": 3.49, "communityPrice": 2.69}, ...]}}``. Prices are USD
per GPU-hour: ``securePrice`` in RunPod's Secure Cloud (its own data centres), the list price;
``communityPrice`` in Community Cloud (hosts of third parties), a cheaper tier of the same GPU.

Mapping: provider ``runpod``, sku = ``id``, model = ``displayName``, region ``global``,
component ``gpu_hour``; ``securePrice`` → tier ``standard``, ``communityPrice`` → tier
``community``. The accelerator is read from ``id`` and ``displayName`` together: "NVIDIA H100
80GB HBM3" is the SXM part's device name (``H100-SXM-80GB``), "NVIDIA H100 PCIe" the PCIe
one, "Tesla V100-SXM2-16GB" the V100 SXM2.

Known traps (from the recording's PROVENANCE): a price of 0 means "not offered in this cloud"
(``not offered (price 0)``); a price of exactly 0.5 is a placeholder RunPod returns for
unrelated GPUs in either field (MI300X community 0.5 beside secure 2.39, H200 NVL community 0.5
beside 3.79, a 96 GB RTX PRO 6000 Max-Q secure 0.5 beside community 1.64), so 0.5 is skipped as
``placeholder 0.5``; an ``unknown`` entry with all zeros; consumer and workstation GPUs (RTX,
A40…) and B300 are outside the catalog (skipped).

Live fetch: the GraphQL query as a GET (``?query=``), which the endpoint accepts for queries;
not verified from this machine (no network). The recording
(``pages/runpod/ewyluda_runpod.json``, ewyluda/gpu-price-index's test fixture, 48 GPU types)
has the response's shape; it is undated, and the same commit of that repository dates about
2026-09-29 (the AWS fixture's PROVENANCE), used as the approximate capture time.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from schemas.enums import Component, Leg
from schemas.observation import GLOBAL_REGION, FetchedPage
from scrapers.base import ParseResult, Recording, Source, SourceKind
from scrapers.collect import PageCollector
from scrapers.compute import accelerator_for, field_price, record
from scrapers.json_numbers import loads_exact, published_text

NAME = "runpod_gpu_types"
PROVIDER = "runpod"
PARSER_VERSION = "1"
QUERY = "query { gpuTypes { id displayName memoryInGb securePrice communityPrice } }"
URL = "https://api.runpod.io/graphql?query=" + quote(QUERY, safe="")
FIELDS = {"securePrice": "standard", "communityPrice": "community"}
PLACEHOLDER = Decimal("0.5")


def parse(page: FetchedPage) -> ParseResult:
    """Read the gpuTypes list into per-GPU-hour prices."""
    try:
        document = loads_exact(page.text())
    except (json.JSONDecodeError, UnicodeDecodeError, LookupError) as error:
        raise ValueError(
            f"{NAME}: body is not valid JSON: {error} (this source reads the GraphQL gpuTypes "
            "response; a pricing web page is another layout)"
        ) from error
    types = (document.get("data") or {}).get("gpuTypes") if isinstance(document, dict) else None
    if not isinstance(types, list):
        errors = document.get("errors") if isinstance(document, dict) else None
        raise ValueError(f"{NAME}: expected data.gpuTypes (errors: {errors})")
    out = PageCollector(page, source=NAME, leg=Leg.COMPUTE, parser_version=PARSER_VERSION)
    for index, entry in enumerate(types):
        _parse_type(out, index, entry)
    return out.result


def _parse_type(out: PageCollector, index: int, entry: Any) -> None:
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
        out.problem(json.dumps(entry, default=str)[:200], "GPU type without an id", f"[{index}]")
        return
    sku = entry["id"]
    display = entry.get("displayName") if isinstance(entry.get("displayName"), str) else None
    prices: dict[str, Decimal] = {}
    for field in FIELDS:
        price = field_price(out, entry.get(field, 0), f"{sku}.{field}")
        if price is not None:
            prices[field] = price
    offered = {f: p for f, p in prices.items() if p > 0}
    if not offered:
        out.skip("not offered (price 0)")
        return
    accelerator = accelerator_for(out, f"{sku} {display or ''}", sku)
    if accelerator is None:
        return
    for field, tier in FIELDS.items():
        price = prices.get(field)
        if price is None:
            continue
        if price == 0:
            out.skip("not offered (price 0)")
            continue
        if price == PLACEHOLDER:
            out.skip("placeholder 0.5")
            continue
        record(
            out,
            provider=PROVIDER,
            sku=sku,
            model=display,
            component=Component.GPU_HOUR,
            tier=tier,
            region=GLOBAL_REGION,
            price=price,
            published_text=published_text(entry[field]),
            published_unit=f"per GPU-hour ({field})",
            where=f"{sku}.{field}",
            accelerator=accelerator,
            accelerator_count=None,
        )


SOURCE = Source(
    name=NAME,
    kind=SourceKind.FIRST_PARTY_API,
    leg=Leg.COMPUTE,
    description="RunPod GraphQL gpuTypes: per GPU-hour, Secure Cloud (list) and Community Cloud",
    urls=(URL,),
    recordings=(
        Recording(
            url=URL,
            path="pages/runpod/ewyluda_runpod.json",
            captured_at=datetime(2026, 9, 29, tzinfo=UTC),
            content_type="application/json",
        ),
    ),
    parser_version=PARSER_VERSION,
    parse=parse,
)
