"""The DuckLake backend in one process: same migrations, loads and history as the embedded file.

These use a DuckLake whose catalog is a local DuckDB file (one process at a time, no server);
several processes writing at once need the PostgreSQL catalog and are tested for real by
tests/test_scale_out.py (.ci/scale_out.sh). The extensions come from the pinned packages,
installed offline into a temporary folder.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from flows.settings import load_settings
from tests.warehouse_compare import differences
from tests.warehouse_utils import at, obs, outcome
from warehouse.backends import DuckLake, EmbeddedFile, is_conflict, retry_conflicts, rollback
from warehouse.connection import connect, migrations
from warehouse.ducklake import adapt_migration
from warehouse.extensions import ExtensionMissing, install_extensions
from warehouse.load import load_run
from warehouse.snapshot import connect_reader, publish_snapshot

# A system test (`make test-system`, and CI): not in the `make test` loop.
pytestmark = pytest.mark.system


@pytest.fixture(scope="session")
def extension_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("duckdb-extensions")
    installed = install_extensions(folder)
    assert sorted(e.name for e in installed) == ["ducklake", "postgres_scanner"]
    return folder


@pytest.fixture
def lake(tmp_path, extension_dir) -> DuckLake:
    return DuckLake(str(tmp_path / "catalog.ducklake"), f"{tmp_path / 'lake'}/", extension_dir)


def conflict_error() -> duckdb.TransactionException:
    return duckdb.TransactionException(
        "TransactionContext Error: Failed to commit: Failed to commit DuckLake transaction.\n"
        'Transaction conflict - attempting to insert into table with index "3" - but another '
        "transaction has deleted from it"
    )


# --- the one place the SQL differs -------------------------------------------------------


def test_adapt_migration_drops_keys_unique_and_indexes():
    text = (
        "CREATE TABLE a (\n"
        "    id VARCHAR PRIMARY KEY,  -- the key\n"
        "    name VARCHAR UNIQUE NOT NULL\n"
        ");\n"
        "CREATE TABLE b (\n"
        "    x INTEGER NOT NULL,\n"
        "    y INTEGER NOT NULL,     -- a comment, then the table key\n"
        "    PRIMARY KEY (x, y)\n"
        ");\n"
        "CREATE UNIQUE INDEX b_y ON b (y);\n"
        "CREATE INDEX a_name ON a (name);\n"
    )
    adapted = adapt_migration(text)
    assert "PRIMARY" not in adapted and "UNIQUE" not in adapted and "INDEX" not in adapted
    con = duckdb.connect()
    con.execute(adapted)  # still valid SQL
    assert con.execute(
        "SELECT count(*) FROM duckdb_constraints() WHERE constraint_type "
        "IN ('PRIMARY KEY', 'UNIQUE')"
    ).fetchone() == (0,)
    assert [c[0] for c in con.execute("DESCRIBE b").fetchall()] == ["x", "y"]


def test_adapt_migration_keeps_literals_and_quoted_names():
    text = (
        'CREATE TABLE "primary key" (k VARCHAR PRIMARY KEY, note VARCHAR);\n'
        "INSERT INTO \"primary key\" VALUES ('unique -- not a comment', 'PRIMARY KEY (a, b)');\n"
    )
    con = duckdb.connect()
    con.execute(adapt_migration(text))
    assert con.execute('SELECT k, note FROM "primary key"').fetchall() == [
        ("unique -- not a comment", "PRIMARY KEY (a, b)")
    ]


def test_every_migration_applies_on_ducklake_with_the_same_schema(tmp_path, lake):
    embedded = connect(tmp_path / "w.duckdb")
    on_lake = connect(lake)
    query = (
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_catalog = current_database() AND table_name <> 'schema_migrations' "
        "ORDER BY ALL"
    )
    assert on_lake.execute(query).fetchall() == embedded.execute(query).fetchall()
    views = (
        "SELECT table_name FROM information_schema.tables WHERE table_type = 'VIEW' "
        "AND table_catalog = current_database() ORDER BY 1"
    )
    assert on_lake.execute(views).fetchall() == embedded.execute(views).fetchall()
    applied = "SELECT version FROM schema_migrations WHERE version > 0 ORDER BY 1"
    assert on_lake.execute(applied).fetchall() == [(v,) for v, _, _ in migrations()]
    # and no key survived: DuckLake would have refused it
    assert on_lake.execute(
        "SELECT count(*) FROM duckdb_constraints() WHERE database_name = 'lake' "
        "AND constraint_type IN ('PRIMARY KEY', 'UNIQUE')"
    ).fetchone() == (0,)
    embedded.close()
    on_lake.close()


def test_reconnecting_applies_nothing_twice(lake):
    connect(lake).close()
    con = connect(lake)
    assert con.execute(
        "SELECT count(*), count(DISTINCT version) FROM schema_migrations"
    ).fetchone() == (len(migrations()) + 1, len(migrations()) + 1)
    assert con.execute("SELECT count(*) FROM accelerators").fetchone()[0] > 0
    con.close()


# --- loads and history: the same rows on both backends -----------------------------------


def _three_nights() -> list[tuple[str, object, list]]:
    """A price change, a series missing one night then back, and a quarantined unit slip."""
    return [
        (
            "run1",
            at(1),
            [obs("a", "1.00", at(1)), obs("b", "2.00", at(1)), obs("c", "3.00", at(1))],
        ),
        (
            "run2",
            at(2),
            [obs("a", "1.50", at(2)), obs("b", "2.00", at(2)), obs("d", "2000", at(2))],
        ),
        (
            "run3",
            at(3),
            [obs("a", "1.50", at(3)), obs("b", "2.00", at(3)), obs("c", "3.00", at(3))],
        ),
    ]


def _load_nights(where) -> list:
    con = connect(where)
    reports = []
    try:
        for run_id, when, observations in _three_nights():
            reports.append(load_run(con, run_id, "offline", when, [outcome(observations, when)]))
        publish_snapshot(con, where)
    finally:
        con.close()
    return reports


def test_loads_on_ducklake_equal_the_embedded_file(tmp_path, lake):
    file_reports = _load_nights(tmp_path / "w.duckdb")
    lake_reports = _load_nights(lake)
    assert lake_reports == file_reports
    assert [r.quarantined for r in lake_reports] == [0, 1, 0]
    con = connect(lake, read_only=True)
    con.execute(f"ATTACH '{tmp_path / 'w.duckdb'}' AS emb (READ_ONLY)")
    assert differences(con, "emb", "lake") == {}
    history = con.execute(
        "SELECT sku, price, valid_to IS NULL, close_reason FROM lake.price_history "
        "ORDER BY sku, valid_from"
    ).fetchall()
    assert [(sku, str(price), open_, reason) for sku, price, open_, reason in history] == [
        ("a", "1.000000000000", False, "changed"),
        ("a", "1.500000000000", True, None),
        ("b", "2.000000000000", True, None),
        ("c", "3.000000000000", True, None),  # missing one night only: never withdrawn
    ]
    con.close()


def test_a_rerun_of_the_same_night_adds_nothing_on_ducklake(lake):
    _load_nights(lake)
    con = connect(lake)
    before = con.execute("SELECT count(*) FROM observations").fetchone()[0]
    _, when, observations = _three_nights()[-1]
    report = load_run(con, "run3-again", "offline", when, [outcome(observations, when)])
    assert report.observations_new == 0 and report.history_changes == 0
    assert con.execute("SELECT count(*) FROM observations").fetchone()[0] == before
    con.close()


def test_readers_attach_the_lake_read_only_and_see_committed_runs(lake):
    _load_nights(lake)
    reader, label = connect_reader(lake)
    assert str(label).startswith("ducklake:") and "(data " in str(label)
    assert reader.execute("SELECT count(*) FROM runs").fetchone() == (3,)
    with pytest.raises(duckdb.Error, match=r"read-only|read only"):
        reader.execute("DELETE FROM runs")
    reader.close()
    assert publish_snapshot(duckdb.connect(), lake) is None  # nothing to publish for a lake


# --- conflicts: retried whole, never hidden ----------------------------------------------


def test_a_real_conflict_is_retried_whole_and_commits(lake):
    _load_nights(lake)
    con = connect(lake)
    first, second = con.cursor(), con.cursor()  # two transactions on one lake
    for cursor in (first, second):
        cursor.execute("USE lake")
    attempts = []

    def close_a_row() -> None:
        attempts.append(len(attempts) + 1)
        second.execute("BEGIN TRANSACTION")
        try:
            second.execute(
                "UPDATE price_history SET last_observed_at = last_observed_at WHERE sku = 'b'"
            )
            if len(attempts) == 1:  # meanwhile another writer commits into the same table
                first.execute("INSERT INTO price_history SELECT * FROM price_history LIMIT 1")
            second.execute("COMMIT")
        except BaseException:
            rollback(second)
            raise

    retry_conflicts(close_a_row, attempts=3)
    assert attempts == [1, 2]
    con.close()


def test_a_conflict_hidden_by_a_failed_rollback_is_still_a_conflict():
    # A failed COMMIT ends the transaction: a writer's ROLLBACK then raises this instead.
    try:
        try:
            raise conflict_error()
        except duckdb.TransactionException:
            raise duckdb.TransactionException(  # noqa: B904 (Python chains it as __context__)
                "TransactionContext Error: cannot rollback - no transaction is active"
            )
    except duckdb.TransactionException as masked:
        assert is_conflict(masked)
    assert not is_conflict(duckdb.TransactionException("cannot rollback"))
    assert not is_conflict(ValueError("conflict"))


def test_only_conflicts_are_retried_and_the_last_one_is_raised():
    calls = []

    def other_error() -> None:
        calls.append(1)
        raise duckdb.CatalogException("no such table")

    with pytest.raises(duckdb.CatalogException):
        retry_conflicts(other_error, attempts=5)
    assert len(calls) == 1

    def always_conflicts() -> None:
        calls.append(1)
        raise conflict_error()

    calls.clear()
    with pytest.raises(duckdb.TransactionException, match="conflict"):
        retry_conflicts(always_conflicts, attempts=3)
    assert len(calls) == 3


# --- settings and extensions -------------------------------------------------------------


def test_the_warehouse_setting_selects_the_backend(tmp_path):
    env = {"DEFLATOR_DATA_DIR": str(tmp_path)}
    assert load_settings(env).warehouse == EmbeddedFile(tmp_path / "deflator.duckdb")
    spec = "ducklake:postgres:dbname=lake host=db.internal password=s3cret"
    settings = load_settings({**env, "DEFLATOR_WAREHOUSE": spec})
    lake = settings.warehouse
    assert isinstance(lake, DuckLake)
    assert lake.catalog == "postgres:dbname=lake host=db.internal password=s3cret"
    assert lake.data_path == f"{tmp_path / 'lake'}/"
    assert lake.extensions == ("ducklake", "postgres_scanner")
    assert "s3cret" not in lake.label and "password=***" in lake.label
    assert settings.with_db("/elsewhere.duckdb").warehouse == lake  # the lake stays
    other = settings.with_db("ducklake:postgres:dbname=other")
    assert other.warehouse.catalog == "postgres:dbname=other"
    assert load_settings({**env, "DEFLATOR_WAREHOUSE": "file"}).warehouse.label.endswith(
        "deflator.duckdb"
    )
    with pytest.raises(ValueError, match="ducklake:"):
        load_settings({**env, "DEFLATOR_WAREHOUSE": "postgres:dbname=lake"})


def test_reading_a_lake_nothing_was_written_to_is_a_clear_error(tmp_path, extension_dir):
    from warehouse.connection import WarehouseMissing

    lake = DuckLake(str(tmp_path / "none.ducklake"), f"{tmp_path}/data/", extension_dir)
    with pytest.raises(WarehouseMissing, match="Has a run written to it yet"):
        connect_reader(lake)
    assert not (tmp_path / "none.ducklake").exists()


def test_a_missing_extension_says_how_to_install_it(tmp_path):
    lake = DuckLake(str(tmp_path / "c.ducklake"), f"{tmp_path}/data/", tmp_path / "empty")
    with pytest.raises(ExtensionMissing, match="deflator extensions install"):
        connect(lake)


def test_a_scale_out_run_splits_the_sources_by_leg_or_by_source():
    from flows.scale_out import plan_groups
    from scrapers.registry import select_sources

    sources = select_sources(None)
    by_leg = plan_groups(sources, "leg")
    assert sorted(by_leg) == ["compute", "data", "energy", "llm"]
    assert sorted(n for names in by_leg.values() for n in names) == sorted(s.name for s in sources)
    assert "openrouter" in by_leg["llm"] and "aws_ec2" in by_leg["compute"]
    by_source = plan_groups(sources, "source")
    assert by_source["openrouter"] == ["openrouter"] and len(by_source) == len(sources)
    with pytest.raises(ValueError, match="split"):
        plan_groups(sources, "region")


# --- the reading commands read the configured lake, not the embedded file --------------


def test_every_reading_command_reads_the_lake_the_setting_names(
    tmp_path, lake, monkeypatch, capsys
):
    """`query`, `status`, `export` and `dashboard` with DEFLATOR_WAREHOUSE naming a lake read
    the lake (no embedded file exists anywhere: a reader that opened one would fail)."""
    import json

    from flows.cli import main
    from tests.mart_utils import build_small_warehouse

    build_small_warehouse(lake)
    monkeypatch.setenv("DEFLATOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DEFLATOR_WAREHOUSE", f"ducklake:{lake.catalog}")
    monkeypatch.setenv("DEFLATOR_LAKE_DATA_PATH", lake.data_path)
    monkeypatch.setenv("DEFLATOR_EXTENSIONS_DIR", str(lake.extension_dir))
    monkeypatch.delenv("DEFLATOR_DB", raising=False)

    capsys.readouterr()
    sql = "select price from mart_current_prices where sku = 'p5.48xlarge' and tier = 'standard'"
    for flags in ([], ["--no-snapshot"]):
        assert main(["query", sql, "--format", "json", *flags]) == 0
        assert json.loads(capsys.readouterr().out) == [{"price": 55.04}]

    assert main(["status", "--format", "json", "--max-age", "100000"]) == 1  # lambda failed
    health = {row["source"]: row for row in json.loads(capsys.readouterr().out)}
    assert health["aws_ec2"]["health"] == "ok"
    assert health["lambda_pricing"]["consecutive_failures"] == 1

    assert main(["export", "--format", "csv", "--out", str(tmp_path / "out")]) == 0
    with open(tmp_path / "out" / "mart_current_prices.csv") as exported:
        assert "55.040000000000" in exported.read()

    assert main(["dashboard", "--out", str(tmp_path / "d.html")]) == 0
    assert (tmp_path / "d.html").stat().st_size > 1_000_000  # plotly.js inlined
    assert not list(tmp_path.rglob("*.duckdb"))


def test_an_unreachable_catalog_fails_the_reader_without_showing_the_password(
    tmp_path, extension_dir, monkeypatch, capsys
):
    """Not 'nothing written yet': the catalog cannot be reached. The command fails (exit 1),
    says why, and the password in DEFLATOR_WAREHOUSE appears nowhere (127.0.0.1, port 1:
    refused at once, no network)."""
    from flows.cli import main

    spec = "postgres:dbname=lake host=127.0.0.1 port=1 user=d password=s3cret connect_timeout=2"
    lake = DuckLake(spec, f"{tmp_path}/data/", extension_dir)
    with pytest.raises(duckdb.IOException) as raised:
        connect_reader(lake)
    assert "s3cret" not in str(raised.value) and "password=***" in str(raised.value)
    assert raised.value.__cause__ is None and raised.value.__suppress_context__

    monkeypatch.setenv("DEFLATOR_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("DEFLATOR_WAREHOUSE", f"ducklake:{spec}")
    monkeypatch.setenv("DEFLATOR_EXTENSIONS_DIR", str(extension_dir))
    capsys.readouterr()
    assert main(["query", "select 1"]) == 1
    err = capsys.readouterr().err
    assert "cannot open ducklake:postgres:" in err and "Connection refused" in err
    assert "s3cret" not in err


def test_losing_the_race_to_create_a_new_catalog_attaches_again(lake, monkeypatch):
    """The first scale-out run's legs attach a new PostgreSQL catalog at once: one creates
    DuckLake's tables, the other fails on PostgreSQL's unique index (the text below is the
    one CI met) and must attach again, not fail its leg. Any other error is raised at once."""
    from warehouse import ducklake

    race = duckdb.Error(
        'Failed to initialize DuckLake: Failed to execute query "CREATE TABLE '
        '"public"."ducklake_metadata"(...)": ERROR:  duplicate key value violates unique '
        'constraint "pg_type_typname_nsp_index"'
    )
    real, calls = ducklake._attach_once, []

    def attach_once(where, read_only):
        calls.append(read_only)
        if len(calls) < 3:
            raise race
        return real(where, read_only)

    monkeypatch.setattr(ducklake, "_attach_once", attach_once)
    monkeypatch.setattr(ducklake.time, "sleep", lambda seconds: None)
    con = connect(lake)
    assert con.execute("SELECT count(*) FROM runs").fetchone() == (0,)
    con.close()
    assert len(calls) == 3

    calls.clear()

    def unreachable(where, read_only):
        calls.append(read_only)
        raise duckdb.IOException("IO Error: Unable to connect to Postgres")

    monkeypatch.setattr(ducklake, "_attach_once", unreachable)
    with pytest.raises(duckdb.IOException, match="Unable to connect"):
        connect(lake)
    assert len(calls) == 1
    assert not ducklake.is_init_race(duckdb.Error("Failed to initialize DuckLake: disk full"))
