"""Read the price files becloudready/gpu-price's scrapers write (``data/<provider>_*.json``).

Each file is a JSON list of rows ``{"provider", "product", "gpu_count", "vram_gb", "vcpus",
"system_ram_gb", "local_storage_tb", "price_per_hour_usd"}`` scraped from one provider's
pricing page. Their quality is uneven (the repository's PROVENANCE: section headings as rows
with null prices, null prices for contact-sales parts, ``gpu_count`` often null), so a source
built on them says per provider what the price is per (GPU or node); this module does the
rest: rows without a price are counted, the accelerator comes from product + VRAM, and
product + VRAM + count (or vCPUs) names the sku.
"""

from __future__ import annotations

import json
from typing import Any

from schemas.enums import Component, Leg
from schemas.observation import GLOBAL_REGION, FetchedPage
from scrapers.base import ParseResult
from scrapers.collect import PageCollector
from scrapers.compute import accelerator_for, field_price, record
from scrapers.json_numbers import loads_exact, published_text


def parse_rows(
    page: FetchedPage,
    *,
    source: str,
    provider: str,
    parser_version: str,
    component: Component,
    headings: frozenset[str] = frozenset(),
) -> ParseResult:
    """Observations of one becloudready price file.

    Args:
        page: The file.
        source, provider, parser_version: Who reads it and for whom.
        component: ``gpu_hour`` when the provider's page quotes per GPU, ``instance_hour``
            when per node (then a row without ``gpu_count`` is a problem).
        headings: Product values that are section headings scraped as rows.
    """
    try:
        rows = loads_exact(page.text())
    except (json.JSONDecodeError, UnicodeDecodeError, LookupError) as error:
        raise ValueError(f"{source}: body is not valid JSON: {error}") from error
    if not isinstance(rows, list):
        raise ValueError(f"{source}: expected a JSON list of rows")
    out = PageCollector(page, source=source, leg=Leg.COMPUTE, parser_version=parser_version)
    for index, row in enumerate(rows):
        _row(out, index, row, provider, component, headings)
    return out.result


def _row(
    out: PageCollector,
    index: int,
    row: Any,
    provider: str,
    component: Component,
    headings: frozenset[str],
) -> None:
    where = f"[{index}]"
    if not isinstance(row, dict) or not isinstance(row.get("product"), str):
        out.problem(json.dumps(row, default=str)[:200], "row without a product", where)
        return
    product = " ".join(row["product"].split())
    if product in headings:
        out.skip("section heading")
        return
    value = row.get("price_per_hour_usd")
    if value is None:
        out.skip("no price stated (contact sales, N/A)")
        return
    vram, count, vcpus = row.get("vram_gb"), row.get("gpu_count"), row.get("vcpus")
    memory = f" {int(vram)}GB" if vram is not None and vram == int(vram) else ""
    where = f"{product}{memory}[{index}]"
    accelerator = accelerator_for(out, product + memory, where)
    if accelerator is None:
        return
    if count is not None and (not isinstance(count, int) or count < 1):
        out.problem(str(count), "gpu_count is not a positive whole number", where)
        return
    if component is Component.INSTANCE_HOUR and count is None:
        out.problem(product, "a per-node price without gpu_count", where)
        return
    price = field_price(out, value, where)
    if price is None:
        return
    if price <= 0:
        out.skip("zero price")
        return
    size = f" x{count}" if count is not None else f" / {vcpus} vCPUs" if vcpus else ""
    record(
        out,
        provider=provider,
        sku=f"{product}{memory}{size}",
        model=product,
        component=component,
        tier="standard",
        region=GLOBAL_REGION,
        price=price,
        published_text=published_text(value),
        published_unit=f"per hour ({'per GPU' if component is Component.GPU_HOUR else 'node'})",
        where=where,
        accelerator=accelerator,
        accelerator_count=count,
    )
