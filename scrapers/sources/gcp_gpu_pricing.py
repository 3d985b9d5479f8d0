"""Google Cloud accelerator-optimized VM prices
(``https://cloud.google.com/products/compute/pricing/accelerator-optimized``).

What it is: HTML tables, one row per machine type, under a header row starting "Machine type":
GPU, Components ("GPUs: 8 vCPUs: 208 Memory: 1,872GB …"), "Price (USD)" and, depending on the
table, "Compute Flexible CUD - 1/3 Year", "DWS Flex-start price", "DWS Calendar Mode price",
"Current Spot pricing", "Compute Resource CUDs - 1/3 Year". Cells read "$88.490000119 / 1 hour"
for the whole machine. Family rows ("A3 High") with empty cells separate the machine types.
The page shows one region at a time; by default Iowa, ``us-central1``.

Mapping: provider ``gcp``, sku = machine type, region ``us-central1``, component
``instance_hour`` with the GPU count from the Components cell. Accelerator from the machine
series (:data:`SERIES_ACCELERATORS`, Google's GPU machine-type docs: A4 = B200, A3 Ultra = H200,
A3 Mega/High/Edge = H100 SXM 80GB, A2 Ultra = A100 80GB, A2 Standard = A100 40GB, G2 = L4; G4 =
RTX PRO 6000, outside the catalog), cross-checked against the GPU column when that names a
catalog part. Columns → tiers: Price = ``standard``; ``dws-flex-start``, ``dws-calendar``,
``spot``, ``cud-1y`` / ``cud-3y`` (resource-based commitments), ``flex-cud-1y`` /
``flex-cud-3y`` (compute flexible commitments) — never the list price.

Known traps (all in the recording): "$2 .0000/ 1 hour" and "$9 .0000/ 1 hour" carry a space
inside the number, read as $2.0000 and $9.0000 (the published text keeps the space);
"$42.4000/ 1 hour" lacks a space; "N/A" and "-" state no price; one Spot cell holds the text
"g2-standard-24-spot" instead of a price (a ParseProblem); G4 machines sell fractions of a GPU
("GPUs: 1/8"), skipped with the rest of G4 as outside the catalog.

The recording (``pages/gcp/ewyluda_gcp.html``) is NOT a whole page: two tables cut from it
(A4/A3/A2 and G4/G2) inside a minimal ``<html><body>`` (ewyluda/gpu-price-index's test
fixture). No capture date: its collector first ran GCP on 2026-10-05T01:23:38Z (its
``data/runs.jsonl``), used as the approximate capture time.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from bs4 import BeautifulSoup, Tag

from schemas.accelerators import canonical_accelerator, require_known
from schemas.enums import Component, Leg
from schemas.observation import FetchedPage
from scrapers.base import ParseResult, Recording, Source, SourceKind
from scrapers.collect import PageCollector
from scrapers.compute import NOT_IN_CATALOG, page_price, record

NAME = "gcp_gpu_pricing"
PROVIDER = "gcp"
PARSER_VERSION = "1"
URL = "https://cloud.google.com/products/compute/pricing/accelerator-optimized"
REGION = "us-central1"

# machine series (machine type without its size suffix) -> accelerator (None: not in catalog)
SERIES_ACCELERATORS: dict[str, str | None] = {
    "a4x-highgpu": require_known("GB200"),
    "a4-highgpu": require_known("B200"),
    "a3-ultragpu": require_known("H200-SXM-141GB"),
    "a3-megagpu": require_known("H100-SXM-80GB"),
    "a3-highgpu": require_known("H100-SXM-80GB"),
    "a3-edgegpu": require_known("H100-SXM-80GB"),
    "a2-ultragpu": require_known("A100-SXM-80GB"),
    "a2-highgpu": require_known("A100-SXM-40GB"),
    "a2-megagpu": require_known("A100-SXM-40GB"),
    "g2-standard": require_known("L4"),
    "g4-standard": None,
}
# header prefix -> tier (the longest matching prefix wins)
COLUMN_TIERS: dict[str, str] = {
    "Price (USD)": "standard",
    "Compute Flexible CUD - 1 Year": "flex-cud-1y",
    "Compute Flexible CUD - 3 Year": "flex-cud-3y",
    "DWS Flex-start": "dws-flex-start",
    "DWS Calendar Mode": "dws-calendar",
    "Current Spot": "spot",
    "Compute Resource CUDs - 1 Year": "cud-1y",
    "Compute Resource CUDs - 3 Year": "cud-3y",
}
_MACHINE = re.compile(r"^([a-z0-9]+-[a-z]+)-[0-9a-z]+$")
_GPUS = re.compile(r"GPUs:\s*([0-9]+(?:/[0-9]+)?)")
_SPLIT_NUMBER = re.compile(r"(\d)\s+\.(\d)")


def _text(tag: Tag) -> str:
    return " ".join(tag.get_text(" ", strip=True).split())


def parse(page: FetchedPage) -> ParseResult:
    """Read the machine-type tables of the GPU pricing page."""
    soup = BeautifulSoup(page.text(), "lxml")
    out = PageCollector(page, source=NAME, leg=Leg.COMPUTE, parser_version=PARSER_VERSION)
    tables = 0
    for table in soup.find_all("table"):
        rows = table.find_all("tr")
        header = [_text(c) for c in rows[0].find_all(["th", "td"])] if rows else []
        if not header or header[0] != "Machine type":
            continue
        tables += 1
        tiers = [_tier(label) for label in header]
        body = [[_text(c) for c in row.find_all(["th", "td"])] for row in rows[1:]]
        for index, label in enumerate(header):
            # A price column whose header no prefix above names is reported, never dropped.
            if tiers[index] is None and any(len(c) > index and "$" in c[index] for c in body):
                out.problem(label, "column header not understood: its prices are not read", label)
        for cells in body:
            _parse_row(out, cells, header, tiers)
    if not tables:
        raise ValueError(f"{NAME}: no 'Machine type' table found (page layout changed?)")
    return out.result


def _tier(label: str) -> str | None:
    matches = [prefix for prefix in COLUMN_TIERS if label.startswith(prefix)]
    return COLUMN_TIERS[max(matches, key=len)] if matches else None


def _parse_row(
    out: PageCollector, cells: list[str], header: list[str], tiers: list[str | None]
) -> None:
    if len(cells) < 3 or not (cells[1] or cells[2]):
        return  # a family row ("A3 High"): no GPU, no components (maybe "-" under CUDs)
    machine = cells[0]
    match = _MACHINE.match(machine)
    if match is None or match.group(1) not in SERIES_ACCELERATORS:
        out.problem(machine, "machine type of an unknown GPU series", machine)
        return
    accelerator = SERIES_ACCELERATORS[match.group(1)]
    if accelerator is None:
        out.skip(NOT_IN_CATALOG)
        return
    named = canonical_accelerator(cells[1]) if len(cells) > 1 else None
    if named is not None and named != accelerator:
        out.problem(cells[1], f"GPU column names {named}, the series is {accelerator}", machine)
        return
    gpus = _GPUS.search(cells[2]) if len(cells) > 2 else None
    if gpus is None or not gpus.group(1).isdigit():
        out.problem(cells[2] if len(cells) > 2 else "", "GPU count not a whole number", machine)
        return
    if len(cells) != len(header):
        out.problem(" | ".join(cells), f"{len(cells)} cells under {len(header)} headers", machine)
        return
    for label, tier, cell in zip(header, tiers, cells, strict=True):
        if tier is None:
            continue
        where = f"{machine}/{label}"
        read = page_price(out, _SPLIT_NUMBER.sub(r"\1.\2", cell), where)
        if read is None:
            continue
        price, unit = read
        record(
            out,
            provider=PROVIDER,
            sku=machine,
            model=cells[1] or None,
            component=Component.INSTANCE_HOUR,
            tier=tier,
            region=REGION,
            price=price,
            published_text=cell,
            published_unit=f"{unit} (whole machine)",
            where=where,
            accelerator=accelerator,
            accelerator_count=int(gpus.group(1)),
        )


SOURCE = Source(
    name=NAME,
    kind=SourceKind.FIRST_PARTY_PAGE,
    leg=Leg.COMPUTE,
    description="Google Cloud accelerator-optimized VMs (us-central1): on-demand, spot, DWS, CUD",
    urls=(URL,),
    recordings=(
        Recording(
            url=URL,
            path="pages/gcp/ewyluda_gcp.html",
            captured_at=datetime(2026, 10, 5, 1, 23, 38, tzinfo=UTC),
            content_type="text/html; charset=utf-8",
        ),
    ),
    parser_version=PARSER_VERSION,
    parse=parse,
)
