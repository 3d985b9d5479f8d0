"""Parse: pages per second of the HTML pricing-page parsers vs lxml alone on the same pages.

The pages are ``synth.pricing_pages``: each HTML source's real recorded page with its money
amounts replaced (same tables, spans, headings and prose). Each page goes through its own
source's ``parse`` (BeautifulSoup over lxml, the generic table reader, units, the
PageCollector building pydantic Observations).

Reference: lxml alone reading the same bytes into a tree and every table cell's text
(``lxml.html.document_fromstring`` + ``//table//tr`` → ``td``/``th`` text): the floor of any
HTML table extraction in Python.

Each generated page must give as many observations as its template's real page does (the
generator changes prices, never structure); the benchmark fails loudly otherwise.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

from bench import synth
from bench.common import Result, load_average, rate


def lxml_tables(body: bytes) -> int:
    """Every table cell's text with lxml alone; returns the number of cells read."""
    from lxml import html

    tree = html.document_fromstring(body)
    cells = 0
    for row in tree.iter("tr"):
        for cell in row:
            if cell.tag in ("td", "th"):
                cell.text_content()
                cells += 1
    return cells


def run(shared_data: Path, pages: int) -> list[Result]:
    from scrapers.registry import select_sources

    parsers = {source.name: source.parse for source in select_sources(None)}
    generated = list(synth.pricing_pages(shared_data, pages))
    expected = _template_counts(shared_data, parsers)
    start_load = load_average()
    by_source: Counter[str] = Counter()
    observations = 0
    started = time.perf_counter()
    for source, page in generated:
        result = parsers[source](page)
        count = len(result.observations)
        if count != expected[source]:
            raise AssertionError(
                f"{source}: a generated page gave {count} observations, its real page "
                f"{expected[source]}: the generator changed the page's structure"
            )
        observations += count
        by_source[source] += 1
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    cells = sum(lxml_tables(page.body) for _, page in generated)
    reference = time.perf_counter() - started
    megabytes = sum(len(page.body) for _, page in generated) / 1e6
    speed, floor = rate(pages, seconds), rate(pages, reference)
    return [
        Result(
            benchmark="parse (HTML pricing pages)",
            figure=f"{speed:.1f} pages/s ({pages} pages, {megabytes:.0f} MB, {seconds:.1f} s)",
            reference=f"{floor:.1f} pages/s (lxml alone: tree + every cell's text)",
            ratio=f"{speed / floor:.2f}×",
            goal="— (none set)",
            met=None,
            load=(start_load, load_average()),
            seconds=seconds,
            details={
                "pages": pages,
                "sources": dict(by_source),
                "observations": observations,
                "megabytes": round(megabytes, 1),
                "table_cells": cells,
                "reference_seconds": round(reference, 2),
            },
        )
    ]


def _template_counts(shared_data: Path, parsers) -> dict[str, int]:
    """Observations each HTML source's real recorded page gives."""
    from datetime import UTC, datetime

    from schemas.observation import FetchedPage

    counts = {}
    for template in synth.page_templates(shared_data):
        page = FetchedPage(
            source=template.source,
            url=template.url,
            status=200,
            headers={"content-type": template.content_type},
            body="".join(
                part + amount
                for part, amount in zip(template.parts, (*template.amounts, ""), strict=True)
            ).encode("utf-8"),
            fetched_at=datetime(2026, 11, 28, tzinfo=UTC),
        )
        counts[template.source] = len(parsers[template.source](page).observations)
    return counts
