"""Write `deflator query` results as they are fetched: a table for people, CSV and JSON for tools.

Rows arrive in chunks (``cursor.fetchmany``) and are written at once, so a result of any
size needs only one chunk of memory. Three rules on top of flows/tables.py's ``plain``:

- **Table output is safe to print on a terminal.** Scraped text can carry control characters
  (an ANSI escape ``\\x1b[2J`` clears the screen, ``\\r`` overwrites a line, U+202E reverses
  it); in a table every control and format character is written escaped (``\\x1b``,
  ``\\n``, ``\\u202e``), in values and column names alike. CSV and JSON keep the text as it
  is: CSV quotes it, JSON escapes control characters itself.
- **JSON is strict.** NaN and ±Infinity are not JSON numbers; they are written ``null``,
  at any depth (lists, structs, maps). Decimals keep every digit, as JSON numbers.
- **Table widths come from the first chunk** of rows, fitted to the terminal as
  flows/tables.py does (long text cut with an ellipsis, numbers never cut, doubles shown for
  reading); a longer value further down is cut to its column's width when a width is set,
  else widens only its own line.
"""

from __future__ import annotations

import csv
import json
import math
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TextIO

from flows.tables import cut, fit_widths, for_people, plain

_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\"}


def escape_control(text: str) -> str:
    """``text`` with control and format characters written as escapes (backslash doubled, so
    the escapes cannot be confused with text that looks like one)."""
    if text.isprintable() and "\\" not in text:
        return text
    out = []
    for char in text:
        if char in _SHORT:
            out.append(_SHORT[char])
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


class TableWriter:
    """An aligned text table, numbers right-aligned, every cell escaped, fitted to ``width``
    (None: no limit)."""

    def __init__(self, out: TextIO, columns: Sequence[str], width: int | None = None) -> None:
        self.out = out
        self.columns = [escape_control(c) for c in columns]
        self.limit = width
        self.widths: list[int] | None = None
        self.numeric: list[bool] = []

    def _line(self, values: Sequence[str]) -> str:
        assert self.widths is not None
        if self.limit is not None:
            values = [cut(v, w) for v, w in zip(values, self.widths, strict=True)]
        parts = [
            v.rjust(w) if n else v.ljust(w)
            for v, w, n in zip(values, self.widths, self.numeric, strict=True)
        ]
        return "  ".join(parts).rstrip() + "\n"

    @staticmethod
    def _cells(rows: Sequence[Sequence[object]]) -> list[list[str]]:
        return [[escape_control(for_people(v)) for v in row] for row in rows]

    def _start(self, rows: Sequence[Sequence[object]]) -> None:
        cells = self._cells(rows)
        widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(self.columns)]
        self.numeric = [
            bool(rows) and all(_is_number(row[i]) or row[i] is None for row in rows)
            for i in range(len(self.columns))
        ]
        self.widths = fit_widths(widths, self.numeric, self.limit)
        self.out.write(self._line(self.columns))
        self.out.write(self._line(["-" * w for w in self.widths]))
        self.out.write("".join(self._line(r) for r in cells))

    def write(self, rows: Sequence[Sequence[object]]) -> None:
        if self.widths is None:
            self._start(rows)
            return
        self.out.write("".join(self._line(r) for r in self._cells(rows)))

    def close(self) -> None:
        if self.widths is None:
            self._start([])


class CsvWriter:
    """RFC 4180 CSV with a header line; values as ``plain`` writes them."""

    def __init__(self, out: TextIO, columns: Sequence[str]) -> None:
        self.writer = csv.writer(out, lineterminator="\n")
        self.writer.writerow(columns)

    def write(self, rows: Sequence[Sequence[object]]) -> None:
        self.writer.writerows([[plain(v) for v in row] for row in rows])

    def close(self) -> None:
        pass


def json_value(value: object) -> str:
    """One value as strict JSON text (RFC 8259): non-finite floats as ``null``, Decimals as
    numbers with their exact digits, dates and times as ISO strings, nested values in kind."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, float):
        return json.dumps(value) if math.isfinite(value) else "null"
    if isinstance(value, Decimal):
        return plain(value) if value.is_finite() else "null"
    if isinstance(value, int | str):
        return json.dumps(value)
    if isinstance(value, datetime | date | time):
        return json.dumps(value.isoformat())
    if isinstance(value, timedelta):
        return json.dumps(str(value))
    if isinstance(value, dict):
        items = (f"{json.dumps(str(k))}: {json_value(v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(json_value(v) for v in value) + "]"
    if isinstance(value, bytes | bytearray):
        return json.dumps(value.decode("latin-1"))
    return json.dumps(str(value))


class JsonWriter:
    """A JSON array of objects, one per line, written as the rows come."""

    def __init__(self, out: TextIO, columns: Sequence[str]) -> None:
        self.out = out
        self.keys = [json.dumps(c) + ": " for c in columns]
        self.first = True

    def write(self, rows: Sequence[Sequence[object]]) -> None:
        parts = []
        for row in rows:
            fields = ", ".join(k + json_value(v) for k, v in zip(self.keys, row, strict=True))
            parts.append(("[\n{" if self.first else ",\n{") + fields + "}")
            self.first = False
        self.out.write("".join(parts))

    def close(self) -> None:
        self.out.write("[]\n" if self.first else "\n]\n")


def write_explain(out: TextIO, chunks: Iterable[Sequence[Sequence[object]]]) -> None:
    """EXPLAIN's plan as DuckDB draws it: its lines as lines, each line escaped."""
    for rows in chunks:
        for key, value in rows:
            out.write(f"{escape_control(plain(key))}\n")
            for line in plain(value).split("\n"):
                out.write(escape_control(line) + "\n")


WRITERS = {"table": TableWriter, "csv": CsvWriter, "json": JsonWriter}


def write_result(
    out: TextIO,
    fmt: str,
    columns: Sequence[str],
    chunks: Iterable[Sequence[Sequence[object]]],
    width: int | None = None,
) -> int:
    """Write ``chunks`` of rows under ``columns`` in ``fmt`` (a table fitted to ``width``);
    returns the number of rows."""
    writer = TableWriter(out, columns, width) if fmt == "table" else WRITERS[fmt](out, columns)
    count = 0
    for rows in chunks:
        writer.write(rows)
        count += len(rows)
    writer.close()
    return count
