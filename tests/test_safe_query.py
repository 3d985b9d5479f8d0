"""`deflator query` can only read: each refusal, with its message, on DuckDB as installed.

Three layers are shown separately: the statement check (warehouse/safe_query.py refuses by
statement type before anything runs), the function allow-list (file-reading functions are not
on it) and the hardened connection (external access off, configuration locked), which refuses
the same things inside DuckDB even when a statement gets past the checks. The limits and the
child process are in tests/test_query_sandbox.py.
"""

from __future__ import annotations

import json
import shutil
import time

import duckdb
import pytest

from flows.cli import main
from tests.warehouse_utils import one_run_warehouse
from warehouse.connection import connect
from warehouse.safe_query import QueryRefused, check_statement, harden, prepare

NEVER_ENDS = (
    "WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t) SELECT count(*) FROM t"
)
WRITES = "would change the warehouse, and `deflator query` is read-only"
FILES = "cannot read or write files outside the warehouse"
READS_FILES = "reads files, and `deflator query` reads only the warehouse"


@pytest.fixture(scope="module")
def db_built(tmp_path_factory):
    """One warehouse with one run, built once for the module (migrations take ~0.2 s)."""
    return one_run_warehouse(tmp_path_factory.mktemp("safe-query") / "w.duckdb")


@pytest.fixture
def db(db_built, tmp_path):
    """A private copy of that warehouse for each test: a refusal that failed would show."""
    path = tmp_path / "w.duckdb"
    shutil.copyfile(db_built, path)
    return path


@pytest.fixture
def outside(tmp_path):
    """Files outside the warehouse that a query must not read: CSV, Parquet, JSON, DuckDB."""
    folder = tmp_path / "outside"
    folder.mkdir()
    con = duckdb.connect()
    con.execute(f"COPY (SELECT 'secret' AS s) TO '{folder / 'x.csv'}'")
    con.execute(f"COPY (SELECT 'secret' AS s) TO '{folder / 'x.parquet'}' (FORMAT parquet)")
    con.execute(f"COPY (SELECT 'secret' AS s) TO '{folder / 'x.json'}' (FORMAT json)")
    con.execute(f"ATTACH '{folder / 'other.duckdb'}' AS other")
    con.execute("CREATE TABLE other.t AS SELECT 'secret' AS s")
    con.close()
    return folder


def query(db, sql: str, capsys, *options: str) -> tuple[int, str, str]:
    status = main(["--db", str(db), "query", sql, *options])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def assert_refused(db, sql: str, message: str, capsys) -> str:
    status, out, err = query(db, sql, capsys)
    assert status == 1, (sql, out, err)
    assert out == ""
    assert message in err, err
    return err


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("delete from price_history", f"refused: DELETE {WRITES}"),
        ("insert into runs select * from runs", f"refused: INSERT {WRITES}"),
        ("update price_history set price = 0", f"refused: UPDATE {WRITES}"),
        ("drop table price_history", f"refused: DROP {WRITES}"),
        ("alter table runs add column x int", f"refused: ALTER {WRITES}"),
        # a read-only file still takes temporary tables (DuckDB's temp catalog is in memory)
        ("create temp table t as select 1", f"refused: CREATE {WRITES}"),
        ("explain analyze create temp table t as select 1", "EXPLAIN runs what it explains"),
        ("checkpoint; delete from runs", "2 statements given"),
    ],
)
def test_writing_is_refused(db, sql, message, capsys):
    assert_refused(db, sql, message, capsys)
    con = connect(db, read_only=True)
    assert con.execute("select count(*) from price_history").fetchone() == (1,)
    assert con.execute("select count(*) from runs").fetchone() == (1,)
    con.close()


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("select * from read_csv('/etc/passwd')", f"function read_csv() {READS_FILES}"),
        ("select * from read_csv('{dir}/x.csv')", READS_FILES),
        ("select * from read_parquet('{dir}/x.parquet')", READS_FILES),
        ("select * from read_json('{dir}/x.json')", READS_FILES),
        ("select * from read_text('/etc/hostname')", READS_FILES),
        ("select * from glob('/etc/*')", f"function glob() {READS_FILES}"),
        ("select * from read_csv('http://127.0.0.1:9/x.csv')", READS_FILES),
        ("select * from parquet_metadata('{dir}/x.parquet')", READS_FILES),
        ("select * from sniff_csv('{dir}/x.csv')", READS_FILES),
    ],
)
def test_file_functions_are_refused_by_the_allow_list(db, outside, template, message, capsys):
    err = assert_refused(db, template.format(dir=outside), message, capsys)
    assert "secret" not in err


