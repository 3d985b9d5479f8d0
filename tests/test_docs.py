"""The README documents every table, every command and every setting the code has."""

from __future__ import annotations

from flows.cli import build_parser
from tests.conftest import PROJECT_ROOT
from warehouse.connection import connect

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def test_every_table_is_in_the_table_reference(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    tables = [
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'main'"
        ).fetchall()
    ]
    con.close()
    reference = README.split("## Table reference", 1)[1].split("\n## ", 1)[0]
    missing = [t for t in tables if f"| `{t}` |" not in reference]
    assert tables and not missing


def test_every_command_is_shown_in_the_readme():
    action = next(a for a in build_parser()._actions if a.dest == "command")
    missing = [name for name in action.choices if f"deflator {name}" not in README]
    assert not missing


def test_every_setting_is_documented():
    from flows.settings import setting_names

    names = set(setting_names())
    assert names
    assert not [name for name in sorted(names) if f"`{name}`" not in README]
