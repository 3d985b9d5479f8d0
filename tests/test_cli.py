"""The command line: --help everywhere, query formats, clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal

import pytest

from flows.cli import build_parser, main
from tests.warehouse_utils import at, obs, outcome
from warehouse.connection import connect
from warehouse.load import load_run


def subcommands() -> list[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return sorted(action.choices)


def test_every_subcommand_has_help(capsys):
    # One real process (the entry point imports and prints help from scratch) ...
    result = subprocess.run(
        [sys.executable, "-m", "flows.cli", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and "usage: deflator" in result.stdout
    assert all(name in result.stdout for name in subcommands())
    # ... and every subcommand's help in this one (a process each cost ~7 s of the loop).
    for name in subcommands():
        with pytest.raises(SystemExit) as exit_:
            main([name, "--help"])
        assert exit_.value.code == 0, name
        out = capsys.readouterr().out
        assert f"usage: deflator {name}" in out
        assert len(out.splitlines()) > 3


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "w.duckdb"
    con = connect(path)
    load_run(
        con,
        "run1",
        "offline",
        at(1),
        [outcome([obs("a", "2.5", at(1)), obs("b", "0.000001", at(1))], at(1))],
    )
    con.close()
    return path


def test_query_table_csv_json_keep_exact_prices(db, capsys):
    sql = "select sku, price from price_history order by sku"
    assert main(["--db", str(db), "query", sql]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["sku", "price"]
    assert table[2].split() == ["a", "2.5"]
    assert table[3].split() == ["b", "0.000001"]
    assert main(["--db", str(db), "query", sql, "--format", "csv"]) == 0
    assert capsys.readouterr().out == "sku,price\na,2.5\nb,0.000001\n"
    assert main(["--db", str(db), "query", sql, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out, parse_float=Decimal)
    assert rows == [
        {"sku": "a", "price": Decimal("2.5")},
        {"sku": "b", "price": Decimal("0.000001")},
    ]


def test_query_is_read_only(db, capsys):
    assert main(["--db", str(db), "query", "delete from price_history"]) == 1
    assert "read-only" in capsys.readouterr().err
    con = connect(db, read_only=True)
    assert con.execute("select count(*) from price_history").fetchone()[0] == 2
    con.close()


def test_query_without_a_warehouse_says_what_to_do(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "none.duckdb"), "query", "select 1"]) == 2
    assert "deflator run --offline" in capsys.readouterr().err
    assert not (tmp_path / "none.duckdb").exists()


def test_bad_sql_is_a_clear_error(db, capsys):
    assert main(["--db", str(db), "query", "select * from no_such_table"]) == 1
    assert "no_such_table" in capsys.readouterr().err


def test_unknown_source_is_refused_before_anything_runs(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "w.duckdb"), "run", "--source", "nope"]) == 2
    err = capsys.readouterr().err
    assert "unknown source(s) nope" in err and "openrouter" in err
    assert not (tmp_path / "w.duckdb").exists()


def test_sources_lists_every_source_with_last_status(db, capsys):
    assert main(["--db", str(db), "sources"]) == 0
    out = capsys.readouterr().out
    assert "openrouter" in out and "litellm" in out
    assert "https://openrouter.ai/api/v1/models" in out
