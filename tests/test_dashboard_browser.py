"""The dashboard in a real browser: headless Chromium (Debian's `chromium`, which `.ci/run`
installs when missing) over the DevTools protocol (tests/cdp.py).

Checks: no console error, no uncaught exception, no request but the file itself (it must
work offline), every chart drew its data marks (Plotly's SVG points or lines), the table
search filters rows; and saves a full-page screenshot under the test's tmp folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.cli import main
from tests.cdp import Browser, find_chromium

CHARTS = ("chart-frontier", "chart-gpu", "chart-electricity", "chart-storage")
MARKS = """
Array.from(document.querySelectorAll('.chart')).map(el => ({
  id: el.id,
  svg: el.querySelectorAll('svg.main-svg').length,
  points: el.querySelectorAll('.scatterlayer .trace path.point').length,
  lines: Array.from(el.querySelectorAll('.scatterlayer .trace path.js-line'))
    .filter(p => (p.getAttribute('d') || '').length > 2).length,
}))
"""


@pytest.fixture(scope="module")
def chromium() -> str:
    found = find_chromium()
    if found is None:
        pytest.skip(
            "chromium is not installed and could not be installed here "
            "(`apt-get install -y chromium`; .ci/run does it when it can)"
        )
    return found


def check_page(chromium: str, page: Path, workdir: Path) -> dict:
    """Open ``page``, run every check, save a screenshot; returns what was measured."""
    browser = Browser(chromium, workdir)
    try:
        browser.open(page.as_uri())
        browser.wait_until("document.body.dataset.ready === 'true'")
        marks = {m["id"]: m for m in browser.evaluate(MARKS)}
        rows_before = browser.evaluate(
            "document.querySelectorAll('#table-current tbody tr').length"
        )
        # at the page's 1400 px: does the current-prices table show every column unscrolled,
        # and what does its first row say?
        layout = browser.evaluate(
            "(() => { const t = document.getElementById('table-current');"
            " const wrap = t.parentElement;"
            " return {overflow: wrap.scrollWidth - wrap.clientWidth,"
            " head: Array.from(t.querySelectorAll('thead th')).map(th => th.textContent),"
            " first: Array.from(t.querySelectorAll('tbody tr:first-child td'))"
            ".map(td => td.textContent)}; })()"
        )
        browser.evaluate(
            "(() => { const box = document.getElementById('search-current');"
            " box.value = 'p5.48xlarge us-east-1';"
            " box.dispatchEvent(new Event('input')); })()"
        )
        filtered = browser.evaluate(
            "Array.from(document.querySelectorAll('#table-current tbody tr'))"
            ".map(tr => tr.textContent)"
        )
        tables = {
            name: browser.evaluate(f"document.querySelectorAll('#{name} tbody tr').length")
            for name in ("table-changes", "table-health")
        }
        shot = browser.screenshot(workdir / "dashboard.png")
        errors = browser.console_errors()
        requests = browser.requested_urls()
    finally:
        browser.close()
    assert errors == []
    assert requests and all(url == page.as_uri() for url in requests), requests
    assert sorted(marks) == sorted(CHARTS)
    for chart in CHARTS:
        assert marks[chart]["svg"] >= 1, chart
        assert marks[chart]["points"] + marks[chart]["lines"] >= 1, marks[chart]
    assert shot.stat().st_size > 50_000  # a drawn page, not a blank one
    assert layout["overflow"] <= 0, f"the current-prices table scrolls sideways: {layout}"
    return {
        "marks": marks,
        "rows": rows_before,
        "filtered": filtered,
        "tables": tables,
        "layout": layout,
    }


def test_dashboard_renders_offline_without_errors(chromium, mart_warehouse, tmp_path):
    page = tmp_path / "dashboard.html"
    assert main(["--db", str(mart_warehouse), "dashboard", "--out", str(page)]) == 0
    seen = check_page(chromium, page, tmp_path / "browser")
    # The small warehouse: 4 frontier points and a dashed trend; 2 GPU lines (aws, lambda).
    assert seen["marks"]["chart-frontier"]["points"] == 4
    assert seen["marks"]["chart-gpu"]["lines"] == 2
    assert seen["rows"] == 5  # 2 stale dataset prices are not current (input hygiene)
    assert len(seen["filtered"]) == 1 and "55.04" in seen["filtered"][0]
    assert seen["tables"] == {"table-changes": 4, "table-health": 7}


@pytest.mark.flow
def test_dashboard_of_the_recorded_data_renders(chromium, full_warehouse, tmp_path):
    page = tmp_path / "dashboard.html"
    assert main(["--db", str(full_warehouse), "dashboard", "--out", str(page)]) == 0
    seen = check_page(chromium, page, tmp_path / "browser")
    assert seen["rows"] == 500  # the first 500 of the table's rows are drawn
    # it opens on a list price per GPU-hour, not on a market indicator
    first = dict(zip(seen["layout"]["head"], seen["layout"]["first"], strict=True))
    assert first["leg"] == "compute" and first["per_gpu_hour"] != ""
    assert first["source"] != "gpuhunt_offers"
    assert len(seen["filtered"]) == 1 and "55.04" in seen["filtered"][0]
    assert seen["tables"]["table-changes"] == 200
