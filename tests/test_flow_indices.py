"""The flows rebuild the indices and decline rates after their load (flows/derived.py), and a
failure there is reported without undoing the load."""

from __future__ import annotations

import duckdb
import pytest

from flows import derived
from warehouse.connection import connect
from warehouse.snapshot import snapshot_path

# Two GPU price lists recorded a week apart (2026-09-29 and 2026-10-05): two months of prices.
SOURCES = ["aws_ec2", "gcp_gpu_pricing"]


@pytest.fixture
def env(tmp_path, shared_data, monkeypatch):
    monkeypatch.setenv("DEFLATOR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DEFLATOR_SHARED_DATA", str(shared_data))
    for name in ("DEFLATOR_DB", "DEFLATOR_ARCHIVE"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def read(path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.mark.flow
def test_a_nightly_run_rebuilds_the_indices_before_publishing(env, capsys):
    from flows.nightly import nightly

    report = nightly(offline=True, source_names=SOURCES)
    assert report.status == "ok"
    assert "indices: 5 of 5 rebuilt (36 rows)" in capsys.readouterr().out
    snapshot = snapshot_path(env / "deflator.duckdb")
    rows = read(
        snapshot,
        "select segment, method, period, items from index_values "
        "where index = 'gpu_hour' and segment = 'all' order by method, period",
    )
    assert [(r[1], str(r[2])) for r in rows] == [
        ("geks", "2026-09-01"),
        ("geks", "2026-10-01"),
        ("jevons", "2026-09-01"),
        ("jevons", "2026-10-01"),
    ]
    # readers see the indices of this run's prices: computed after the load, before publishing
    (computed,) = read(snapshot, "select max(computed_at) from index_values")[0]
    (finished,) = read(snapshot, f"select finished_at from runs where run_id = '{report.run_id}'")[
        0
    ]
    assert computed >= finished


@pytest.mark.flow
def test_a_failing_index_is_reported_and_the_load_stays(env, capsys, monkeypatch):
    from flows.nightly import nightly

    real = derived.build.build_index

    def broken(con, name, **inputs):
        if name == "gpu_hour":
            raise RuntimeError("disk on fire")
        return real(con, name, **inputs)

    monkeypatch.setattr(derived.build, "build_index", broken)
    report = nightly(offline=True, source_names=SOURCES)
    out = capsys.readouterr().out
    assert report.status == "ok"
    assert "indices: 4 of 5 rebuilt" in out
    assert (
        "indices FAILED index gpu_hour: RuntimeError: disk on fire (prices loaded; rerun "
        "`deflator indices`)" in out
    )
    con = connect(env / "deflator.duckdb", read_only=True)
    loaded = con.execute(
        "select count(*) from observations where run_id = ?", [report.run_id]
    ).fetchone()
    con.close()
    assert loaded == (156,)  # 48 AWS + 108 GCP prices, committed before the indices step
    published = read(
        snapshot_path(env / "deflator.duckdb"),
        f"select status from runs where run_id = '{report.run_id}'",
    )
    assert published == [("ok",)]  # the snapshot was still published


def test_the_rebuild_collects_errors_instead_of_raising(env, monkeypatch):
    def broken(con, name, **inputs):
        raise ValueError(f"no {name}")

    monkeypatch.setattr(derived.build, "build_index", broken)
    con = connect(env / "w.duckdb")
    report = derived.rebuild(con)
    con.close()
    assert not report.ok
    assert report.errors["index llm_tokens"] == "ValueError: no llm_tokens"
    assert len(report.errors) == len(derived.build.INDICES)
    assert report.frontier_rates == 0 and report.index_rates == 0
