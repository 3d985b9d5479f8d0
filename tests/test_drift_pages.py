"""Layout drift on a real pricing page: a page that lost its tables, or half its rows, fails its
source loudly in the run ledger, keeps its previous prices in force, and leaves other sources be.

A real provider parser (anthropic_pricing) reads altered copies of its real recording; the run
is loaded with :func:`warehouse.load.load_run` beside a second source (openai_pricing on its
own recording), exactly as the nightly flow hands outcomes over.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from schemas.observation import FetchedPage
from scrapers.base import Source
from scrapers.sources.anthropic_pricing import SOURCE as ANTHROPIC
from scrapers.sources.openai_pricing import SOURCE as OPENAI
from tests.pricing_pages import page, recorded
from warehouse.connection import connect
from warehouse.load import FetchRecord, SourceOutcome, load_run


def _outcome(source: Source, pages: list[FetchedPage]) -> SourceOutcome:
    observations, problems = [], []
    for fetched in pages:
        result = source.parse(fetched)
        observations += result.observations
        problems += result.problems
    return SourceOutcome(
        source=source.name,
        leg=source.leg.value,
        status="ok",
        fetches=[FetchRecord.of(p) for p in pages],
        observations=observations,
        problems=problems,
    )


def _history(con, source: str) -> list[tuple]:
    return con.execute(
        "select sku, component, tier, price, valid_from, valid_to, close_reason "
        "from price_history where source = ? order by all",
        [source],
    ).fetchall()


def _without_tables(markdown: str) -> str:
    return "\n".join(line for line in markdown.splitlines() if "|" not in line)


def _first_rows_only(markdown: str, keep: int) -> str:
    """Each table cut to its header, delimiter and first ``keep`` rows."""
    out, seen = [], 0
    for line in markdown.splitlines():
        if "|" in line:
            seen += 1
            if seen > keep + 2:
                continue
        else:
            seen = 0
        out.append(line)
    return "\n".join(out)


@pytest.fixture
def warehouse(tmp_path: Path, shared_data: Path):
    """A warehouse after one good run of both sources on their real recordings."""
    con = connect(tmp_path / "w.duckdb")
    good = [
        _outcome(ANTHROPIC, [recorded(shared_data, ANTHROPIC)]),
        _outcome(OPENAI, [recorded(shared_data, OPENAI)]),
    ]
    report = load_run(con, "run1", "offline", datetime(2026, 1, 23, tzinfo=UTC), good)
    assert report.status == "ok"
    assert {s.source: s.rows_parsed for s in report.sources} == {
        "anthropic_pricing": 70,
        "openai_pricing": 403,
    }
    yield con
    con.close()


def _altered_run(con, shared_data: Path, alter, run_id: str, days: int = 1):
    recording = ANTHROPIC.recordings[0]
    text = (shared_data / recording.path).read_text(encoding="utf-8")
    later = recording.captured_at + timedelta(days=days)
    drifted = page(ANTHROPIC, recording.url, alter(text).encode(), later, recording.content_type)
    outcomes = [_outcome(ANTHROPIC, [drifted]), _outcome(OPENAI, [recorded(shared_data, OPENAI)])]
    before = {name: _history(con, name) for name in ("anthropic_pricing", "openai_pricing")}
    started = datetime(2026, 1, 23, tzinfo=UTC) + timedelta(days=days)
    report = load_run(con, run_id, "offline", started, outcomes)
    return report, before, drifted


def test_page_without_tables_fails_its_source_and_keeps_its_prices(warehouse, shared_data):
    report, before, drifted = _altered_run(warehouse, shared_data, _without_tables, "run2")
    by_source = {s.source: s for s in report.sources}
    assert report.status == "partial"
    assert by_source["anthropic_pricing"].status == "failed"
    assert by_source["anthropic_pricing"].rows_parsed == 0
    assert by_source["openai_pricing"].status == "ok"
    status, error = warehouse.execute(
        "select status, error from run_sources where run_id = 'run2' and source = ?",
        ["anthropic_pricing"],
    ).fetchone()
    assert status == "failed"
    assert error == "layout drift: no prices found on the page(s); previous prices kept"
    # Previous prices stay in force, untouched; the other source is unaffected.
    assert _history(warehouse, "anthropic_pricing") == before["anthropic_pricing"]
    assert _history(warehouse, "openai_pricing") == before["openai_pricing"]
    open_prices = warehouse.execute(
        "select count(*) from price_history where source = 'anthropic_pricing' and valid_to is null"
    ).fetchone()
    assert open_prices == (70,)
    # The drifted page is archived in the ledger of fetches, for a later replay.
    archived = warehouse.execute(
        "select count(*) from fetches where run_id = 'run2' and sha256 = ?", [drifted.sha256]
    ).fetchone()
    assert archived == (1,)


def test_page_with_less_than_half_the_rows_fails_its_source(warehouse, shared_data):
    # Each table keeps its first two models: 10 + 4 = 14 prices, fewer than half of 70 (the
    # long-context table names no model: its prices are problems, never rows).
    report, before, _ = _altered_run(
        warehouse, shared_data, lambda text: _first_rows_only(text, keep=2), "run3"
    )
    by_source = {s.source: s for s in report.sources}
    assert by_source["anthropic_pricing"].status == "failed"
    assert by_source["anthropic_pricing"].rows_parsed == 14
    assert by_source["openai_pricing"].status == "ok"
    error = warehouse.execute(
        "select error from run_sources where run_id = 'run3' and source = 'anthropic_pricing'"
    ).fetchone()[0]
    assert error == (
        "layout drift: 14 rows, fewer than half of the last good run's 70; previous prices kept"
    )
    assert _history(warehouse, "anthropic_pricing") == before["anthropic_pricing"]
    assert _history(warehouse, "openai_pricing") == before["openai_pricing"]
    # Nothing of the drifted run reached the observations either.
    assert warehouse.execute(
        "select count(*) from observations where run_id = 'run3' and source = 'anthropic_pricing'"
    ).fetchone() == (0,)


def test_a_page_that_keeps_more_than_half_its_rows_loads(warehouse, shared_data):
    # Control: Claude Haiku 3 removed from both price tables (7 of 70 prices gone) is no
    # drift. The prices the page no longer lists are missing, pending withdrawal: withdrawn
    # only when the next successful run misses them too (docs/load-safety.md), as of the
    # first run that did.
    def drop_long_context(text: str) -> str:
        return text.replace(
            "| Claude Haiku 3 | $0.25 / MTok | $0.30 / MTok | $0.50 / MTok | $0.03 / MTok "
            "| $1.25 / MTok |\n",
            "",
        ).replace("| Claude Haiku 3 | $0.125 / MTok | $0.625 / MTok |\n", "")

    report, before, _ = _altered_run(warehouse, shared_data, drop_long_context, "run4")
    anthropic = {s.source: s for s in report.sources}["anthropic_pricing"]
    assert (anthropic.status, anthropic.rows_parsed) == ("ok", 63)
    assert (anthropic.history_withdrawn, anthropic.history_pending) == (0, 7)
    assert len(report.pending) == 7 and report.withdrawn == []
    assert {sku for _, sku, *_ in _history(warehouse, "anthropic_pricing")} == {
        sku for _, sku, *_ in before["anthropic_pricing"]
    }
    assert warehouse.execute(
        "select count(*) from price_history where source = 'anthropic_pricing' and valid_to is null"
    ).fetchone() == (70,)  # all still in force after one partial night

    again, _, _ = _altered_run(warehouse, shared_data, drop_long_context, "run5", days=2)
    anthropic = {s.source: s for s in again.sources}["anthropic_pricing"]
    assert (anthropic.history_withdrawn, anthropic.history_pending) == (7, 0)
    assert sorted(again.withdrawn) == sorted(report.pending)
    closed = warehouse.execute(
        "select count(*), min(valid_to), max(valid_to), any_value(closed_by_run) "
        "from price_history where close_reason = 'withdrawn'"
    ).fetchone()
    first_miss = (ANTHROPIC.recordings[0].captured_at + timedelta(days=1)).replace(tzinfo=None)
    assert closed == (7, first_miss, first_miss, "run5")
