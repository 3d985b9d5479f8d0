"""Render query results for people (a table) and for tools (CSV, JSON), keeping money exact."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal


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


def render_table(columns: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """An aligned text table; numbers right-aligned."""
    cells = [[plain(v) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    numeric = [
        all(isinstance(row[i], int | float | Decimal) or row[i] is None for row in rows)
        and bool(rows)
        for i in range(len(columns))
    ]

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
