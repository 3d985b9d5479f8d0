"""Structured logs: text for people, JSON lines with run id and source for machines."""

from __future__ import annotations

import json
import logging

import pytest

from flows import logs
from flows.cli import main

CORE = ["time", "level", "run_id", "source", "event", "message"]


def prefect_console_handlers() -> list[logging.Handler]:
    return [h for h in logging.getLogger().handlers if type(h).__name__ == "PrefectConsoleHandler"]


@pytest.fixture(autouse=True)
def restore_logger():
    """Leave the 'deflator' logger and Prefect's console handler as a test found them."""
    saved = list(logs.log.handlers)
    formatters = [(h, h.formatter) for h in prefect_console_handlers()]
    yield
    logs.log.handlers[:] = saved
    for handler, formatter in formatters:
        handler.setFormatter(formatter)


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_json_lines_carry_run_id_source_event_and_fields(capsys):
    logs.configure("json")
    with logs.run_context("20261128T020000Z-abc123"):
        logs.event(
            "fetched", "fetched %s %d page(s)", "openrouter", 1, source="openrouter", pages=1
        )
    logs.event("prefect_starting", "starting", level=logging.WARNING)
    first, second = json_lines(capsys.readouterr().err)
    assert list(first)[:6] == CORE
    assert first["run_id"] == "20261128T020000Z-abc123"
    assert first["source"] == "openrouter"
    assert first["event"] == "fetched"
    assert first["message"] == "fetched openrouter 1 page(s)"
    assert first["pages"] == 1 and first["level"] == "info"
    assert first["time"].endswith("Z") and first["time"][10] == "T"
    assert second["run_id"] is None and second["level"] == "warning"


def test_text_lines_are_for_people(capsys):
    logs.configure("text")
    with logs.run_context("r1"):
        logs.event("fetched", "fetched %s", "litellm", source="litellm")
    line = capsys.readouterr().err.strip()
    assert line.endswith(" fetched litellm")
    assert line[2] == ":" and line[5] == ":"  # HH:MM:SS first
    assert "{" not in line


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unknown log format 'xml'"):
        logs.configure("xml")


def test_the_command_line_chooses_the_format(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("DEFLATOR_LOG_FORMAT", raising=False)
    assert main(["--log-format", "json", "--db", str(tmp_path / "w.duckdb"), "sources"]) == 0
    assert logs.configured_format() == "json"
    monkeypatch.setenv("DEFLATOR_LOG_FORMAT", "json")
    assert main(["--db", str(tmp_path / "w.duckdb"), "sources"]) == 0
    assert logs.configured_format() == "json"
    assert main(["--log-format", "text", "--db", str(tmp_path / "w.duckdb"), "sources"]) == 0
    assert logs.configured_format() == "text"  # the option beats the environment
    monkeypatch.setenv("DEFLATOR_LOG_FORMAT", "xml")
    capsys.readouterr()
    assert main(["--db", str(tmp_path / "w.duckdb"), "sources"]) == 2
    assert "DEFLATOR_LOG_FORMAT: got 'xml', expected one of text, json" in capsys.readouterr().err


def test_a_flow_keeps_the_format_the_command_line_chose(monkeypatch):
    logs.configure("json")
    monkeypatch.setenv("DEFLATOR_LOG_FORMAT", "text")
    logs.ensure_configured("text")  # what a flow does with its own settings
    assert logs.configured_format() == "json"
    logs.log.handlers[:] = [h for h in logs.log.handlers if not getattr(h, "_deflator", False)]
    logs.ensure_configured("json")  # a flow run by a worker: nobody configured it
    assert logs.configured_format() == "json"


@pytest.mark.flow
def test_nightly_progress_lines_are_json_with_run_id_and_source(
    tmp_path, shared_data, monkeypatch, capsys
):
    from flows.nightly import nightly

    monkeypatch.setenv("DEFLATOR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DEFLATOR_SHARED_DATA", str(shared_data))
    monkeypatch.delenv("DEFLATOR_DB", raising=False)
    monkeypatch.delenv("DEFLATOR_ARCHIVE", raising=False)
    logs.configure("json")
    report = nightly(offline=True, source_names=["aws_ec2", "fireworks_pricing"])
    captured = capsys.readouterr()
    ours = [line for line in json_lines(captured.err) if line.get("run_id") == report.run_id]
    events = [line["event"] for line in ours]
    assert events[0] == "run_started" and events[-1] == "run_finished"
    assert "indices" in events
    fetched = next(line for line in ours if line["event"] == "fetched")
    assert fetched["source"] == "aws_ec2"  # logged inside the fetch task's thread
    assert fetched["pages"] == 1 and fetched["bytes"] > 0
    finished = ours[-1]
    assert finished["status"] == "ok" and finished["observations_new"] == 48
    assert all(list(line)[:6] == CORE for line in ours)
    assert f"deflator run {report.run_id}" in captured.out  # the summary stays on stdout
    consoles = prefect_console_handlers()  # Prefect's own lines are JSON lines too
    assert consoles and all(isinstance(h.formatter, logs.JsonFormatter) for h in consoles)
