"""Load safety end to end (issue 18): `deflator run --offline`, `deflator backfill` and
`deflator status` on the recorded data, with one source's recording replaced by an altered
copy in a private shared-data folder (the others are links to the real files, read in place).

* A night with a RunPod ``communityPrice`` of 1e16 and an OpenRouter ``prompt`` of
  "10000000000" loads every source and writes its ledger row (before: nothing loaded, no
  ``runs`` row).
* A backfill with a storage price of 1e17 loads the rest of that dataset and the other one.
* A load that fails as a whole still leaves a failed ``runs`` row that `deflator status` sees.
* A snapshot that cannot be published after the load committed is reported as "loaded,
  snapshot not published"; `deflator status` says the snapshot is behind; the next run
  republishes it.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from flows.cli import main
from scrapers.backfill.registry import all_datasets
from scrapers.registry import all_sources
from warehouse.snapshot import behind_path, snapshot_path

pytestmark = pytest.mark.flow

NIGHT = ["runpod_gpu_types", "openrouter", "anthropic_pricing"]
CUTS = {
    "runpod_gpu_types": (b'"communityPrice": 1.19', b'"communityPrice": 1e16'),
    "openrouter": (b'"prompt": "0.00000045"', b'"prompt": "10000000000"'),
    "storage_history": (b",0.15,", b",1e17,"),  # S3's 2006 launch price, per GB-month
}


def private_shared(root: Path, shared_data: Path, recordings: list[str], cuts: dict) -> Path:
    """A shared-data folder holding links to the real recordings, and an altered copy of
    each recording named in ``cuts`` (path -> (old bytes, new bytes))."""
    for relative in recordings:
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if relative in cuts:
            old, new = cuts[relative]
            body = (shared_data / relative).read_bytes()
            assert body.count(old) >= 1, (relative, old)
            target.write_bytes(body.replace(old, new, 1))
        else:
            target.symlink_to(shared_data / relative)
    return root


def night_recordings() -> list[str]:
    return [r.path for name in NIGHT for r in all_sources()[name].recordings]


def rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture
def env(tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    monkeypatch.setenv("DEFLATOR_DATA_DIR", str(data_dir))
    for name in ("DEFLATOR_DB", "DEFLATOR_ARCHIVE", "DEFLATOR_MAX_AGE_HOURS"):
        monkeypatch.delenv(name, raising=False)
    return data_dir / "deflator.duckdb"


def status(db: Path, capsys) -> tuple[int, dict[str, bool], str]:
    """`deflator status`: its exit code, healthy per source that ran, and its stderr."""
    capsys.readouterr()
    code = main(["--db", str(db), "status", "--format", "json"])
    captured = capsys.readouterr()
    ran = {r["source"]: r["healthy"] for r in json.loads(captured.out) if r["last_run"]}
    return code, ran, captured.err


def run_night(*extra: str) -> int:
    return main(["run", "--offline", *[a for name in NIGHT for a in ("--source", name)], *extra])


def test_a_night_with_absurd_values_loads_every_source(
    env, tmp_path, shared_data, monkeypatch, capsys
):
    cuts = {
        all_sources()[name].recordings[0].path: cut for name, cut in CUTS.items() if name in NIGHT
    }
    shared = private_shared(tmp_path / "shared", shared_data, night_recordings(), cuts)
    monkeypatch.setenv("DEFLATOR_SHARED_DATA", str(shared))
    assert run_night() == 0
    out = capsys.readouterr().out
    assert "deflator run " in out and "(offline): ok" in out
    ledger = rows(env, "SELECT status, sources_ok, sources_failed, observations_new FROM runs")
    assert ledger == [("ok", 3, 0, 24 + 1359 + 70)]  # RunPod and OpenRouter less their absurd row
    assert rows(
        env,
        "SELECT source, text FROM parse_problems WHERE reason LIKE 'price out of range%' "
        "ORDER BY source",
    ) == [("openrouter", "10000000000"), ("runpod_gpu_types", "1e16")]
    _, ran, err = status(env, capsys)  # exit 1: the sources not in this night never ran
    assert ran == {name: True for name in NIGHT}
    assert "read snapshot is behind" not in err


def test_a_backfill_with_a_1e17_storage_price_loads_the_rest(
    env, tmp_path, shared_data, monkeypatch, capsys
):
    datasets = all_datasets()
    names = ["aws_p5_tracker", "storage_history"]
    recordings = [r.path for n in names for r in datasets[n].source.recordings]
    cut = {datasets["storage_history"].source.recordings[0].path: CUTS["storage_history"]}
    shared = private_shared(tmp_path / "shared", shared_data, recordings, cut)
    monkeypatch.setenv("DEFLATOR_SHARED_DATA", str(shared))
    assert main(["backfill", *names]) == 0
    by_source = dict(
        rows(env, "SELECT source, rows_new FROM run_sources WHERE status = 'ok' ORDER BY source")
    )
    assert by_source == {"aws_p5_tracker": 4, "storage_history": 26}  # 27 parsed, 1 set aside
    assert rows(env, "SELECT status FROM runs") == [("ok",)]
    assert rows(env, "SELECT location, text, reason FROM parse_problems") == [
        (
            "aws / s3 / gb_month / standard:flat / all",
            "1e17",
            "price out of range: the warehouse stores prices below 10^16 (DECIMAL(28, 12)); "
            "not stored (read as 1E+17 per_gb_month)",
        )
    ]


def test_a_load_that_fails_as_a_whole_still_writes_its_ledger_row(
    env, tmp_path, shared_data, monkeypatch, capsys
):
    import flows.nightly

    shared = private_shared(tmp_path / "shared", shared_data, night_recordings(), {})
    monkeypatch.setenv("DEFLATOR_SHARED_DATA", str(shared))

    def broken(*args, **kwargs):
        raise RuntimeError("Arrow conversion failed")

    monkeypatch.setattr(flows.nightly, "load_run", broken)
    with pytest.raises(RuntimeError, match="Arrow conversion failed"):
        run_night()
    assert rows(env, "SELECT status, sources_ok, sources_failed FROM runs") == [("failed", 0, 3)]
    errors = rows(env, "SELECT DISTINCT status, error FROM run_sources")
    assert errors == [
        ("failed", "run failed before its load committed: RuntimeError: Arrow conversion failed")
    ]
    assert rows(env, "SELECT count(*) FROM observations") == [(0,)]
    code, ran, err = status(env, capsys)
    assert code == 1 and "openrouter (failing)" in err  # seen at once, not after 36 hours
    assert ran == {name: False for name in NIGHT}
    # published: readers (status reads the snapshot) see the failed run
    assert snapshot_path(env).is_file()


def test_a_snapshot_that_cannot_be_published_is_reported_and_republished(
    env, tmp_path, shared_data, monkeypatch, capsys
):
    shared = private_shared(tmp_path / "shared", shared_data, night_recordings(), {})
    monkeypatch.setenv("DEFLATOR_SHARED_DATA", str(shared))
    target = snapshot_path(env)
    target.mkdir(parents=True)  # the publish cannot replace a directory: it fails after commit
    assert run_night() == 0  # the load committed: not a failed run
    out = capsys.readouterr().out
    assert "(offline): ok; loaded, snapshot not published: snapshot: IsADirectoryError" in out
    assert "readers still see the previous snapshot" in out
    marker = json.loads(behind_path(env).read_text())
    (run_id,) = rows(env, "SELECT run_id FROM runs")[0]
    assert marker["since_run"] == marker["last_run"] == run_id
    assert rows(env, "SELECT status FROM runs") == [("ok",)]  # the ledger says ok, and so do we
    code, ran, err = status(env, capsys)
    assert code == 1 and ran == {name: True for name in NIGHT}
    assert f"read snapshot is behind the warehouse: run(s) {run_id} loaded but not published" in err
    target.rmdir()
    assert run_night() == 0
    assert "snapshot not published" not in capsys.readouterr().out
    assert target.is_file() and not behind_path(env).exists()
    _, ran, err = status(env, capsys)
    assert ran == {name: True for name in NIGHT} and "behind" not in err