@pytest.mark.parametrize(
    "template",
    ["select * from '{dir}/x.csv'", "select * from '{dir}/x.parquet'", "from '{dir}/x.json'"],
)
def test_a_file_named_as_a_table_is_refused_by_duckdb(db, outside, template, capsys):
    """No function is called, so the allow-list has nothing to refuse: DuckDB's own guard
    (external access off) does."""
    err = assert_refused(db, template.format(dir=outside), f"{FILES}, nor load extensions", capsys)
    assert "Permission Error" in err and "secret" not in err


def test_copy_export_and_attach_are_refused_and_write_nothing(db, outside, tmp_path, capsys):
    target = tmp_path / "out.csv"
    assert_refused(
        db, f"copy (select * from runs) to '{target}'", "refused: COPY reads or writes", capsys
    )
    assert_refused(db, f"copy runs from '{outside / 'x.csv'}'", "refused: COPY", capsys)
    assert_refused(db, f"export database '{tmp_path / 'dump'}'", "refused: EXPORT", capsys)
    assert_refused(
        db,
        f"attach '{outside / 'other.duckdb'}' as o",
        "refused: ATTACH opens another database or file",
        capsys,
    )
    assert_refused(db, "detach deflator", "refused: DETACH", capsys)
    assert not target.exists() and not (tmp_path / "dump").exists()


@pytest.mark.parametrize("sql", ["install httpfs", "load httpfs", "force install spatial"])
def test_installing_and_loading_extensions_is_refused(db, sql, capsys):
    word = sql.split()[0].upper()
    assert_refused(db, sql, f"refused: {word} installs or loads an extension", capsys)


def test_an_extension_is_never_auto_loaded(db, capsys):
    status, _, err = query(db, "select * from sqlite_scan('x.db', 't')", capsys)
    assert status == 1 and "function sqlite_scan() is not on the list" in err
    con = harden(duckdb.connect(str(db), read_only=True))  # and DuckDB alone does not load it
    with pytest.raises(duckdb.Error, match="sqlite_scanner"):
        con.execute("select * from sqlite_scan('x.db', 't')")
    con.close()


@pytest.mark.parametrize(
    "sql",
    [
        "set enable_external_access = true",
        "reset enable_external_access",
        "set lock_configuration = false",
        "pragma enable_profiling",
    ],
)
def test_settings_are_locked(db, sql, capsys):
    assert_refused(db, sql, "changes a setting, and `deflator query`'s settings are locked", capsys)


def test_the_hardened_connection_refuses_on_its_own(db, outside, tmp_path):
    """Past the statement check, DuckDB itself refuses: files, ATTACH, LOAD, settings."""
    con = harden(duckdb.connect(str(db), read_only=True))
    refusals = {
        f"COPY (SELECT 1) TO '{tmp_path / 'x.csv'}'": "file system operations are disabled",
        f"ATTACH '{outside / 'other.duckdb'}' AS o": "file system operations are disabled",
        f"SELECT * FROM '{outside / 'x.csv'}'": "file system operations are disabled",
        "LOAD httpfs": "Loading external extensions is disabled",
        "SET enable_external_access = true": "the configuration has been locked",
        "SET autoload_known_extensions = true": "the configuration has been locked",
        "RESET lock_configuration": "the configuration has been locked",
        "DELETE FROM runs": "read-only mode",
    }
    for sql, message in refusals.items():
        with pytest.raises(duckdb.Error, match=message):
            con.execute(sql)
    settings = con.execute(
        "SELECT current_setting('enable_external_access'), "
        "current_setting('autoinstall_known_extensions'), "
        "current_setting('autoload_known_extensions'), current_setting('lock_configuration')"
    ).fetchone()
    con.close()
    assert settings == (False, False, False, True)
    assert not (tmp_path / "x.csv").exists()


