"""Oracle Cloud's public price list API (cetools products), GPU parts.

What it is: ``https://apexapps.oracle.com/pls/apex/cetools/api/v1/products/?currencyCode=USD``
answers ``{"lastUpdated": "...", "items": [{"partNumber": "B98415", "displayName": "Oracle
Cloud Infrastructure - Compute - GPU - H100", "metricName": "GPU Per Hour", "serviceCategory":
"Compute - GPU", "currencyCodeLocalizations": [{"currencyCode": "USD", "prices": [{"model":
"PAY_AS_YOU_GO", "value": 10}]}]}, ...]}`` — every OCI part, GPU ones among them.

Mapping: provider ``oracle``, sku = ``partNumber``, model = ``displayName``, region
``global`` (OCI prices are the same in every commercial region), component ``gpu_hour`` for
metric "GPU Per Hour", tier ``standard`` for the ``PAY_AS_YOU_GO`` price. The accelerator is
the GPU named at the end of the display name; OCI's "H100", "H200" and "A100 - v2" parts are
its bare-metal HGX shapes (BM.GPU.H100.8 = 8 × H100 SXM 80GB, BM.GPU.H200.8 = 8 × H200,
BM.GPU.A100-v2.8 = 8 × A100 SXM 80GB) — :data:`PART_ACCELERATORS`.

Skipped and counted: other metrics ("Node Per Hour" VMware commits, "Resource Possession Per
Day"), Compute Cloud@Customer parts (Oracle's hardware in the customer's data centre, another
product), legacy parts named after a shape generation rather than a GPU ("GPU Standard - X7",
"- V2", "GPU - E3", "GPU - E4": ``part names no GPU``), and GPUs outside the catalog (B300,
GB300, MI355X, RTX PRO 6000). "H100T" (category "Compute - GPU - Other") names no documented
part and is reported as a problem rather than guessed.

The recording (``pages/oracle/ewyluda_oracle.json``, ewyluda/gpu-price-index's test fixture)
has the API's shape trimmed to 26 GPU-related items; ``lastUpdated`` 2026-10-01T14:18:05Z is
the list's own date. Its collector first ran Oracle on 2026-10-05T01:23:38Z
(``data/runs.jsonl``), used as the approximate capture time.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from schemas.accelerators import require_known
from schemas.enums import Component, Leg
from schemas.observation import GLOBAL_REGION, FetchedPage
from scrapers.base import ParseResult, Recording, Source, SourceKind
from scrapers.collect import PageCollector
from scrapers.compute import accelerator_for, field_price, record
from scrapers.json_numbers import loads_exact, published_text

NAME = "oracle_price_list"
PROVIDER = "oracle"
PARSER_VERSION = "1"
URL = "https://apexapps.oracle.com/pls/apex/cetools/api/v1/products/?currencyCode=USD"

PART_ACCELERATORS: dict[str, str] = {
    "B98415": require_known("H100-SXM-80GB"),
    "B110519": require_known("H200-SXM-141GB"),
    "B95907": require_known("A100-SXM-80GB"),
}
NO_GPU_NAMED = frozenset({"B88517", "B88518", "B89734", "B92740", "B93544"})


def parse(page: FetchedPage) -> ParseResult:
    """Read the GPU-hour parts of the price list."""
    try:
        document = loads_exact(page.text())
    except (json.JSONDecodeError, UnicodeDecodeError, LookupError) as error:
        raise ValueError(f"{NAME}: body is not valid JSON: {error}") from error
    items = document.get("items") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise ValueError(f"{NAME}: expected an object with an 'items' list")
    out = PageCollector(page, source=NAME, leg=Leg.COMPUTE, parser_version=PARSER_VERSION)
    for index, item in enumerate(items):
        _parse_item(out, index, item)
    return out.result


def _parse_item(out: PageCollector, index: int, item: Any) -> None:
    if not isinstance(item, dict) or not isinstance(item.get("partNumber"), str):
        out.problem(json.dumps(item, default=str)[:200], "item without a partNumber", f"[{index}]")
        return
    part = item["partNumber"]
    name = " ".join(str(item.get("displayName", "")).split())
    if item.get("metricName") != "GPU Per Hour":
        out.skip("metric not tracked")
        return
    if "Cloud@Customer" in str(item.get("serviceCategory", "")):
        out.skip("Cloud@Customer part")
        return
    if part in NO_GPU_NAMED:
        out.skip("part names no GPU")
        return
    accelerator = PART_ACCELERATORS.get(part) or accelerator_for(
        out, name.rsplit(" - ", 1)[-1], part
    )
    if accelerator is None:
        return
    for localization in item.get("currencyCodeLocalizations") or []:
        if localization.get("currencyCode") != "USD":
            continue
        for entry in localization.get("prices") or []:
            if entry.get("model") != "PAY_AS_YOU_GO":
                out.skip("price model not tracked")
                continue
            price = field_price(out, entry.get("value"), part)
            if price is None:
                continue
            if price <= 0:
                out.skip("zero price")
                continue
            record(
                out,
                provider=PROVIDER,
                sku=part,
                model=name,
                component=Component.GPU_HOUR,
                tier="standard",
                region=GLOBAL_REGION,
                price=price,
                published_text=published_text(entry["value"]),
                published_unit="per GPU-hour (GPU Per Hour, PAY_AS_YOU_GO)",
                where=part,
                accelerator=accelerator,
                accelerator_count=None,
            )


SOURCE = Source(
    name=NAME,
    kind=SourceKind.FIRST_PARTY_API,
    leg=Leg.COMPUTE,
    description="Oracle Cloud price list API: GPU parts, pay-as-you-go per GPU-hour",
    urls=(URL,),
    recordings=(
        Recording(
            url=URL,
            path="pages/oracle/ewyluda_oracle.json",
            captured_at=datetime(2026, 10, 5, 1, 23, 38, tzinfo=UTC),
            content_type="application/json",
        ),
    ),
    parser_version=PARSER_VERSION,
    parse=parse,
)
