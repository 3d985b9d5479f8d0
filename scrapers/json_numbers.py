"""Read JSON price listings exactly: numbers become Decimals that remember their text.

``json.loads`` turns 1.25e-05 into a binary float; a price must stay exact and the observation
must carry the number as the source wrote it. :func:`loads_exact` decodes every non-integer
number as a :class:`JsonNumber` (a ``Decimal``), and :func:`published_text` gives back the
text as written ("1.25e-05", not "0.0000125").
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any


class JsonNumber(Decimal):
    """A JSON number read exactly, remembering its text as written ("1.25e-05")."""

    __slots__ = ("text",)

    text: str

    def __new__(cls, text: str) -> JsonNumber:
        number = super().__new__(cls, text)
        number.text = text
        return number


BOM = "\ufeff"


def loads_exact(text: str) -> Any:
    """``json.loads`` with non-integer numbers decoded as :class:`JsonNumber` (never floats).

    A UTF-8 byte-order mark at the start of the body is accepted and dropped: RFC 8259
    (section 8.1) lets a parser ignore it, some servers and editors write one, and
    ``json.loads`` refuses a ``str`` that starts with it ("Unexpected UTF-8 BOM"), which
    failed the whole source.

    Raises ``json.JSONDecodeError`` like ``json.loads``.
    """
    return json.loads(text.removeprefix(BOM), parse_float=JsonNumber)


def published_text(value: object) -> str:
    """The value as the source published it: a JsonNumber's own text, else ``str(value)``."""
    return value.text if isinstance(value, JsonNumber) else str(value)
