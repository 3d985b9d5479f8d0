"""Parse published prices ("$2.50 / 1M tokens", "$0.03/1K", "¥8", "12.5¢/kWh") into canonical units.

Every price deflator stores is in one canonical unit per component (USD or CNY per 1M tokens,
per hour, per kWh, per GB-month, per GB). Publishers use many others. This module turns the
published amount and unit into the canonical amount, exactly (``Decimal``, no floats), and
refuses what it cannot read: an unknown unit, an ambiguous currency sign, a non-number. It never
guesses and never converts currencies.

The two entry points:

* :func:`parse_price` for text read off a page, where amount, currency and unit share a string.
* :func:`normalize` for API fields, where the source knows the unit (e.g. OpenRouter's
  ``pricing.prompt`` is USD per single token) and hands over the number and a :class:`UnitSpec`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import (
    Decimal,
    DecimalException,
    InvalidOperation,
    Overflow,
    Underflow,
    localcontext,
)

from schemas.enums import CanonicalUnit, Currency


class PriceParseError(ValueError):
    """The text or value is not a price deflator can read; the message says why."""

    def __init__(self, text: object, reason: str) -> None:
        self.text = str(text)
        self.reason = reason
        super().__init__(f"cannot parse price {self.text!r}: {reason}")


class NotAPrice(PriceParseError):
    """The text deliberately states no price ("Free", "—", "Contact sales", "N/A")."""


@dataclass(frozen=True)
class UnitSpec:
    """A published unit: ``per`` units of ``canonical`` base, e.g. per 1,000 tokens.

    Attributes:
        canonical: The canonical unit this published unit converts to.
        per: How many base units the published price covers (1,000 for "per 1K tokens";
            1 for "per hour"). For units smaller than the canonical base (per minute of an
            hour) ``per`` is the fraction (1/60).
        label: The unit as a reader would write it, kept beside the value for provenance.
    """

    canonical: CanonicalUnit
    per: Decimal
    label: str

    def factor(self) -> Decimal:
        """Multiplier from the published amount to the canonical amount."""
        base = Decimal(1_000_000) if self.canonical is CanonicalUnit.PER_1M_TOKENS else Decimal(1)
        value = base / self.per
        # A sub-unit's ``per`` is a rounded fraction (1/60 kept to 28 digits), so its reciprocal
        # lands a hair off the whole number it stands for (59.99...99 for 60): snap it back.
        nearest = value.to_integral_value()
        if nearest and abs(value - nearest) <= nearest.scaleb(-20):
            return nearest
        return value


# Units sources use for API fields; pages go through _UNIT_PATTERNS below.
PER_TOKEN = UnitSpec(CanonicalUnit.PER_1M_TOKENS, Decimal(1), "per token")
PER_1K_TOKENS = UnitSpec(CanonicalUnit.PER_1M_TOKENS, Decimal(1_000), "per 1K tokens")
PER_1M_TOKENS = UnitSpec(CanonicalUnit.PER_1M_TOKENS, Decimal(1_000_000), "per 1M tokens")
PER_HOUR = UnitSpec(CanonicalUnit.PER_HOUR, Decimal(1), "per hour")
PER_KWH = UnitSpec(CanonicalUnit.PER_KWH, Decimal(1), "per kWh")
PER_GB_MONTH = UnitSpec(CanonicalUnit.PER_GB_MONTH, Decimal(1), "per GB-month")
PER_GB = UnitSpec(CanonicalUnit.PER_GB, Decimal(1), "per GB")

_TOKEN_WORD = r"(?:input\s+|output\s+|prompt\s+|completion\s+)?tok(?:en)?s?"
_MULTIPLIERS = {
    "": Decimal(1),
    "k": Decimal(1_000),
    "thousand": Decimal(1_000),
    "m": Decimal(1_000_000),
    "mil": Decimal(1_000_000),
    "million": Decimal(1_000_000),
}

# (pattern over the normalized unit text, builder). Tried in order; the first full match wins.
_UNIT_PATTERNS: list[tuple[re.Pattern[str], object]] = [
    # "MTok", "1M tokens", "million tokens", "1K tokens", "1,000 tokens", "token"
    (
        re.compile(
            r"(?P<count>[\d,]+(?:\.\d+)?)?\s*(?P<mult>k|m|mil|thousand|million)?\s*" + _TOKEN_WORD
        ),
        "tokens",
    ),
    (re.compile(r"mtok(?:en)?s?"), PER_1M_TOKENS),
    (re.compile(r"ktok(?:en)?s?"), PER_1K_TOKENS),
    (re.compile(r"(?:gpu[\s-]*)?(?:hour|hr|h)(?:\s*per\s*gpu|/gpu)?"), PER_HOUR),
    (re.compile(r"gpu\s*/\s*(?:hour|hr|h)"), PER_HOUR),
    (re.compile(r"(?:instance[\s-]*)?(?:hour|hr|h)"), PER_HOUR),
    (
        re.compile(r"(?:minute|min)"),
        UnitSpec(CanonicalUnit.PER_HOUR, Decimal(1) / 60, "per minute"),
    ),
    (
        re.compile(r"(?:second|sec|s)"),
        UnitSpec(CanonicalUnit.PER_HOUR, Decimal(1) / 3600, "per second"),
    ),
    (re.compile(r"kwh|kilowatt[\s-]*hours?"), PER_KWH),
    (
        re.compile(r"mwh|megawatt[\s-]*hours?"),
        UnitSpec(CanonicalUnit.PER_KWH, Decimal(1000), "per MWh"),
    ),
    (re.compile(r"gb[\s-]*(?:/|per)?\s*(?:month|mo)|gb[\s-]*months?"), PER_GB_MONTH),
    (re.compile(r"gb(?:\s+(?:transferred|egress|out|data\s+transfer))?"), PER_GB),
]

_BARE_COUNT = re.compile(r"[\d,]*(?:\.\d+)?\s*(?:k|m|mil|thousand|million)")

_NO_PRICE = re.compile(
    r"^(?:free|free\s+tier|n/?a|none|not\s+available|unavailable|contact\s+(?:us|sales)|"
    r"custom(?:\s+pricing)?|coming\s+soon|tbd|[-–—‒―]+)$",
    re.IGNORECASE,
)

_CURRENCY_WORDS = {
    "usd": Currency.USD,
    "us$": Currency.USD,
    "$": Currency.USD,
    "cny": Currency.CNY,
    "rmb": Currency.CNY,
    "元": Currency.CNY,
    "eur": Currency.EUR,
    "€": Currency.EUR,
}

_CENTS = {"¢", "cent", "cents"}

_MONEY = re.compile(
    r"""^\s*
    (?P<pre>US\$|USD|CNY|RMB|EUR|\$|€|¥|￥)?\s*
    (?P<num>[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*
    (?P<post>¢|cents?|USD|CNY|RMB|EUR|元)?
    \s*(?P<rest>.*)$""",
    re.VERBOSE | re.IGNORECASE,
)


@dataclass(frozen=True)
class ParsedPrice:
    """A published price turned canonical, with what was published kept beside it."""

    amount: Decimal
    currency: Currency
    unit: CanonicalUnit
    published_amount: Decimal
    published_unit: str


def parse_amount(value: object) -> Decimal:
    """Read a plain number (API field or table cell) as an exact Decimal.

    Floats are read through ``repr`` so 2.5e-06 stays 0.0000025 rather than its binary
    neighbour. Booleans, NaN and infinities are refused.
    """
    if isinstance(value, bool) or value is None:
        raise PriceParseError(value, "not a number")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip().replace(",", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise PriceParseError(value, "not a number") from None
    else:
        raise PriceParseError(value, f"unsupported type {type(value).__name__}")
    if not number.is_finite():
        raise PriceParseError(value, "not a finite number")
    return number


def parse_unit(text: str) -> UnitSpec:
    """Read a published unit such as "per 1M tokens", "/ MTok", "/1K", "per GPU-hour", "/GB-mo"."""
    norm = _normalize_unit_text(text)
    if not norm:
        raise PriceParseError(text, "no unit stated")
    for pattern, spec in _UNIT_PATTERNS:
        match = pattern.fullmatch(norm)
        if match is None:
            continue
        if spec == "tokens":
            return _token_unit(match, text)
        assert isinstance(spec, UnitSpec)
        return spec
    raise PriceParseError(text, f"unknown unit {norm!r}")


def normalize(amount: object, unit: UnitSpec) -> Decimal:
    """Convert an amount published in ``unit`` into the canonical unit, exactly.

    Negative amounts are refused: sources use them as sentinels ("-1": variable price), and a
    sentinel must never become a price.
    """
    number = parse_amount(amount)
    if number < 0:
        raise PriceParseError(amount, "negative price")
    with _in_range(amount):
        return _tidy(number * unit.factor())


def parse_price(
    text: str,
    unit: UnitSpec | str | None = None,
    currency: Currency | None = None,
) -> ParsedPrice:
    """Parse a price as published on a page.

    Args:
        text: The price text, e.g. "$2.50 / 1M tokens", "12.5¢/kWh", "¥8", "$0.03".
        unit: The unit when the text does not carry one (a column header such as
            "per 1M tokens"), as a UnitSpec or as header text. A unit in ``text`` wins.
        currency: The currency the source states for the page (needed for "¥", which is
            CNY or JPY) or for bare numbers. A currency named in ``text`` must agree with it.

    Raises:
        NotAPrice: the text says there is no price ("Free", "—", "Contact sales").
        PriceParseError: anything else that is not a readable price; the message says why.
    """
    raw = text
    cleaned = _clean_text(text)
    if not cleaned:
        raise NotAPrice(raw, "empty cell")
    if _NO_PRICE.match(cleaned):
        raise NotAPrice(raw, "states no price")
    match = _MONEY.match(cleaned)
    if match is None or not match.group("num") or match.group("num") in {"+", "-", "."}:
        raise PriceParseError(raw, "no number found")
    number = parse_amount(match.group("num"))
    pre = (match.group("pre") or "").lower()
    post = (match.group("post") or "").lower()
    post_currency = _currency_word(post, raw) if post and post not in _CENTS else None
    rest = match.group("rest").strip()

    is_cents = post in _CENTS
    stated = _currency_of(pre, raw, currency) if pre else None
    if post and not is_cents:
        if stated and stated is not post_currency:
            raise PriceParseError(raw, "two different currencies")
        stated = post_currency
    if is_cents:
        if stated not in (None, Currency.USD):
            raise PriceParseError(raw, "cents of a currency other than USD")
        stated = Currency.USD
        with _in_range(raw):
            number = number / 100
    if stated is None:
        if currency is None:
            raise PriceParseError(raw, "no currency stated and none given by the source")
        stated = currency
    elif currency is not None and stated is not currency:
        raise PriceParseError(raw, f"currency {stated} differs from the page's {currency}")

    hint = parse_unit(unit) if isinstance(unit, str) else unit
    # "$0.03/1K" under a per-token header: the header says what the 1K counts.
    if (
        rest
        and hint is not None
        and hint.canonical is CanonicalUnit.PER_1M_TOKENS
        and _BARE_COUNT.fullmatch(_normalize_unit_text(rest))
    ):
        rest = f"{rest} tokens"
    if rest:
        try:
            spec = parse_unit(rest)
        except PriceParseError as error:
            raise PriceParseError(raw, error.reason) from None
    elif hint is not None:
        spec = hint
    else:
        raise PriceParseError(raw, "no unit stated and none given by the source")
    if number < 0:
        raise PriceParseError(raw, "negative price")
    with _in_range(raw):
        amount = _tidy(number * spec.factor())
    return ParsedPrice(
        amount=amount,
        currency=stated,
        unit=spec.canonical,
        published_amount=parse_amount(match.group("num")),
        published_unit=spec.label,
    )


def _currency_of(prefix: str, raw: str, hint: Currency | None) -> Currency:
    if prefix in {"¥", "￥"}:
        if hint is None:
            raise PriceParseError(raw, "'¥' is CNY or JPY; the source must state which")
        if hint is not Currency.CNY:
            # deflator tracks no JPY list; '¥' on a page in another currency is a misread.
            raise PriceParseError(raw, f"'¥' on a page priced in {hint}")
        return hint
    return _currency_word(prefix, raw)


def _currency_word(word: str, raw: str) -> Currency:
    # IGNORECASE lets "ſ" (long s) and "K" (Kelvin) match the ASCII letters of "USD" or
    # "cents"; such words are not currencies deflator knows, so refuse them by name.
    found = _CURRENCY_WORDS.get(word)
    if found is None:
        raise PriceParseError(raw, f"unknown currency {word!r}")
    return found


@contextmanager
def _in_range(raw: object) -> Iterator[None]:
    """Refuse amounts too large or too small for exact Decimal arithmetic (1e30, 1e-999999999)."""
    try:
        with localcontext() as ctx:
            ctx.traps[InvalidOperation] = ctx.traps[Overflow] = ctx.traps[Underflow] = True
            yield
    except DecimalException:
        raise PriceParseError(raw, "amount out of range") from None


def _token_unit(match: re.Match[str], original: str) -> UnitSpec:
    count_text = (match.group("count") or "").replace(",", "")
    count = Decimal(count_text) if count_text else Decimal(1)
    mult = _MULTIPLIERS[(match.group("mult") or "").lower()]
    per = count * mult
    if per <= 0:
        raise PriceParseError(original, "a token count must be positive")
    labels = {
        Decimal(1): "per token",
        Decimal(1_000): "per 1K tokens",
        Decimal(1_000_000): "per 1M tokens",
    }
    return UnitSpec(CanonicalUnit.PER_1M_TOKENS, per, labels.get(per, f"per {per:f} tokens"))


def _clean_text(text: str) -> str:
    # Footnote marks and non-breaking spaces are layout, not price.
    cleaned = text.replace("\u00a0", " ").replace("\u202f", " ")
    cleaned = re.sub(r"[*†‡§¹²³⁴⁵⁶⁷⁸⁹⁰]+", "", cleaned)
    cleaned = re.sub(r"\[\d+\]", "", cleaned)
    return " ".join(cleaned.split())


def _normalize_unit_text(text: str) -> str:
    norm = _clean_text(text).lower()
    norm = norm.strip().lstrip("/").strip()
    norm = re.sub(r"^(?:per|each|a|an)\s+", "", norm)
    norm = norm.lstrip("/").strip()
    norm = re.sub(r"^(?:per|each|a|an)\s+", "", norm)
    norm = re.sub(r"^1\s+(?=[a-z])", "", norm)  # "per 1 hour", "/1 GB"
    norm = norm.rstrip(".").strip()
    return norm


def _tidy(value: Decimal) -> Decimal:
    """Drop trailing zeros so equal prices compare and print alike (2.500000 -> 2.5, -0 -> 0)."""
    if value.is_zero():
        return Decimal(0)
    normalized = value.normalize()
    # normalize() turns 100 into 1E+2; quantize back to a plain integer exponent.
    if normalized.as_tuple().exponent > 0:
        normalized = normalized.quantize(Decimal(1))
    return normalized
