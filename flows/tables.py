"""Render query results for people (a table) and for tools (CSV, JSON), keeping money exact."""

from __future__ import annotations

import csv
import io
import json
import math
import shutil
import sys
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

# Doubles (index values, rates, percentages) are shown to this many significant digits in a
# table: 6 keeps every digit a rate or an index is quoted with and hides float noise
# (-19.999999999999996 → -20). Money is DECIMAL and is always shown exactly.
FLOAT_DIGITS = 6
# A cut cell keeps at least this many characters (the ellipsis included).
MIN_CUT_WIDTH = 8
ELLIPSIS = "…"


def plain(value: object) -> str:
    """A value as text: Decimals without exponent or trailing zeros, NULL as empty."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def for_people(value: object) -> str:
    """A value as a table shows it: like `plain`, but a double rounded to FLOAT_DIGITS
    significant digits and written without an exponent (7.21e+03 → 7210), and a timestamp to
    the second."""
    if isinstance(value, float) and math.isfinite(value):
        return plain(Decimal(format(value, f".{FLOAT_DIGITS}g")))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    return plain(value)


def terminal_width() -> int | None:
    """Columns to fit a table into: the terminal's (or $COLUMNS) when printing to one; None
    (no limit) when piped, so files and tools get every character."""
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None


def cut(text: str, width: int) -> str:
    """The text cut to width characters, ending in an ellipsis when anything was cut."""
    return text if len(text) <= width else text[: width - 1] + ELLIPSIS


def fit_widths(widths: list[int], numeric: list[bool], limit: int | None) -> list[int]:
    """Column widths that fit the limit: the widest text column shrinks first, never below
    MIN_CUT_WIDTH; numbers are never cut. May stay wider than the limit when nothing else
    can shrink."""
    widths = list(widths)
    if limit is None:
        return widths
    while sum(widths) + 2 * (len(widths) - 1) > limit:
        shrinkable = [i for i, w in enumerate(widths) if not numeric[i] and w > MIN_CUT_WIDTH]
        if not shrinkable:
            break
        widths[max(shrinkable, key=lambda i: widths[i])] -= 1
    return widths


def render_table(
    columns: Sequence[str], rows: Sequence[Sequence[object]], width: int | None = None
) -> str:
    """An aligned text table; numbers right-aligned, doubles rounded for reading, long text
    cut with an ellipsis so the table fits `width` (default: the terminal, when printing to
    one)."""
    cells = [[for_people(v) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    numeric = [
        all(isinstance(row[i], int | float | Decimal) or row[i] is None for row in rows)
        and bool(rows)
        for i in range(len(columns))
    ]
    widths = fit_widths(widths, numeric, terminal_width() if width is None else width)
    columns = [cut(c, w) for c, w in zip(columns, widths, strict=True)]
    cells = [[cut(v, w) for v, w in zip(row, widths, strict=True)] for row in cells]

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(w) if n else v.ljust(w) for v, w, n in zip(values, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    out = [line(list(columns)), line(["-" * w for w in widths])]
    out += [line(r) for r in cells]
    return "\n".join(out)


def render_csv(columns: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([[plain(v) for v in row] for row in rows])
    return buffer.getvalue()


def render_json(columns: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A JSON array of objects. Decimals are written as JSON numbers with their exact digits."""
    records = []
    for row in rows:
        fields = []
        for name, value in zip(columns, row, strict=True):
            if isinstance(value, Decimal):
                encoded = plain(value)
            elif isinstance(value, datetime | date):
                encoded = json.dumps(value.isoformat())
            else:
                encoded = json.dumps(value, default=str)
            fields.append(f"{json.dumps(name)}: {encoded}")
        records.append("{" + ", ".join(fields) + "}")
    return "[\n" + ",\n".join(records) + "\n]\n" if records else "[]\n"


RENDERERS = {"table": render_table, "csv": render_csv, "json": render_json}
