"""Price parsing and unit normalization: published strings in, exact canonical Decimals out."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.enums import CanonicalUnit, Currency
from schemas.units import (
    PER_1K_TOKENS,
    PER_1M_TOKENS,
    PER_GB,
    PER_GB_MONTH,
    PER_HOUR,
    PER_KWH,
    PER_TOKEN,
    NotAPrice,
    ParsedPrice,
    PriceParseError,
    UnitSpec,
    normalize,
    parse_amount,
    parse_price,
    parse_unit,
)

USD = Currency.USD
CNY = Currency.CNY
TOKENS = CanonicalUnit.PER_1M_TOKENS
HOUR = CanonicalUnit.PER_HOUR


def _f(value: Decimal) -> str:
    """A Decimal as a publisher would print it: plain digits, never an exponent."""
    return format(value, "f")


def _same(actual: Decimal, expected: str) -> None:
    """Equal in value and in digits: 2.5 must come back as 2.5, not 2.50 or 2.5E+0."""
    assert actual == Decimal(expected)
    assert str(actual) == expected


# --- published strings --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "hint", "amount", "unit"),
    [
        ("$2.50 / 1M tokens", None, "2.5", TOKENS),
        ("$0.03/1K tokens", None, "30", TOKENS),
        ("$0.03/1K", "per 1K tokens", "30", TOKENS),
        ("$0.03/1K", PER_1M_TOKENS, "30", TOKENS),
        ("$3 / MTok", None, "3", TOKENS),
        ("$15 / MTok", None, "15", TOKENS),
        ("$0.0000025 per token", None, "2.5", TOKENS),
        ("$0.50 / 1M input tokens", None, "0.5", TOKENS),
        ("$1.25 per million tokens", None, "1.25", TOKENS),
        ("$0.002 per 1,000 tokens", None, "2", TOKENS),
        ("$2.49/hr", None, "2.49", HOUR),
        ("$98.32 per hour", None, "98.32", HOUR),
        ("2 USD per GPU-hour", None, "2", HOUR),
        ("$1.99 / GPU / hr", None, "1.99", HOUR),
        ("$0.023 per GB-month", None, "0.023", CanonicalUnit.PER_GB_MONTH),
        ("$0.09/GB", None, "0.09", CanonicalUnit.PER_GB),
        ("12.5¢/kWh", None, "0.125", CanonicalUnit.PER_KWH),
        ("$45.20/MWh", None, "0.0452", CanonicalUnit.PER_KWH),
        ("$1,200.50 per hour", None, "1200.5", HOUR),
        ("$2.50*", PER_1M_TOKENS, "2.5", TOKENS),
        ("$2.50¹", PER_1M_TOKENS, "2.5", TOKENS),
        ("$2.50†", "per 1M tokens", "2.5", TOKENS),
        ("$2.50[1] / 1M tokens", None, "2.5", TOKENS),
        ("$2.50\u00a0/\u00a01M tokens", None, "2.5", TOKENS),
        ("$0.10 per minute", None, "6", HOUR),
        ("$1/min", None, "60", HOUR),
        ("$0.001/sec", None, "3.6", HOUR),
    ],
)
def test_published_strings(
    text: str, hint: UnitSpec | str | None, amount: str, unit: CanonicalUnit
) -> None:
    parsed = parse_price(text, unit=hint)
    assert isinstance(parsed, ParsedPrice)
    _same(parsed.amount, amount)
    assert parsed.currency is USD
    assert parsed.unit is unit


def test_keeps_what_was_published() -> None:
    parsed = parse_price("$0.03/1K tokens")
    assert parsed.published_amount == Decimal("0.03")
    assert parsed.published_unit == "per 1K tokens"
    cents = parse_price("12.5¢/kWh")
    assert cents.published_amount == Decimal("12.5")
    assert cents.published_unit == "per kWh"


def test_yen_sign_needs_the_source_currency() -> None:
    parsed = parse_price("¥2", unit=PER_1M_TOKENS, currency=CNY)
    _same(parsed.amount, "2")
    assert parsed.currency is CNY
    assert parsed.unit is TOKENS
    _same(parse_price("￥8", unit="per 1M tokens", currency=CNY).amount, "8")

    with pytest.raises(PriceParseError) as caught:
        parse_price("¥2", unit=PER_1M_TOKENS)
    assert not isinstance(caught.value, NotAPrice)
    assert "CNY" in str(caught.value) or "JPY" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "currency"),
    [("2 CNY / 1M tokens", CNY), ("2元 / 1M tokens", CNY), ("RMB 2 / 1M tokens", CNY)],
)
def test_named_currencies(text: str, currency: Currency) -> None:
    parsed = parse_price(text)
    _same(parsed.amount, "2")
    assert parsed.currency is currency


def test_bare_number_takes_the_source_currency_and_unit() -> None:
    parsed = parse_price("0.15", unit=PER_1M_TOKENS, currency=USD)
    _same(parsed.amount, "0.15")
    assert parsed.currency is USD


@pytest.mark.parametrize("text", ["Free", "free", "—", "-", "Contact sales", "N/A", "", "   "])
def test_not_a_price(text: str) -> None:
    with pytest.raises(NotAPrice):
        parse_price(text, unit=PER_1M_TOKENS, currency=USD)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("abc", "no number"),
        ("$5/request", "unknown unit"),
        ("$-1/hr", "negative"),
        ("$2.50", "no unit"),
        ("2.50 / 1M tokens", "no currency"),
        ("$2 EUR / 1M tokens", "two different currencies"),
        ("€5¢/kWh", "cents of a currency other than USD"),
        ("$5 per 0 tokens", "positive"),
        ("€2,50 / 1M tokens", "unknown unit"),  # a decimal comma is never read as 250 or 2
    ],
)
def test_unreadable_prices_say_why(text: str, reason: str) -> None:
    with pytest.raises(PriceParseError) as caught:
        parse_price(text)
    assert not isinstance(caught.value, NotAPrice)
    assert reason in caught.value.reason
    assert caught.value.text == text
    assert text in str(caught.value)


def test_page_currency_must_agree_with_the_text() -> None:
    with pytest.raises(PriceParseError, match="differs"):
        parse_price("$2 / 1M tokens", currency=CNY)


@pytest.mark.parametrize(
    "text",
    [
        "$1e30/hr",  # used to escape as decimal.InvalidOperation from _tidy
        "$1e999999999/hr",  # used to escape as decimal.Overflow
        "$1e-999999999/hr",  # used to underflow to a silent 0
        "1e-999999999¢/kWh",
        "uſd5/hr",  # long s matches "USD" under IGNORECASE; used to escape as KeyError
        "5 centſ/kWh",
    ],
)
def test_out_of_range_and_lookalikes_are_parse_errors(text: str) -> None:
    with pytest.raises(PriceParseError):
        parse_price(text)


def test_negative_zero_is_plain_zero() -> None:
    amount = parse_price("$-0/hr").amount
    assert amount == 0
    assert not amount.is_signed()


# --- units ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "spec"),
    [
        ("per 1M tokens", PER_1M_TOKENS),
        ("/ MTok", PER_1M_TOKENS),
        ("per 1K tokens", PER_1K_TOKENS),
        ("/1K tokens", PER_1K_TOKENS),
        ("per token", PER_TOKEN),
        ("per GPU-hour", PER_HOUR),
        ("/hr", PER_HOUR),
        ("per kWh", PER_KWH),
        ("/GB-mo", PER_GB_MONTH),
        ("per GB", PER_GB),
    ],
)
def test_parse_unit(text: str, spec: UnitSpec) -> None:
    parsed = parse_unit(text)
    assert parsed.canonical is spec.canonical
    assert parsed.factor() == spec.factor()


@pytest.mark.parametrize("text", ["", "per request", "per image", "/ 1K"])
def test_parse_unit_refuses(text: str) -> None:
    with pytest.raises(PriceParseError):
        parse_unit(text)


@pytest.mark.parametrize(
    ("amount", "unit", "expected"),
    [
        ("0.0000025", PER_TOKEN, "2.5"),  # OpenRouter pricing.prompt, USD per token
        (2.5e-06, PER_TOKEN, "2.5"),
        ("0.03", PER_1K_TOKENS, "30"),
        (Decimal("2.500000"), PER_1M_TOKENS, "2.5"),
        (100, PER_HOUR, "100"),
        ("1,200.50", PER_HOUR, "1200.5"),
        (0, PER_TOKEN, "0"),
    ],
)
def test_normalize(amount: object, unit: UnitSpec, expected: str) -> None:
    _same(normalize(amount, unit), expected)


def test_normalize_refuses_out_of_range() -> None:
    with pytest.raises(PriceParseError):
        normalize("1e30", PER_HOUR)


@pytest.mark.parametrize(
    "value",
    [
        float("nan"),
        float("inf"),
        float("-inf"),
        Decimal("NaN"),
        Decimal("sNaN"),
        Decimal("Infinity"),
        "NaN",
        "inf",
        "-Infinity",
        True,
        False,
        None,
        "",
        "two",
        [1],
    ],
)
def test_parse_amount_refuses(value: object) -> None:
    with pytest.raises(PriceParseError):
        parse_amount(value)


# --- properties -----------------------------------------------------------------------------

# Non-negative, at most six decimals, up to a billion: every list price fits, and amount/1000
# or amount*1000 stays exact within Decimal's 28 digits.
amounts = st.decimals(min_value=0, max_value=10**9, places=6, allow_nan=False, allow_infinity=False)


@settings(max_examples=200)
@given(amount=amounts)
def test_token_units_agree(amount: Decimal) -> None:
    per_1m = normalize(amount, PER_1M_TOKENS)
    assert per_1m == amount
    assert normalize(amount / 1000, PER_1K_TOKENS) == per_1m
    assert normalize(amount / 1_000_000, PER_TOKEN) == per_1m


@settings(max_examples=200)
@given(x=amounts)
def test_published_token_units_agree(x: Decimal) -> None:
    per_1k = parse_price(f"${_f(x)} per 1K tokens")
    per_1m = parse_price(f"${_f(x * 1000)} / 1M tokens")
    assert per_1k.amount == per_1m.amount == x * 1000
    assert per_1k.unit is per_1m.unit is TOKENS
    per_token = parse_price(f"${_f(x / 1_000_000)} per token")
    assert per_token.amount == x


@settings(max_examples=200)
@given(c=amounts)
def test_cents_agree_with_dollars(c: Decimal) -> None:
    cents = parse_price(f"{_f(c)}¢/kWh")
    dollars = parse_price(f"${_f(c / 100)}/kWh")
    assert cents.amount == dollars.amount
    assert cents.currency is dollars.currency is USD


@settings(max_examples=200)
@given(x=amounts)
def test_thousands_separators_do_not_change_the_amount(x: Decimal) -> None:
    assert parse_price(f"${x:,f}/hr").amount == parse_price(f"${_f(x)}/hr").amount == x


CANONICAL_SPECS = [PER_1M_TOKENS, PER_HOUR, PER_KWH, PER_GB_MONTH, PER_GB]


@settings(max_examples=200)
@given(
    published=amounts,
    spec=st.sampled_from([*CANONICAL_SPECS, PER_TOKEN, PER_1K_TOKENS]),
    currency=st.sampled_from(list(Currency)),
)
def test_canonical_amount_round_trips(
    published: Decimal, spec: UnitSpec, currency: Currency
) -> None:
    canonical = normalize(published, spec)
    label = next(s.label for s in CANONICAL_SPECS if s.canonical is spec.canonical)
    again = parse_price(f"{_f(canonical)} {currency.value} {label}")
    assert again.amount == canonical
    assert str(again.amount) == str(canonical)
    assert again.unit is spec.canonical
    assert again.currency is currency
    assert normalize(again.amount, parse_unit(label)) == canonical


PRICEISH = st.text(alphabet="$¥¢€.,-+eE0123456789 /kKmMtokenshrGBWperusdſK*¹—", max_size=30)


def _check_parse_outcome(text: str, unit: UnitSpec | str | None, currency: Currency | None):
    try:
        parsed = parse_price(text, unit=unit, currency=currency)
    except PriceParseError as error:
        assert error.reason
        return
    assert isinstance(parsed, ParsedPrice)
    assert parsed.amount.is_finite()
    assert parsed.amount >= 0
    assert not parsed.amount.is_signed()
    assert isinstance(parsed.currency, Currency)
    assert isinstance(parsed.unit, CanonicalUnit)
    # A price needs a digit: text without one never comes back as a (zero) price.
    assert any(ch.isdecimal() for ch in text), f"{text!r} parsed as {parsed.amount}"


hints = st.sampled_from([None, PER_1M_TOKENS, PER_HOUR, "per 1K tokens"])
currencies = st.sampled_from([None, *Currency])


@settings(max_examples=200)
@given(text=st.text(), unit=hints, currency=currencies)
def test_arbitrary_text_parses_or_says_why(
    text: str, unit: UnitSpec | str | None, currency: Currency | None
) -> None:
    _check_parse_outcome(text, unit, currency)


@settings(max_examples=200)
@given(text=PRICEISH, unit=hints, currency=currencies)
def test_price_like_text_parses_or_says_why(
    text: str, unit: UnitSpec | str | None, currency: Currency | None
) -> None:
    _check_parse_outcome(text, unit, currency)


@settings(max_examples=200)
@given(
    value=st.one_of(
        st.floats(),
        st.decimals(),
        st.booleans(),
        st.none(),
        st.sampled_from(["nan", "NaN", "inf", "-inf", "Infinity", "sNaN"]),
    )
)
def test_parse_amount_accepts_only_finite_numbers(value: object) -> None:
    if isinstance(value, Decimal):
        finite = value.is_finite()
    elif isinstance(value, float):
        finite = math.isfinite(value)
    else:
        finite = False  # booleans, None and the NaN/inf strings
    if not finite:
        with pytest.raises(PriceParseError):
            parse_amount(value)
        return
    number = parse_amount(value)
    assert number.is_finite()
    expected = Decimal(repr(value)) if isinstance(value, float) else value
    assert number == expected


def test_yen_sign_on_a_usd_page_is_refused():
    with pytest.raises(PriceParseError, match="'¥' on a page priced in USD"):
        parse_price("¥2", unit=PER_1M_TOKENS, currency=Currency.USD)
