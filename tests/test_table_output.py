"""Tables for people: doubles without float noise, money exact, and a width that fits the
terminal (long text cut with an ellipsis, numbers never cut); `sources --format`."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from decimal import Decimal

from flows.cli import main
from flows.tables import render_csv, render_table
from scrapers.registry import all_sources


def test_doubles_are_rounded_for_reading_and_money_stays_exact():
    table = render_table(
        ["percent", "rate", "tiny", "price"],
        [[-19.999999999999996, 7210.4321, 1e-7, Decimal("0.000000150000")]],
        width=None,
    )
    last = table.splitlines()[-1].split()
    assert last == ["-20", "7210.43", "0.0000001", "0.00000015"]
    # tools keep every digit
    assert render_csv(["percent"], [[-19.999999999999996]]).splitlines()[1] == "-19.999999999999996"


def test_a_wide_table_fits_the_width_text_cut_numbers_whole():
    rows = [["vast_offers", "https://example.test/" * 10, 1234567, datetime(2026, 12, 6, 2, 0)]]
    table = render_table(["source", "urls", "rows", "last run"], rows, width=80)
    lines = table.splitlines()
    assert all(len(line) <= 80 for line in lines), table
    assert "…" in lines[2] and "1234567" in lines[2] and "2026-12-06 02:00:00" in lines[2]


def test_sources_table_fits_the_terminal_and_json_keeps_every_url(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DEFLATOR_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DEFLATOR_DB", raising=False)
    monkeypatch.setattr("flows.tables.terminal_width", lambda: 100)  # as on a 100-column tty
    assert main(["sources"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert max(len(line) for line in lines) <= 100
    vast = next(line for line in lines if line.startswith("vast_offers"))
    assert "never run" in vast

    assert main(["sources", "--format", "json"]) == 0
    records = {r["source"]: r for r in json.loads(capsys.readouterr().out)}
    assert records["vast_offers"]["url(s)"].split() == list(all_sources()["vast_offers"].urls)
    assert len(records) == len(all_sources())

    assert main(["sources", "--format", "csv"]) == 0
    parsed = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["source"] for r in parsed] == list(records)
