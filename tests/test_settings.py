"""Settings read through pydantic-settings: every DEFLATOR_* value is validated, and a bad one
is one line naming the variable, what it got and what it expects, exit 2 (issue 16)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from flows.cli import main
from flows.settings import Settings, SettingsError, load_settings, setting_names
from warehouse.backends import DuckLake, EmbeddedFile


def test_defaults_and_values_are_read_from_the_given_environment(tmp_path):
    settings = load_settings({"DEFLATOR_DATA_DIR": str(tmp_path), "DEFLATOR_TIMEOUT": "12.5"})
    assert settings.db_path == tmp_path / "deflator.duckdb"
    assert settings.archive_dir == tmp_path / "archive"
    assert settings.feed_dir == tmp_path / "feeds"
    assert settings.prefect_home == tmp_path / "prefect"
    assert settings.fetch.timeout_s == 12.5
    assert settings.fetch.max_retries == 3
    assert settings.max_step_factor == Decimal(10)
    assert settings.warehouse == EmbeddedFile(tmp_path / "deflator.duckdb")
    assert settings.warehouse_location == str(tmp_path / "deflator.duckdb")
    assert settings.with_db("~/w.duckdb").db_path == Path("~/w.duckdb").expanduser()
    lake = settings.with_db("ducklake:postgres:dbname=x")
    assert isinstance(lake.warehouse, DuckLake) and lake.warehouse.catalog == "postgres:dbname=x"
    empty = load_settings({"DEFLATOR_DATA_DIR": str(tmp_path), "DEFLATOR_WEBHOOK_URL": ""})
    assert empty.webhook_url == ""  # empty: no webhook, as before
    with pytest.raises(SettingsError, match="DEFLATOR_TIMEOUT: got '', expected a valid number"):
        load_settings({"DEFLATOR_TIMEOUT": ""})


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("DEFLATOR_TIMEOUT", "abc", "DEFLATOR_TIMEOUT: got 'abc', expected a valid number"),
        ("DEFLATOR_TIMEOUT", "-1", "DEFLATOR_TIMEOUT: got '-1', expected greater than 0"),
        ("DEFLATOR_TIMEOUT", "nan", "DEFLATOR_TIMEOUT: got 'nan', expected a finite number"),
        ("DEFLATOR_HOST_DELAY", "inf", "DEFLATOR_HOST_DELAY: got 'inf', expected a finite"),
        ("DEFLATOR_MAX_STEP_FACTOR", "NaN", "DEFLATOR_MAX_STEP_FACTOR: got 'NaN', expected"),
        ("DEFLATOR_MAX_STEP_FACTOR", "0.5", "expected greater than 1"),
        ("DEFLATOR_RETRIES", "2.5", "DEFLATOR_RETRIES: got '2.5', expected a valid integer"),
        ("DEFLATOR_WEBHOOK_RETRIES", "-3", "DEFLATOR_WEBHOOK_RETRIES: got '-3', expected"),
        ("DEFLATOR_PREFECT_PORT", "70000", "expected less than or equal to 65535"),
        ("DEFLATOR_WAREHOUSE", "bogus", "DEFLATOR_WAREHOUSE: got 'bogus', expected empty, 'file'"),
        ("DEFLATOR_TIMEZONE", "Mars/Base", "expected an IANA time zone name"),
        ("DEFLATOR_CRON", "every night", "expected a cron expression of five fields"),
        ("DEFLATOR_WEBHOOK_URL", "ftp://x", "expected an http:// or https:// URL"),
        ("DEFLATOR_LOG_FORMAT", "xml", "DEFLATOR_LOG_FORMAT: got 'xml', expected one of text"),
    ],
)
def test_a_bad_value_names_the_setting_what_it_got_and_what_it_expects(name, value, expected):
    with pytest.raises(SettingsError) as raised:
        load_settings({name: value})
    message = str(raised.value)
    assert expected in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("name", "value"), [("DEFLATOR_TIMEOUT", "abc"), ("DEFLATOR_WAREHOUSE", "bogus")]
)
def test_deflator_exits_2_with_one_line_and_no_traceback(name, value, monkeypatch, capsys):
    monkeypatch.setenv(name, value)
    assert main(["sources"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"deflator: {name}: got {value!r}, expected")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_help_works_with_a_bad_setting(monkeypatch, capsys):
    monkeypatch.setenv("DEFLATOR_TIMEOUT", "abc")
    with pytest.raises(SystemExit) as raised:
        main(["--help"])
    assert raised.value.code == 0


def test_every_setting_is_one_declaration_with_a_description():
    import flows.settings

    names = setting_names()
    table = re.findall(r"^\| (DEFLATOR_[A-Z_]+) \|", flows.settings.__doc__, re.MULTILINE)
    assert len(names) == len(set(names)) >= 27  # the 27 read before pydantic-settings, at least
    assert sorted(names) == sorted(table)  # … and each is in the module's table
    assert all(field.description for field in Settings.model_fields.values())


def test_settings_are_immutable(tmp_path):
    settings = load_settings({"DEFLATOR_DATA_DIR": str(tmp_path)})
    with pytest.raises(ValueError):
        settings.cron = "* * * * *"
