"""What a header, a row label or a line of text says: component, unit, tier, mode.

Pricing tables name what they charge for in words, not in CSS classes: "Input", "Cached
input", "5m Cache Writes", "Cache Hits & Refreshes", "Batch output", "输入价格（缓存未命中）".
They state a unit in a header ("Paid Tier, per 1M tokens in USD", "Input Tokens ($/1M)"), a
unit column ("计费单位: 1M tokens"), a caption or a sentence before the table ("Prices per 1M
tokens."). They state a tier in a header ("≤ 200K input tokens"), a qualifier inside a cell
("$2.50, prompts > 200k tokens") or a label before the table ("Batch", "Flex", "Priority",
"off-peak"). This module turns such text into meaning; it never reads a price.

Tier parts use the project's vocabulary (README, Table reference): ``prompt<=200k`` /
``prompt>200k`` for context-length tiers (thresholds in thousands of tokens when whole),
``cache-1h`` for 1-hour cache writes (5-minute writes are the default, ``standard``, as in the
OpenRouter source), ``batch``, ``flex``, ``priority``, ``off-peak``, ``fast`` (Anthropic's fast
mode), ``data-residency`` and ``regional`` (uplifts for where inference runs). A pricing mode
is always a tier: it never replaces the standard list price.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from schemas.enums import Component
from schemas.units import PriceParseError, UnitSpec, parse_unit

BATCH = "batch"
FLEX = "flex"
PRIORITY = "priority"
OFF_PEAK = "off-peak"
FAST = "fast"
DATA_RESIDENCY = "data-residency"
REGIONAL = "regional"
STANDARD = "standard"


@dataclass(frozen=True)
class UnitFound:
    """A unit stated in text: a token unit (``spec``) or another unit (``spec`` None).

    Attributes:
        spec: The token unit, or None when the text states a unit deflator does not track for
            token prices (per image, per second, per request…).
        text: The unit as written.
    """

    spec: UnitSpec | None
    text: str


@dataclass(frozen=True)
class Meaning:
    """What a header cell, a row label or a cell prefix says.

    Attributes:
        components: What the column or row is charged for (two for "input and output";
            empty when it names no tracked component).
        tier: Tier parts it states (``cache-1h``, ``prompt>200k``…).
        mode: A pricing mode it states (``batch``, ``flex``, ``priority``, ``off-peak``,
            ``standard``), or None.
        unit: The unit it states, if any.
        free_tier: It heads a free-tier column (no list price there).
        unit_column: It heads a column that holds each row's unit ("计费单位", "Unit").
        excluded: Why it names no tracked component although it looks like one (storage,
            training, a token count, another modality…), or None.
    """

    components: tuple[Component, ...] = ()
    tier: frozenset[str] = frozenset()
    mode: str | None = None
    unit: UnitFound | None = None
    free_tier: bool = False
    unit_column: bool = False
    excluded: str | None = None


Aliases = Mapping[str, Sequence[Component]]

_FULLWIDTH = str.maketrans({"（": "(", "）": ")", "：": ":", "，": ",", "／": "/", "＄": "$"})
_FOOTNOTES = re.compile(r"[*†‡§¹²³⁴⁵⁶⁷⁸⁹⁰]+|\[\d+\]|\\")
_PARENS = re.compile(r"\(([^()]*)\)")

# Checked on the whole text: these name something other than a list price per token.
_EXCLUDE = [
    (re.compile(r"storage|存储"), "storage price"),
    (re.compile(r"training|tuning|fine-?tun|训练"), "training or tuning price"),
    (re.compile(r"citation|search|grounding|request|quer(?:y|ies)|\bcalls?\b"), "not a token"),
    (re.compile(r"additional|\bcount\b|per tool|definition"), "a token count, not a price"),
    (
        re.compile(
            r"context (?:window|length)|上下文|max(?:imum)? output|rate limit|resolution"
            r"|\bjson\b|\blength\b|长度|\bfeatures?\b|功能|modalit(?:y|ies)|模态"
        ),
        "not a price",
    ),
]
# Checked on the head only (not on parenthesised qualifiers): another modality's tokens.
_MODALITY = re.compile(r"\b(audio|image|images|video|speech|vision|embedding image)\b")

_CACHE_WRITE = re.compile(
    r"cach(?:e[ds]?|ing)\s*(?:input\s*)?(?:writes?|creation)|写入缓存|缓存写入|缓存创建"
)
_CACHE_MISS = re.compile(r"cache\s*miss|未命中")
_CACHE_READ = re.compile(
    r"cached\s*(?:input|prompt|tokens?)?|cache\s*(?:hits?|reads?)|(?:context|prompt)\s*caching"
    r"|缓存命中|命中缓存|缓存读取|读取缓存"
)
_BATCH_WORD = re.compile(r"\bbatch\b|批量")
_BOTH = re.compile(r"\binput\b.*?(?:\band\b|/|\bor\b).*?\boutput\b")
_INPUT = re.compile(r"\b(?:input|prompt)s?\b|输入")
_OUTPUT = re.compile(r"\b(?:output|completion)s?\b|输出")
_DURATION_HOURS = re.compile(r"\b(\d+)\s*(?:h|hr|hrs|hours?)\b")
_DURATION_MINUTES = re.compile(r"\b(\d+)\s*(?:m|min|mins|minutes?)\b")

_FREE_TIER = re.compile(r"\bfree\s*tier\b|免费(?:层|版)")
_UNIT_COLUMN = {"unit", "units", "billing unit", "pricing unit", "计费单位", "单位", "计价单位"}

_NON_TOKEN_UNIT = re.compile(
    r"(?:\bper\b|/|每)\s*(?:[\d,.]+\s*[km]?\s*)?(?:\w+\s+)?"
    r"(images?|seconds?|sec|minutes?|min|hours?|characters?|chars?|requests?|searches|search"
    r"|quer(?:y|ies)|calls?|uses?|pages?|songs?|videos?|gb)\b"
)
_TOKEN_UNITS = [
    re.compile(
        r"(?:\bper\b|/|每)\s*((?:[\d,.]+\s*)?(?:k|m|mil|million|thousand)?\s*"
        r"(?:input\s+|output\s+|prompt\s+)?tok(?:en)?s?)(?![a-z])"
    ),
    re.compile(r"\b(mtoks?|ktoks?)\b"),
    re.compile(r"\$\s*/\s*(1?\s*[mk])\b"),
    re.compile(
        r"\b((?:1\s*m|1m|one million|million|1,000,000|1\s*k|1k|1,000|thousand)\s*"
        r"(?:input\s+|output\s+|prompt\s+)?tokens?)(?![a-z])"
    ),
    re.compile(r"(?:\bper\b|/)\s*(1\s*m|1\s*k|million|thousand)\b"),
]

_UNIT_WORDS = re.compile(r"\b(?:input|output|prompt)\b")

_CONTEXT = re.compile(
    r"(≤|<=|=<|⩽|≥|>=|⩾|<|>|\bup to\b|\bunder\b|\bover\b|\babove\b|\bmore than\b|\bless than\b)"
    r"\s*(\d[\d,]*(?:\.\d+)?)\s*(k|m|thousand|million)?\b\s*"
    r"((?:input\s+|prompt\s+|context\s+)?tokens?)?"
)
_OPS = {
    "≤": "<=", "<=": "<=", "=<": "<=", "⩽": "<=", "up to": "<=",
    "<": "<", "under": "<", "less than": "<",
    ">": ">", "over": ">", "above": ">", "more than": ">",
    "≥": ">=", ">=": ">=", "⩾": ">=",
}  # fmt: skip
_MULTIPLIERS = {"k": 1_000, "thousand": 1_000, "m": 1_000_000, "million": 1_000_000}

_MODES = [
    (
        re.compile(r"off[\s-]?peak|discount(?:ed)?\s+(?:price|hours|period)|夜间|优惠时段|错峰"),
        OFF_PEAK,
    ),
    (re.compile(r"\bbatch\b|批量"), BATCH),
    (re.compile(r"\bfast\s*mode\b|\bfast\s+tier\b"), FAST),
    (re.compile(r"data[\s-]residency|\bus[\s-]only\b|inference[_\s]geo"), DATA_RESIDENCY),
    (re.compile(r"\bregional\s+(?:endpoints?|pricing|uplift)"), REGIONAL),
    (re.compile(r"\bflex\b"), FLEX),
    (re.compile(r"\bpriority\b"), PRIORITY),
    (re.compile(r"\bstandard\b|标准"), STANDARD),
]


def normalize(text: str) -> str:
    """Lower case, full-width punctuation folded, footnote marks and escapes dropped."""
    folded = _FOOTNOTES.sub("", text.translate(_FULLWIDTH)).replace("&", " and ")
    return " ".join(folded.lower().split())


def read_label(text: str, aliases: Aliases | None = None) -> Meaning:
    """What a header cell, row label or cell prefix says (component, unit, tier)."""
    norm = normalize(text)
    if not norm:
        return Meaning()
    unit = find_unit(norm)
    tier = set(find_context_tiers(norm))
    mode = find_mode(norm) if is_label_like(norm) else None
    head = " ".join(_PARENS.sub(" ", norm).split())
    key = " ".join(re.sub(r"[^\w\s]", " ", _strip_units(head)).split())
    if aliases and key in aliases:
        return Meaning(tuple(aliases[key]), frozenset(tier), mode, unit)
    if _FREE_TIER.search(norm):
        return Meaning(free_tier=True, unit=unit)
    if key in _UNIT_COLUMN:
        return Meaning(unit_column=True)
    for pattern, reason in _EXCLUDE:
        if pattern.search(norm):
            return Meaning(tier=frozenset(tier), mode=mode, unit=unit, excluded=reason)
    if _MODALITY.search(head):
        return Meaning(tier=frozenset(tier), mode=mode, unit=unit, excluded="another modality")
    components = _components(_strip_units(_CONTEXT.sub(" ", norm)))
    if Component.CACHE_WRITE in components:
        tier |= _cache_duration(norm)
    return Meaning(components, frozenset(tier), mode, unit)


def _components(text: str) -> tuple[Component, ...]:
    """Components named by a label whose unit and context-tier phrases are already removed."""
    if _CACHE_WRITE.search(text):
        return (Component.CACHE_WRITE,)
    if _CACHE_MISS.search(text):
        return (Component.INPUT,)
    if _CACHE_READ.search(text):
        return (Component.CACHED_INPUT,)
    batch = bool(_BATCH_WORD.search(text))
    if _BOTH.search(text):
        if batch:
            return (Component.BATCH_INPUT, Component.BATCH_OUTPUT)
        return (Component.INPUT, Component.OUTPUT)
    if _INPUT.search(text):
        return (Component.BATCH_INPUT,) if batch else (Component.INPUT,)
    if _OUTPUT.search(text):
        return (Component.BATCH_OUTPUT,) if batch else (Component.OUTPUT,)
    return ()


def _cache_duration(norm: str) -> set[str]:
    hours = _DURATION_HOURS.search(norm)
    if hours:
        return {f"cache-{int(hours.group(1))}h"}
    minutes = _DURATION_MINUTES.search(norm)
    if minutes and int(minutes.group(1)) != 5:  # 5 minutes is the default cache write
        return {f"cache-{int(minutes.group(1))}m"}
    return set()


def _strip_units(head: str) -> str:
    text = _NON_TOKEN_UNIT.sub(" ", head)
    for pattern in _TOKEN_UNITS:  # keep the component words a unit phrase may hold
        text = pattern.sub(lambda m: " " + " ".join(_UNIT_WORDS.findall(m.group(0))) + " ", text)
    text = re.sub(r"\b(?:in\s+)?(?:usd|cny|eur|rmb)\b|\$|¥|元", " ", text)
    return " ".join(text.split())


def find_unit(text: str) -> UnitFound | None:
    """The unit a text states: a token unit, another unit (spec None), or None if none."""
    norm = normalize(text).replace("百万", " 1m ").replace("千", " 1k ")
    other = _NON_TOKEN_UNIT.search(norm)
    for pattern in _TOKEN_UNITS:
        match = pattern.search(norm)
        if match is None:
            continue
        if other and other.start() < match.start():
            break
        phrase = match.group(1).strip()
        if re.fullmatch(r"(?:[\d,.]+\s*)?[km]|million|thousand", phrase):
            phrase += " tokens"
        try:
            return UnitFound(parse_unit(phrase), match.group(0).strip())
        except PriceParseError:
            continue
    if other:
        return UnitFound(None, other.group(0).strip())
    return None


def find_context_tiers(text: str) -> list[str]:
    """Context-length tiers a text states: "prompts <= 200k tokens" -> ``prompt<=200k``."""
    tiers = []
    for match in _CONTEXT.finditer(normalize(text)):
        op, number, mult, tokens = match.groups()
        if not mult and not tokens:
            continue  # "> 5" of something else, not a token threshold
        try:
            count = Decimal(number.replace(",", "")) * _MULTIPLIERS.get(mult or "", 1)
        except InvalidOperation:
            continue
        if count <= 0 or count != count.to_integral_value():
            continue
        amount = int(count)
        size = f"{amount // 1000}k" if amount % 1000 == 0 else str(amount)
        tiers.append(f"prompt{_OPS[op]}{size}")
    return tiers


def find_mode(text: str) -> str | None:
    """The pricing mode a short label states (Batch, Flex, Priority, off-peak, Standard)."""
    norm = normalize(text)
    found = [(m.start(), mode) for pattern, mode in _MODES for m in [pattern.search(norm)] if m]
    return min(found)[1] if found else None


def is_label_like(text: str) -> bool:
    """Short enough to be a label (a tab name, a heading) rather than a sentence."""
    return len(text) <= 60 and len(text.split()) <= 8
