"""`deflator status`: per-source health from the run ledger, and the exit status schedulers use.

Unit tests write ledgers by hand (runs × run_sources) at chosen times; the flow tests run the
real nightly flow offline (every source, then broken recordings) and a backfill.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import UTC, datetime, timedelta

import pytest

from flows.cli import main
from warehouse.connection import connect
from warehouse.health import COLUMNS, all_healthy, source_health

NOW = datetime(2026, 11, 28, 12, 0)
DRIFT = "layout drift: no prices found on the page(s); previous prices kept"


def ledger(
    con, run_id: str, hours_ago: float, mode: str, sources: list[tuple], now: datetime = NOW
) -> None:
    """One run `hours_ago` before `now` with (source, status, error, rows_parsed) per source."""
    started = now - timedelta(hours=hours_ago)
    failed = sum(s[1] == "failed" for s in sources)
    con.execute(
        "INSERT INTO runs (run_id, started_at, finished_at, mode, status, sources_ok, "
        "sources_failed, observations_new, history_changes, quarantined) "
        "VALUES (?, ?, ?, ?, 'ok', ?, ?, 0, 0, 0)",
        [run_id, started, started + timedelta(minutes=1), mode, len(sources) - failed, failed],
    )
    for source, status, error, rows in sources:
        con.execute(
            "INSERT INTO run_sources VALUES (?, ?, 'llm', ?, ?, 1, ?, ?, 0, 0, 0, 0, 0, 0, 0, 0)",
            [run_id, source, status, error, rows, rows],
        )


@pytest.fixture
def con(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    ledger(
        con, "r1", 80, "live", [("a", "ok", None, 10), ("b", "ok", None, 20), ("c", "ok", None, 5)]
    )
    ledger(con, "r2", 50, "live", [("a", "failed", DRIFT, 0), ("b", "ok", None, 21)])
    ledger(con, "r3", 26, "live", [("a", "failed", DRIFT, 0), ("b", "unchanged", None, 0)])
    ledger(con, "r4", 2, "offline", [("a", "failed", "fetch: HTTP 500", 0), ("b", "ok", None, 22)])
    ledger(con, "r5", 1, "offline", [("d", "skipped", "no recording", 0)])
    ledger(con, "b1", 30, "backfill", [("ds1", "ok", None, 100), ("ds2", "failed", "read: x", 0)])
    yield con
    con.close()


def by_source(con, max_age: float = 36.0) -> dict:
    report = source_health(
        con,
        [("a", "llm"), ("b", "llm"), ("c", "llm"), ("d", "llm"), ("e", "llm")],
        [("ds1", "llm"), ("ds2", "llm"), ("ds3", "llm")],
        max_age_hours=max_age,
        now=NOW,
    )
    return {(h.kind, h.source): h for h in report}


def test_a_failing_source_counts_its_failures_and_drift_alarms(con):
    a = by_source(con)[("nightly", "a")]
    assert (a.health, a.healthy) == ("failing", False)
    assert a.consecutive_failures == 3
    assert a.drift_alarms == 2 and a.last_drift == NOW - timedelta(hours=26)
    assert a.last_error == "fetch: HTTP 500"  # the most recent failure's reason
    assert a.last_success == NOW - timedelta(hours=80) and a.age_hours == pytest.approx(80)
    assert a.rows == 10 and a.last_run == NOW - timedelta(hours=2)


def test_a_healthy_source_measures_age_from_its_last_successful_run(con):
    b = by_source(con)[("nightly", "b")]
    assert (b.health, b.healthy) == ("ok", True)
    assert b.age_hours == pytest.approx(2) and b.rows == 22
    assert b.consecutive_failures == 0 and b.drift_alarms == 0 and b.last_error is None


def test_an_old_success_is_stale(con):
    c = by_source(con)[("nightly", "c")]
    assert (c.health, c.healthy) == ("stale", False)
    assert c.age_hours == pytest.approx(80)
    assert by_source(con, max_age=100)[("nightly", "c")].healthy


def test_skipped_for_lack_of_a_recording_is_healthy_while_recent(con):
    d = by_source(con)[("nightly", "d")]
    assert (d.health, d.healthy) == ("skipped: no recording", True)
    assert d.last_success is None and d.age_hours is None
    assert not by_source(con, max_age=0.5)[("nightly", "d")].healthy


def test_a_source_that_never_ran_is_unhealthy(con):
    e = by_source(con)[("nightly", "e")]
    assert (e.health, e.healthy, e.last_run) == ("never run", False, None)


def test_datasets_have_no_age_limit_and_do_not_decide_health(con):
    health = by_source(con)
    assert health[("dataset", "ds1")].healthy and health[("dataset", "ds1")].rows == 100
    assert health[("dataset", "ds2")].health == "failing"
    assert health[("dataset", "ds3")].health == "never run"
    nightly_ok = [h for h in health.values() if h.kind == "nightly" and h.source in ("b", "d")]
    assert all_healthy([*nightly_ok, health[("dataset", "ds2")]])
    assert not all_healthy(health.values())


def test_an_unchanged_page_is_a_success(con):
    ledger(con, "r6", 0.5, "live", [("b", "unchanged", None, 0)])
    b = by_source(con)[("nightly", "b")]
    assert (b.health, b.healthy) == ("unchanged", True)
    assert b.age_hours == pytest.approx(0.5) and b.rows == 22  # rows of its last parse


def test_recovery_resets_the_failure_streak(con):
    ledger(con, "r7", 0.2, "live", [("a", "ok", None, 11)])
    a = by_source(con)[("nightly", "a")]
    assert (a.health, a.consecutive_failures, a.drift_alarms) == ("ok", 0, 2)
    assert a.last_error == "fetch: HTTP 500"  # history is kept


# --- the command, against the registry's sources ------------------------------------------


def registry_ledger(path, hours_ago: float, failed: str | None = None) -> None:
    """A run in which every registry source succeeded (except ``failed``), and a backfill."""
    from scrapers.backfill.registry import all_datasets
    from scrapers.registry import all_sources

    now = datetime.now(UTC).replace(tzinfo=None)  # the warehouse stores naive UTC
    run = f"run-{hours_ago}-{failed}"
    nightly = [
        (name, "failed", DRIFT, 0) if name == failed else (name, "ok", None, 3)
        for name in all_sources()
    ]
    datasets = [(name, "ok", None, 7) for name in all_datasets()]
    con = connect(path)
    ledger(con, run, hours_ago, "live", nightly, now)
    ledger(con, f"bf-{run}", hours_ago, "backfill", datasets, now)
    con.close()


def status(db, capsys, *options: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), "status", *options])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_exit_status_zero_only_while_every_nightly_source_is_healthy(tmp_path, capsys, monkeypatch):
    from scrapers.registry import all_sources

    db = tmp_path / "w.duckdb"
    registry_ledger(db, hours_ago=1)
    code, out, err = status(db, capsys)
    count = len(all_sources())
    assert code == 0, err
    assert f"{count} of {count} nightly sources healthy (max age 36 h)" in err
    assert "openrouter" in out and "litellm_history" in out
    code, _, err = status(db, capsys, "--max-age", "0.5")
    assert code == 1 and "unhealthy: " in err and "(stale)" in err
    monkeypatch.setenv("DEFLATOR_MAX_AGE_HOURS", "0.5")
    assert status(db, capsys)[0] == 1
    monkeypatch.delenv("DEFLATOR_MAX_AGE_HOURS")
    registry_ledger(db, hours_ago=0.1, failed="openrouter")
    code, _, err = status(db, capsys)
    assert code == 1 and "unhealthy: openrouter (failing)" in err


def test_csv_and_json_have_every_column(tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    registry_ledger(db, hours_ago=1, failed="litellm")
    code, out, _ = status(db, capsys, "--format", "json")
    assert code == 1
    rows = {r["source"]: r for r in json.loads(out)}
    assert list(rows["litellm"]) == list(COLUMNS)
    assert rows["litellm"]["health"] == "failing" and rows["litellm"]["healthy"] is False
    assert rows["litellm"]["drift_alarms"] == 1 and rows["litellm"]["last_error"] == DRIFT
    assert rows["openrouter"]["healthy"] is True and rows["openrouter"]["rows"] == 3
    assert rows["aws_p5_tracker"]["kind"] == "dataset"
    _, out, _ = status(db, capsys, "--format", "csv")
    table = list(csv.DictReader(io.StringIO(out)))
    assert list(table[0]) == list(COLUMNS) and len(table) == len(rows)


def test_no_warehouse_is_unhealthy(tmp_path, capsys):
    code, _, err = status(tmp_path / "none.duckdb", capsys)
    assert code == 1 and "no source has run" in err
    assert not (tmp_path / "none.duckdb").exists()


# --- end to end ----------------------------------------------------------------------------

OPENROUTER_FILE = "llm/openrouter/openrouter_models_2026-08-18.json"
LITELLM_FILE = "llm/litellm_snapshot/model_prices_and_context_window_2026-07-24.json"


@pytest.fixture(scope="module")
def offline(tmp_path_factory, shared_data):
    """A private data folder after `deflator run --offline` (every source)."""
    data_dir = tmp_path_factory.mktemp("deflator-status")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DEFLATOR_DATA_DIR", str(data_dir))
        patch.setenv("DEFLATOR_SHARED_DATA", str(shared_data))
        for name in ("DEFLATOR_DB", "DEFLATOR_ARCHIVE", "DEFLATOR_MAX_AGE_HOURS"):
            patch.delenv(name, raising=False)
        assert main(["run", "--offline"]) == 0
        yield data_dir


def query(db, sql: str, capsys) -> list[dict]:
    assert main(["--db", str(db), "query", sql, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.flow
def test_after_an_offline_run_every_source_is_healthy(offline, capsys):
    from scrapers.registry import all_sources

    capsys.readouterr()
    code, out, err = status(offline / "deflator.duckdb", capsys, "--format", "json")
    assert code == 0, err
    rows = {r["source"]: r for r in json.loads(out) if r["kind"] == "nightly"}
    assert set(rows) == set(all_sources())
    assert all(r["healthy"] for r in rows.values())
    assert rows["openrouter"]["health"] == "ok" and rows["openrouter"]["rows"] == 1360
    assert rows["openrouter"]["age_hours"] < 1  # from the run, not the 2026-08-18 recording
    assert rows["xai_pricing"]["health"] == "skipped: no recording"


@pytest.mark.flow
def test_a_failed_source_makes_run_exit_3_and_status_1(offline, shared_data, tmp_path, capsys):
    db = offline / "deflator.duckdb"
    broken = tmp_path / "shared"
    (broken / "llm/openrouter").mkdir(parents=True)
    (broken / "llm/litellm_snapshot").mkdir(parents=True)
    (broken / OPENROUTER_FILE).write_text('{"data": []}')  # a page without prices: drift
    body = (shared_data / LITELLM_FILE).read_bytes()
    (broken / LITELLM_FILE).write_bytes(body[: len(body) // 2])  # cut mid-document
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DEFLATOR_SHARED_DATA", str(broken))
        for _ in range(2):
            code = main(["run", "--offline", "--source", "openrouter", "--source", "litellm"])
            assert code == 1  # every source of the run failed
        shutil.copy(shared_data / OPENROUTER_FILE, broken / OPENROUTER_FILE)
        assert main(["run", "--offline", "--source", "openrouter", "--source", "litellm"]) == 3
    capsys.readouterr()
    code, out, err = status(db, capsys, "--format", "json")
    assert code == 1 and "unhealthy: litellm (failing)" in err
    rows = {r["source"]: r for r in json.loads(out)}
    litellm, openrouter = rows["litellm"], rows["openrouter"]
    assert litellm["consecutive_failures"] == 3 and litellm["drift_alarms"] == 0
    assert litellm["last_error"].startswith("parse: ValueError: litellm: body is not valid JSON")
    assert openrouter["healthy"] and openrouter["drift_alarms"] == 2
    assert openrouter["last_error"].startswith("layout drift: no prices found")
    assert main(["run", "--offline", "--source", "litellm"]) == 0
    assert status(db, capsys)[0] == 0


@pytest.mark.flow
def test_a_backfill_shows_its_datasets_and_rebuilds_indices(offline, capsys):
    db = offline / "deflator.duckdb"
    before = query(db, "select min(period) as first from index_values", capsys)
    assert main(["backfill", "aws_p5_tracker", "storage_history"]) == 0
    out = capsys.readouterr().out
    assert "indices: 5 of 5 rebuilt" in out
    # years of storage prices now, but at most 4 items a month: every storage rate is withheld
    # under the coverage rule (5 items, docs/which-rate-to-quote.md), saying why
    rates = query(db, "select segment from decline_rates where index = 'storage'", capsys)
    withheld = query(
        db, "select most_items, reason from withheld_rates where index = 'storage'", capsys
    )
    assert rates == [] and withheld
    assert all(r["most_items"] < 5 and "items" in r["reason"] for r in withheld)
    code, out, _ = status(db, capsys, "--format", "json")
    assert code == 0
    rows = {r["source"]: r for r in json.loads(out) if r["kind"] == "dataset"}
    assert rows["aws_p5_tracker"]["health"] == "ok" and rows["aws_p5_tracker"]["rows"] == 4
    assert rows["storage_history"]["health"] == "ok"
    assert rows["gpuhunt_offers"]["health"] == "never run"
    after = query(db, "select min(period) as first from index_values", capsys)
    assert after[0]["first"] < before[0]["first"]  # the history reaches back further now
