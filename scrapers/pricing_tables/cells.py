"""Read the prices out of one table cell.

A cell may hold no price ("Free", "—", "Not available", "Contact sales"), one price
("$3 / MTok", "0.02元", "¥1.10", "$1.25") or several, each with its own condition:

* "$1.25, prompts <= 200k tokens $2.50, prompts > 200k tokens" (context tiers),
* "$0.30 (text / image / video) $1.00 (audio)" (modalities: only text is a token list price),
* "$0.125 … $4.50 / 1,000,000 tokens per hour (storage price)" (storage: not tracked),
* "$0.75 through December 31, 2026. $1.50 starting January 1, 2027." (dated prices),
* "Input: $3 / MTok" (the component named inside the cell).

:func:`split_cell` cuts a cell into :class:`Segment` s, one per amount, and says what each one's
words mean; it never guesses a unit or a currency — the caller passes the unit the table
states and the currency the page states, and every amount goes through
:func:`schemas.units.parse_price`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from schemas.enums import CanonicalUnit, Currency
from schemas.units import (
    NotAPrice,
    ParsedPrice,
    PriceParseError,
    UnitSpec,
    parse_price,
    parse_unit,
)
from scrapers.pricing_tables.headers import find_context_tiers, normalize

_AMOUNT = r"\d[\d,]*(?:\.\d+)?"
_MONEY = re.compile(
    rf"(?:US\$|\$|€|¥|￥|\b(?:USD|CNY|RMB|EUR)\s?)\s?{_AMOUNT}"
    rf"|{_AMOUNT}\s?(?:元|¢|(?:cents?|USD|CNY|RMB|EUR)\b)"
)
_YEN = re.compile("[¥￥]")
_YEN_CURRENCIES = frozenset({Currency.CNY})  # the currencies "¥" can stand for that deflator knows
_BARE = re.compile(rf"^\s*{_AMOUNT}\s*$")
_NO_PRICE = re.compile(
    r"^(?:free(?:\s+of\s+charge)?|limited[-\s]time\s+free|free\s+for\s+a\s+limited\s+time"
    r"|not\s+available|unavailable|not\s+supported|n/?a|none|[-–—‒―]+|\\|/"
    r"|contact\s+(?:us|sales)|custom(?:\s+pricing)?|coming\s+soon|tbd"
    r"|免费|限时免费|不支持|暂不支持|暂无)$"
)
_UNIT_AFTER = re.compile(
    r"^\s*(?:/|\bper\b|每)\s*"
    r"((?:\d{1,3}(?:,\d{3})+|(?!\s(?:through|until|till|starting|from|or|for|if)\b)[^,;()\n])*)"
)
_PARENS = re.compile(r"\(([^()]*)\)")
_MODALITY_WORDS = re.compile(r"\b(audio|image|images|video|speech)\b|音频|图片|视频")
_TEXT_WORDS = re.compile(r"\btext\b|文本")
_TIME_UNIT = re.compile(r"\b(?:hour|hr|day|week|month)s?\b")
_NON_TOKEN_WORD = re.compile(
    r"\b(images?|seconds?|sec|minutes?|min|hours?|characters?|chars?|requests?|searches|search"
    r"|quer(?:y|ies)|calls?|uses?|pages?|songs?|videos?|audio|gb|prompts?|sources?)\b"
)
_BARE_COUNT = re.compile(r"(?:[\d,.]+\s*)?[km]|million|thousand")
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_DATE = re.compile(
    rf"\b(through|until|till|to|starting|from|effective|beginning|as of)\s+(?:on\s+)?"
    rf"((?:{_MONTHS})\.?\s+\d{{1,2}},?\s+\d{{4}}|\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}})",
    re.IGNORECASE,
)
_THROUGH = frozenset({"through", "until", "till", "to"})


@dataclass(frozen=True)
class Segment:
    """One amount in a cell and what the words around it say.

    Attributes:
        text: The amount with its unit as published ("$3 / MTok", "$1.25", "0.02元").
        prefix: Text before the first amount ("Input:"), empty for later amounts.
        unit_text: The unit written right after the amount ("MTok"), or "".
        qualifier: The words after the amount and its unit (", prompts > 200k tokens").
        tiers: Context tiers the qualifier states.
        skip: Why this amount is deliberately not a token list price, or None.
        valid_from: "starting <date>": when the price takes effect.
        valid_through: "through <date>": the last day it holds.
    """

    text: str
    prefix: str = ""
    unit_text: str = ""
    qualifier: str = ""
    tiers: tuple[str, ...] = ()
    skip: str | None = None
    valid_from: date | None = None
    valid_through: date | None = None


def no_price(text: str) -> bool:
    """The cell deliberately states no price: "Free", "—", "Not available", "Contact sales"."""
    norm = normalize(text).strip(" .:;")
    if not norm or _NO_PRICE.match(norm):
        return True
    try:
        parse_price(text, currency=Currency.USD)
    except NotAPrice:
        return True
    except PriceParseError:
        return False
    return False


def has_money(text: str) -> bool:
    """The text holds an amount with a currency mark ("$3", "0.02元", "¥1.10")."""
    return bool(_MONEY.search(text))


def has_amount(text: str) -> bool:
    """The text holds an amount of money (with a currency mark), or is a bare number."""
    return bool(_MONEY.search(text) or _BARE.match(text))


def split_cell(text: str) -> list[Segment]:
    """Cut a cell into one segment per amount (none when the cell holds no amount).

    Each line of the cell is read on its own (a ``<br>`` separates prices with different
    conditions). An amount followed only by "or" shares the next amount's conditions:
    "$3.00 or $0.005/min (audio)" is one audio price written two ways.
    """
    segments: list[Segment] = []
    for line in text.split("\n"):
        segments += _split_line(" ".join(line.split()))
    return segments


def _split_line(flat: str) -> list[Segment]:
    if _BARE.match(flat):
        return [Segment(flat.strip())]
    matches = list(_MONEY.finditer(flat))
    parts = []
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(flat)
        after = flat[match.end() : end]
        unit_match = _UNIT_AFTER.match(after)
        unit_text = unit_match.group(1).strip() if unit_match else ""
        qualifier = (after[unit_match.end() :] if unit_match else after).strip()
        published = flat[match.start() : match.end() + (unit_match.end() if unit_match else 0)]
        prefix = flat[: match.start()].strip() if i == 0 else ""
        parts.append([published.strip(), prefix, unit_text, qualifier])
    for i in range(len(parts) - 2, -1, -1):
        if parts[i][3].lower() in {"or", "/", "|"}:
            parts[i][3] = parts[i + 1][3]  # "$3.00 or $0.005/min (audio)"
    return [_segment(*part) for part in parts]


def _dates(text: str) -> tuple[date | None, date | None]:
    """(valid_from, valid_through) a text states: "starting <date>", "through <date>"."""
    valid_from = valid_through = None
    for word, when in _DATE.findall(text):
        day = _parse_date(when)
        if day is None:
            continue
        if word.lower() in _THROUGH:
            valid_through = day
        else:
            valid_from = day
    return valid_from, valid_through


def label_dates(text: str) -> tuple[str, date | None, date | None]:
    """A label without its date phrases, and the dates they state (from, through).

    "Claude Sonnet 5 starting September 1, 2026" -> ("Claude Sonnet 5", 2026-09-01, None).
    A phrase whose date cannot be read stays in the label (and so in the name: no guess).
    """
    valid_from, valid_through = _dates(text)
    kept = _DATE.sub(lambda m: m.group(0) if _parse_date(m.group(2)) is None else " ", text)
    return " ".join(kept.split()), valid_from, valid_through


def _segment(published: str, prefix: str, unit_text: str, qualifier: str) -> Segment:
    valid_from, valid_through = _dates(qualifier)
    return Segment(
        text=published,
        prefix=prefix,
        unit_text=unit_text,
        qualifier=qualifier,
        tiers=tuple(find_context_tiers(qualifier)),
        skip=_skip_reason(unit_text, qualifier),
        valid_from=valid_from,
        valid_through=valid_through,
    )


def _skip_reason(unit_text: str, qualifier: str) -> str | None:
    unit = normalize(unit_text)
    words = normalize(qualifier)
    if "storage" in words or "storage" in unit or ("tok" in unit and _TIME_UNIT.search(unit)):
        return "storage price (per token-hour) not tracked"
    for group in _PARENS.findall(words):
        if _MODALITY_WORDS.search(group) and not _TEXT_WORDS.search(group):
            return f"modality not tracked: {group.strip()}"
    other = _NON_TOKEN_WORD.search(unit)
    tokens = re.search(r"tok", unit)
    if other and (tokens is None or other.start() < tokens.start()):
        return f"unit not tracked: per {other.group(1)}"
    if unit and tokens is None and not _BARE_COUNT.fullmatch(unit):
        try:
            spec = parse_unit(unit)
        except PriceParseError:
            return None  # an unknown unit: parsing reports it as a problem
        if spec.canonical is not CanonicalUnit.PER_1M_TOKENS:
            return f"unit not tracked: {spec.label}"
    return None


def read_amount(segment: Segment, unit: UnitSpec | None, currency: Currency) -> ParsedPrice:
    """The segment's amount in the canonical unit, via :func:`schemas.units.parse_price`.

    The unit written in the segment wins over ``unit`` (the table's unit); a bare count unit
    ("/1M", "/1K") counts tokens. Raises PriceParseError (NotAPrice included) when it cannot.
    """
    text = segment.text
    if _YEN.search(text) and currency not in _YEN_CURRENCIES:
        # parse_price takes the page's currency for "¥"; a "¥" on a USD page is not dollars.
        raise PriceParseError(text, f"'¥' on a page whose currency is {currency}")
    if segment.unit_text and _BARE_COUNT.fullmatch(normalize(segment.unit_text)):
        text = f"{text} tokens"
    return parse_price(text, unit=unit, currency=currency)


def _parse_date(text: str) -> date | None:
    cleaned = re.sub(r"\s+", " ", text.replace(",", "").replace(".", " ")).strip()
    for fmt in ("%B %d %Y", "%b %d %Y"):
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    numbers = re.findall(r"\d+", text)
    if len(numbers) == 3 and len(numbers[0]) == 4:
        try:
            return date(int(numbers[0]), int(numbers[1]), int(numbers[2]))
        except ValueError:
            return None
    return None
