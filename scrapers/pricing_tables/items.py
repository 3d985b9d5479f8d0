"""What an item label names: the models, the dates it is bound to, the badges around it.

A row label or item header is read for three things before a provider turns it into a sku:

* **dates**: "Claude Sonnet 5 through August 31, 2026" is the current price of Claude Sonnet 5,
  in force until that day; "Claude Sonnet 5 starting September 1, 2026" is a scheduled price
  of the same model, effective on that day. The phrase never reaches the name.
* **several models**: "Claude Opus 5 / Claude Opus 4.8" names two models; "Claude Sonnet 4.6 /
  4.5 / 4" names three, the later parts bare versions of the first part's family. Each gets the
  cell's prices. A later part that is a bare version when the first part ends in no version
  cannot be expanded from the label itself: that is a problem, never a guess.
* **badges and decorations**: "推荐" (recommended), "新品" (new), "New", "Beta", "Recommended",
  "Deprecated", "(deprecated)", footnote marks (¹ * †) are not part of a model's name.

Nothing here looks outside the label: a label that names no model names none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from scrapers.pricing_tables.cells import label_dates

_BADGE_WORDS = (
    r"推荐|新品|新|热门|热销|限时|New|NEW|Beta|BETA|Recommended|RECOMMENDED|Deprecated"
    r"|deprecated|DEPRECATED|Hot|HOT"
)
_BADGE = re.compile(rf"(?:(?<=\s)|^)(?:{_BADGE_WORDS})(?=\s|$)")
_BADGE_PARENS = re.compile(rf"[(（\[]\s*(?:{_BADGE_WORDS}|retired|legacy)\s*[)）\]]", re.I)
_NOTE_MARKS = re.compile(r"[*†‡§¹²³⁴⁵⁶⁷⁸⁹⁰]+")
_SEPARATOR = re.compile(r"\s+/\s+")
_BARE_VERSION = re.compile(r"^\d+(?:\.\d+)*$")
_TRAILING_VERSION = re.compile(r"^(.*\S)\s+\d+(?:\.\d+)*$")


@dataclass(frozen=True)
class ItemLabel:
    """A label read for what it names.

    Attributes:
        text: The label without dates, badges and footnote marks (several models kept).
        names: One name per model the label names (empty when it names none).
        valid_from: "starting <date>": the price is scheduled from that day.
        valid_through: "through <date>": the price holds until that day.
        badges: Badges taken out of the label, for people.
        problem: Why the label's models could not be told apart, or None.
    """

    text: str
    names: tuple[str, ...] = ()
    valid_from: date | None = None
    valid_through: date | None = None
    badges: tuple[str, ...] = ()
    problem: str | None = None


def read_item(label: str | None) -> ItemLabel:
    """Read a row label or item header (see the module docstring)."""
    if not label:
        return ItemLabel("")
    text, valid_from, valid_through = label_dates(label)
    text = _NOTE_MARKS.sub(" ", text)
    badges = tuple(m.group(0).strip() for m in _BADGE_PARENS.finditer(text))
    text = _BADGE_PARENS.sub(" ", text)
    badges += tuple(m.group(0) for m in _BADGE.finditer(text))
    text = _BADGE.sub(" ", text)
    text = " ".join(text.split())
    if not text:
        return ItemLabel("", (), valid_from, valid_through, badges)
    names, problem = _split_names(text)
    return ItemLabel(text, names, valid_from, valid_through, badges, problem)


def _split_names(text: str) -> tuple[tuple[str, ...], str | None]:
    parts = [p.strip() for p in _SEPARATOR.split(text) if p.strip()]
    if len(parts) <= 1:
        return (text,), None
    first = parts[0]
    family = _TRAILING_VERSION.match(first)
    names = [first]
    for part in parts[1:]:
        if _BARE_VERSION.match(part):
            if family is None:
                return (), f"'{part}' is a bare version but '{first}' names no family"
            names.append(f"{family.group(1)} {part}")
        else:
            names.append(part)
    return tuple(dict.fromkeys(names)), None
