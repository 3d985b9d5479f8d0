"""Prices stated in sentences rather than tables.

Some pages (Cohere's pricing FAQ) state list prices in prose: "Command R+ 08-2024 pricing is
$2.50/1M tokens for input and $10.00/1M tokens for output". :func:`sentence_prices` finds
each amount that is followed by "for input" / "for output" (or "input" / "output" right after
its unit) and says which component it is for; the words before the first amount name what is
priced. The same unit and currency rules as for tables apply: every amount goes through
:func:`schemas.units.parse_price`, a unit must be stated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from schemas.enums import Component
from scrapers.pricing_tables.cells import split_cell
from scrapers.pricing_tables.headers import read_label

_FOR = re.compile(r"^\s*(?:for\s+)?(?:the\s+)?(input|output|prompt|completion)\b", re.IGNORECASE)
_SUBJECT_END = re.compile(
    r"\s+(?:pricing\s+is|is\s+priced\s+at|are\s+priced\s+at|(?:on\s+the\s+api\s+)?are\s+charged"
    r"\s+at|is\s+charged\s+at|costs?|is)\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class SentencePrice:
    """One amount stated in a sentence.

    Attributes:
        subject: What the sentence prices ("Command R+ 08-2024").
        component: The component the amount is for.
        text: The amount with its unit as published ("$2.50/1M tokens").
        unit_text: The unit as published ("1M tokens").
        sentence: The whole sentence, for the problem report.
    """

    subject: str
    component: Component
    text: str
    unit_text: str
    sentence: str


def sentence_prices(text: str) -> list[SentencePrice]:
    """Every "<subject> … $X/<unit> for input and $Y/<unit> for output" in a text."""
    found = []
    for raw in text.splitlines():
        sentence = " ".join(raw.replace("*", " ").split())
        segments = split_cell(sentence)
        if not segments:
            continue
        subject = _SUBJECT_END.sub("", segments[0].prefix).strip(" :-–—")
        for segment in segments:
            match = _FOR.match(segment.qualifier)
            if not match or not segment.unit_text:
                continue
            components = read_label(match.group(1)).components
            for component in components:
                found.append(
                    SentencePrice(subject, component, segment.text, segment.unit_text, sentence)
                )
    return found
