"""The run ledger counts what the summary says (issue 16): skipped sources are not ok."""

from __future__ import annotations

from datetime import UTC, datetime

from flows.night_publish import NightPublished, summary
from flows.nightly import NO_RECORDING
from flows.settings import load_settings
from scrapers.sources import deepseek_pricing, kimi_pricing
from tests.source_utils import recorded_page
from warehouse.connection import connect
from warehouse.load import FetchRecord, SourceOutcome, load_run


def recorded_outcome(source) -> SourceOutcome:
    """The source's real recording parsed, as the nightly flow hands it to the loader."""
    page = recorded_page(load_settings().shared_data, source, source.recordings[0])
    result = source.parse(page)
    return SourceOutcome(
        source.name,
        source.leg.value,
        "ok",
        fetches=[FetchRecord.of(page)],
        observations=result.observations,
    )


def test_skipped_sources_are_counted_apart_from_the_ok_ones(tmp_path):
    outcomes = [
        recorded_outcome(deepseek_pricing.SOURCE),
        recorded_outcome(kimi_pricing.SOURCE),
        SourceOutcome("c_unchanged", "llm", "unchanged"),
        SourceOutcome("d_skipped", "data", "skipped", NO_RECORDING),
        SourceOutcome("e_skipped", "energy", "skipped", NO_RECORDING),
        SourceOutcome("f_failed", "compute", "failed", "HTTP 500"),
    ]
    con = connect(tmp_path / "w.duckdb")
    report = load_run(con, "run1", "offline", datetime(2026, 12, 1, tzinfo=UTC), outcomes)
    ledger = con.execute(
        "SELECT status, sources_ok, sources_skipped, sources_failed FROM runs WHERE run_id = ?",
        [report.run_id],
    ).fetchall()
    con.close()
    # Before: sources_ok was 5 (every source that did not fail) and there was no skipped count.
    assert ledger == [("partial", 3, 2, 1)]
    # The nightly webhook's summary counts them the same way.
    payload = summary(report, None, NightPublished(), [])
    assert (payload["sources_ok"], payload["sources_skipped"]) == (3, 2)
    assert [s["source"] for s in payload["sources_failed"]] == ["f_failed"]