def test_a_runaway_query_is_stopped_at_its_time_limit(db, capsys):
    started = time.perf_counter()
    status, out, err = query(db, NEVER_ENDS, capsys, "--timeout", "1")
    elapsed = time.perf_counter() - started
    assert status == 1 and out == "" and "query stopped after 1 s" in err
    assert 1.0 <= elapsed < 4.0
    assert query(db, "select 42 as n", capsys, "--format", "csv")[:2] == (0, "n\n42\n")


def test_the_time_limit_from_option_and_setting(db, capsys, monkeypatch):
    started = time.perf_counter()
    status, _, err = query(db, NEVER_ENDS, capsys, "--timeout", "1")
    assert status == 1 and "query stopped after 1 s" in err
    monkeypatch.setenv("DEFLATOR_QUERY_TIMEOUT", "0.5")
    status, _, err = query(db, NEVER_ENDS, capsys)
    assert status == 1 and "query stopped after 0.5 s" in err
    assert time.perf_counter() - started < 5.0


def test_a_quick_query_finishes_under_the_limit(db, capsys):
    status, out, _ = query(
        db, "select count(*) as n from price_history", capsys, "--format", "json"
    )
    assert status == 0 and json.loads(out) == [{"n": 1}]


@pytest.mark.parametrize(
    "sql",
    [
        "select sku from price_history",
        "with t as (select 1 as x) select * from t",
        "from runs",
        "values (1), (2)",
        "describe price_history",
        "show tables",
        "summarize runs",
        "pragma show_tables",
        "pragma table_info('runs')",
        "explain select * from runs",
        "explain analyze select count(*) from runs",
        "call pragma_version()",
        "-- a comment first\nselect 1;",
    ],
)
def test_reading_statements_run(db, sql, capsys):
    status, out, err = query(db, sql, capsys)
    assert status == 0, err
    assert out


def test_what_runs_is_what_was_checked(db):
    con = harden(duckdb.connect(str(db), read_only=True))
    assert prepare(con, "call pragma_version()") == "SELECT * FROM pragma_version()"
    assert prepare(con, "pragma table_info('runs')") == "SELECT * FROM pragma_table_info('runs');"
    assert prepare(con, "explain select 1") == "explain select 1"
    with pytest.raises(QueryRefused, match=r"^refused: function query\(\) runs SQL given as"):
        prepare(con, "call query('select 1')")
    with pytest.raises(QueryRefused, match="EXPLAIN runs what it explains: function glob"):
        prepare(con, "explain analyze select * from glob('*')")
    con.close()


def test_the_check_alone():
    check_statement("select 1")
    for sql, message in {
        "": "no SQL statement given",
        "-- nothing\n": "no SQL statement given",
        "select 1; select 2": "2 statements given",
        "begin": "transaction control",
        "prepare p as select 1": "prepares a statement",
        "set variable x = 1": "changes a setting",
        "create macro m() as 1": "refused: CREATE",
        "merge into runs using runs r on true when matched then delete": "refused: MERGE",
        "explain insert into runs select * from runs": "EXPLAIN runs what it explains: INSERT",
        # DuckDB deserializes this plan while it parses: refused on tokens, before parsing
        "/* x */ PrAgMa json_execute_serialized_sql('{}')": (
            "refused: PRAGMA json_execute_serialized_sql runs or builds serialized"
        ),
        "explain pragma json_execute_serialized_sql('x')": "PRAGMA json_execute_serialized_sql",
        "pragma threads = 64": "refused: PRAGMA threads changes a setting",
    }.items():
        with pytest.raises(QueryRefused, match=message):
            check_statement(sql)
    with pytest.raises(duckdb.ParserException):
        check_statement("selec 1")
