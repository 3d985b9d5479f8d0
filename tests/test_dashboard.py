"""`deflator dashboard`: one self-contained HTML file whose numbers equal the marts.

The page embeds every dataset it shows with the SQL that read it; each must equal
`deflator query` of that SQL, and each chart's points must be rows of its dataset."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from flows.cli import main
from tests.mart_utils import query
from warehouse.dashboard.data import QUERIES, normalize_sql
from warehouse.dashboard.page import embedded_json


@pytest.fixture
def db(mart_warehouse):
    return mart_warehouse


@pytest.fixture(scope="module")
def page(mart_warehouse, tmp_path_factory) -> str:
    db = mart_warehouse
    out = tmp_path_factory.mktemp("page") / "dashboard.html"
    assert main(["--db", str(db), "dashboard", "--out", str(out)]) == 0
    return out.read_text(encoding="utf-8")


def exact(value: object) -> object:
    """A value as `deflator query --format json` and the page both write it, comparable."""
    if isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?", value):
        return Decimal(value)  # money is embedded as its exact digits
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


def assert_data_equals_marts(page: str, db: Path, capsys) -> dict:
    """Every embedded dataset equals `deflator query` of its SQL, value for value."""
    data = embedded_json(page, "deflator-data", parse_float=Decimal)
    assert set(data) == set(QUERIES)
    for name, dataset in data.items():
        assert dataset["sql"] == normalize_sql(QUERIES[name])
        truth = query(db, dataset["sql"], capsys)
        assert len(dataset["rows"]) == len(truth), name
        for row, expected in zip(dataset["rows"], truth, strict=True):
            got = dict(zip(dataset["columns"], (exact(v) for v in row), strict=True))
            assert got == {k: exact(v) for k, v in expected.items()}, name
    return data


def chart_points(figure: dict) -> list[tuple]:
    """Every (x, y) the chart draws, sorted: compared as a multiset with the dataset."""
    return sorted(
        (x, Decimal(repr(y)))
        for trace in figure["data"]
        for x, y in zip(trace["x"], trace["y"], strict=True)
    )


def assert_charts_are_their_datasets(page: str) -> dict:
    """Each chart plots exactly its dataset's rows (x = date column, y = value column)."""
    data = embedded_json(page, "deflator-data")
    figures = embedded_json(page, "deflator-figures")
    assert list(figures) == ["chart-frontier", "chart-gpu", "chart-electricity", "chart-storage"]

    def rows(name: str, x: str, y: str) -> list[tuple]:
        columns = data[name]["columns"]
        return sorted(
            (r[columns.index(x)], Decimal(repr(float(Decimal(str(r[columns.index(y)]))))))
            for r in data[name]["rows"]
        )

    frontier = figures["chart-frontier"]
    markers = [t for t in frontier["data"] if t["mode"] == "markers"]
    trends = [t for t in frontier["data"] if t["mode"] == "lines"]
    assert len(markers) == len(trends) == len(data["frontier_rates"]["rows"])
    assert chart_points({"data": markers}) == rows("frontier_points", "day", "price")
    assert chart_points({"data": trends}) == rows("frontier_points", "day", "trend_price")
    assert chart_points(figures["chart-gpu"]) == rows("gpu_prices", "month", "per_gpu_hour")
    assert chart_points(figures["chart-electricity"]) == rows("electricity_index", "month", "value")
    assert chart_points(figures["chart-storage"]) == rows("storage_index", "month", "value")
    # The frontier chart's title carries the rate's factor per year, as the mart has it.
    columns = data["frontier_rates"]["columns"]
    shown = [t for t in markers if t.get("visible") is not False]
    assert len(shown) == 1
    rate = data["frontier_rates"]["rows"][markers.index(shown[0])]
    factor = rate[columns.index("factor_per_year")]
    assert f"{factor:.3g}× cheaper per year" in frontier["layout"]["title"]["text"]
    return figures


def test_every_number_on_the_page_equals_the_marts(page, db, capsys):
    data = assert_data_equals_marts(page, db, capsys)
    assert len(data["current_prices"]["rows"]) == 5  # 2 stale dataset prices are not current
    assert len(data["frontier_points"]["rows"]) == 4
    figures = assert_charts_are_their_datasets(page)
    # GPQA Diamond at GPT-4's level is the rate the page opens on.
    assert (
        "GPQA Diamond at GPT-4's level (35)" in figures["chart-frontier"]["layout"]["title"]["text"]
    )
    changes = data["price_changes"]
    assert changes["rows"][0][changes["columns"].index("new_price")] == "55.04"
    meta = embedded_json(page, "deflator-meta")
    assert (meta["current_prices"], meta["sources"], meta["sources_ok"]) == (5, 7, 6)


def test_the_page_is_self_contained(page):
    assert "<script src" not in page and '<link rel="stylesheet"' not in page
    markup = re.sub(r"<script[^>]*>.*?</script>", "", page, flags=re.DOTALL)
    assert re.findall(r'(?:src|href)="([^"]*)"', markup) == ["data:,"]  # the empty favicon
    assert "plotly.js v4.1.1" in page  # inlined, not fetched
    # Names scraped from the web never become markup: the JSON has no '<'.
    for element in ("deflator-data", "deflator-figures", "deflator-meta"):
        text = page.split(f'id="{element}">', 1)[1].split("</script>", 1)[0]
        assert "<" not in text


def test_without_a_warehouse_it_says_so(tmp_path, capsys):
    missing = tmp_path / "none.duckdb"
    assert main(["--db", str(missing), "dashboard", "--out", str(tmp_path / "d.html")]) == 2
    assert "no warehouse" in capsys.readouterr().err
    assert not (tmp_path / "d.html").exists()


@pytest.mark.flow
def test_dashboard_of_the_recorded_data_equals_the_marts(full_warehouse, tmp_path, capsys):
    out = tmp_path / "dashboard.html"
    assert main(["--db", str(full_warehouse), "dashboard", "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    data = assert_data_equals_marts(page, full_warehouse, capsys)
    figures = assert_charts_are_their_datasets(page)
    assert len(data["price_changes"]["rows"]) == 200
    assert "GPQA Diamond at GPT-4's level" in figures["chart-frontier"]["layout"]["title"]["text"]
    assert figures["chart-gpu"]["layout"]["title"]["text"].startswith("H100")


def test_gpu_providers_each_get_their_own_colour_and_marker():
    """Past Plotly's 10-colour cycle: 30 providers, 30 distinct (colour, marker) pairs, and a
    provider keeps its pair whatever else is on the chart."""
    from warehouse.dashboard.figures import provider_styles

    providers = {f"provider-{i:02d}" for i in range(30)}
    styles = provider_styles(providers)
    assert len(set(styles.values())) == 30
    assert len({colour for colour, _ in styles.values()}) == 24
    assert (
        provider_styles({"aws", "hyperstack"})["aws"]
        != provider_styles({"aws", "hyperstack"})["hyperstack"]
    )
