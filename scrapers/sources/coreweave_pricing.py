"""CoreWeave's cloud pricing page (``https://www.coreweave.com/pricing``), GPU instances.

What it is: a Webflow page with one GPU table per region (an ``h5`` "REGION: NORTH AMERICA" /
"REGION: EUROPE" before each ``div.table-v2.gpu-pricing``). Each row (``div.table-row-v2``) is
one instance: ``h3.table-model-name`` (with a stable ``data-product`` id), then cells
(``.table-grid > div.table-v2-cell``) in the header's order: GPU Count, VRAM (GB), vCPUs,
System RAM, Local Storage, On-Demand Price (Per Hour), Spot Price (Per Hour) and, in North
America only, "Inference Single GPU Price (Per Hour)". Each row is also repeated in a mobile
layout (``span.instance-price`` …), which the parser ignores: one reading per cell.

Mapping: provider ``coreweave``, sku = ``data-product`` (``hgx-h100``), region ``north-america``
/ ``europe``. The On-Demand and Spot prices are for the whole instance (8 GPUs for HGX H100):
component ``instance_hour`` with the GPU count, tiers ``standard`` and ``spot``. The inference
price is per single GPU: component ``gpu_hour``, tier ``inference-single-gpu`` (a separate
offer, not the list price of a GPU of the 8-GPU node). The accelerator comes from the model
name and the VRAM column ("NVIDIA HGX H100" + 80 GB → ``H100-SXM-80GB``); "NVIDIA A100"
(8 × 80 GB, no form factor named) is CoreWeave's HGX A100, i.e. ``A100-SXM-80GB``.

Known traps: "Contact sales" and "N/A" cells state no price (counted as skipped); GPU counts
carry footnote marks ("4^1" for GB200 NVL72, billed per 4-GPU tray); B300, GB300 and RTX PRO
6000 rows are real GPUs outside the catalog (skipped). Other tables (CPU instances, storage,
networking) are not GPU prices and are not read.

The recording (``pages/coreweave/ewyluda_coreweave.html``) is a saved copy of the page
(ewyluda/gpu-price-index's test fixture, scripts and SVG stripped; two chunks of repeated
modal templates rebuilt, price tables copied as read). No exact capture date: the collector
that saved it first ran CoreWeave on 2026-10-04T22:00:23Z (its ``data/runs.jsonl``), used
here as the approximate capture time.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from bs4 import BeautifulSoup, Tag

from schemas.accelerators import require_known
from schemas.enums import Component, Leg
from schemas.observation import FetchedPage
from scrapers.base import ParseResult, Recording, Source, SourceKind
from scrapers.collect import PageCollector
from scrapers.compute import accelerator_for, page_price, record

NAME = "coreweave_pricing"
PROVIDER = "coreweave"
PARSER_VERSION = "1"
URL = "https://www.coreweave.com/pricing"

# Names whose form factor the page does not print, with the part CoreWeave offers.
NAME_OVERRIDES = {"NVIDIA A100": require_known("A100-SXM-80GB")}
# header label (prefix) -> (component, tier)
PRICE_COLUMNS: dict[str, tuple[Component, str]] = {
    "On-Demand Price": (Component.INSTANCE_HOUR, "standard"),
    "Spot Price": (Component.INSTANCE_HOUR, "spot"),
    "Inference Single GPU Price": (Component.GPU_HOUR, "inference-single-gpu"),
}
_REGION = re.compile(r"REGION:\s*(.+)", re.IGNORECASE)


def _text(tag: Tag) -> str:
    return " ".join(tag.get_text(" ", strip=True).split())


def parse(page: FetchedPage) -> ParseResult:
    """Read the GPU tables of CoreWeave's pricing page."""
    soup = BeautifulSoup(page.text(), "lxml")
    out = PageCollector(page, source=NAME, leg=Leg.COMPUTE, parser_version=PARSER_VERSION)
    tables = [t for t in soup.select("div.table-v2.gpu-pricing") if _header(t)[:1] == ["GPU Model"]]
    if not tables:
        raise ValueError(f"{NAME}: no GPU pricing table found (page layout changed?)")
    for table in tables:
        heading = table.find_previous("h5")
        match = _REGION.search(_text(heading)) if heading is not None else None
        if match is None:
            raise ValueError(f"{NAME}: a GPU table without a 'REGION:' heading")
        region = "-".join(match.group(1).lower().split())
        _parse_table(out, table, region)
    return out.result


def _header(table: Tag) -> list[str]:
    return [_text(c) for c in table.select(".table-v2-header .table-grid > div")]


def _cells(grid: Tag) -> list[str]:
    return [_text(c) for c in grid.find_all("div", class_="table-v2-cell", recursive=False)]


def _report_unread_columns(out: PageCollector, table: Tag, header: list[str], region: str) -> None:
    """A "$" column whose header PRICE_COLUMNS does not name is reported, never dropped."""
    rows = [_cells(grid) for grid in table.select("div.table-row-v2 .table-grid")]
    for index, label in enumerate(header):
        if any(label.startswith(prefix) for prefix in PRICE_COLUMNS):
            continue
        if any(len(cells) > index and "$" in cells[index] for cells in rows):
            out.problem(label, "column header not understood: its prices are not read", region)


def _parse_table(out: PageCollector, table: Tag, region: str) -> None:
    header = _header(table)
    _report_unread_columns(out, table, header, region)
    for row in table.select("div.table-row-v2"):
        name_tag = row.select_one("h3.table-model-name")
        grid = row.select_one(".table-grid")
        if name_tag is None or grid is None:
            continue
        name = _text(name_tag)
        sku = str(name_tag.get("data-product") or name)
        cells = _cells(grid)
        if len(cells) != len(header):
            out.problem(" | ".join(cells), f"{len(cells)} cells under {len(header)} headers", sku)
            continue
        by_header = dict(zip(header, cells, strict=True))
        vram = by_header.get("VRAM (GB)", "")
        where = f"{region}/{sku}"
        accelerator = NAME_OVERRIDES.get(name) or accelerator_for(out, f"{name} {vram}GB", where)
        if accelerator is None:
            continue
        count_text = re.sub(r"\^\d+$", "", by_header.get("GPU Count", "")).strip()
        if not count_text.isdigit() or int(count_text) < 1:
            out.problem(by_header.get("GPU Count", ""), "GPU count is not a whole number", where)
            continue
        for label, cell in by_header.items():
            column = next((v for k, v in PRICE_COLUMNS.items() if label.startswith(k)), None)
            if column is None:
                continue
            component, tier = column
            read = page_price(out, cell, f"{where}/{label}")
            if read is None:
                continue
            price, unit = read
            record(
                out,
                provider=PROVIDER,
                sku=sku,
                model=name,
                component=component,
                tier=tier,
                region=region,
                price=price,
                published_text=cell,
                published_unit=f"{unit} ({label})",
                where=f"{where}/{label}",
                accelerator=accelerator,
                accelerator_count=int(count_text),
            )


SOURCE = Source(
    name=NAME,
    kind=SourceKind.FIRST_PARTY_PAGE,
    leg=Leg.COMPUTE,
    description="CoreWeave pricing page: GPU instances per region, on-demand, spot, single GPU",
    urls=(URL,),
    recordings=(
        Recording(
            url=URL,
            path="pages/coreweave/ewyluda_coreweave.html",
            captured_at=datetime(2026, 10, 4, 22, 0, 23, tzinfo=UTC),
            content_type="text/html; charset=utf-8",
        ),
    ),
    parser_version=PARSER_VERSION,
    parse=parse,
)
