"""The records that cross room boundaries: Observation validation and FetchedPage decoding."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from schemas.enums import CANONICAL_UNIT_OF, CanonicalUnit, Component, Currency, Leg
from schemas.observation import FetchedPage, Observation

BODY = b"<html><body><td>$2.50 / 1M tokens</td></body></html>"
BODY_HASH = hashlib.sha256(BODY).hexdigest()
WHEN = datetime(2025, 3, 1, 2, 0, 0, tzinfo=UTC)


def make_observation(**overrides: Any) -> Observation:
    """A valid observation: OpenAI's published input price for one model."""
    fields: dict[str, Any] = {
        "source": "openai",
        "leg": Leg.LLM,
        "provider": "openai",
        "sku": "gpt-4o",
        "model": "gpt-4o",
        "component": Component.INPUT,
        "price": Decimal("2.5"),
        "currency": Currency.USD,
        "unit": CanonicalUnit.PER_1M_TOKENS,
        "published_text": "$2.50 / 1M tokens",
        "published_unit": "per 1M tokens",
        "observed_at": WHEN,
        "effective_date": date(2024, 10, 1),
        "source_url": "https://openai.com/api/pricing/",
        "page_hash": BODY_HASH,
        "parser_version": "1",
    }
    fields.update(overrides)
    return Observation(**fields)


def make_page(body: bytes = BODY, headers: dict[str, str] | None = None) -> FetchedPage:
    return FetchedPage(
        source="openai",
        url="https://openai.com/api/pricing/",
        status=200,
        headers=headers or {},
        body=body,
        fetched_at=WHEN,
    )


# --- Observation ------------------------------------------------------------------------------


def test_valid_observation_round_trips() -> None:
    observation = make_observation()
    assert observation.price == Decimal("2.5")
    assert observation.tier == "standard"
    assert observation.region == "global"
    assert Observation.model_validate(observation.model_dump()) == observation
    again = Observation.model_validate_json(observation.model_dump_json())
    assert again == observation
    assert again.price == Decimal("2.5")
    assert again.observed_at == WHEN


def test_observation_is_frozen() -> None:
    observation = make_observation()
    with pytest.raises(ValidationError):
        observation.price = Decimal("3")  # type: ignore[misc]


def test_naive_datetime_rejected() -> None:
    with pytest.raises(ValidationError, match="time zone"):
        make_observation(observed_at=datetime(2025, 3, 1, 2, 0, 0))


def test_aware_datetime_stored_as_utc() -> None:
    beijing = timezone(timedelta(hours=8))
    observation = make_observation(observed_at=datetime(2025, 3, 1, 10, 0, 0, tzinfo=beijing))
    assert observation.observed_at == WHEN
    assert observation.observed_at.utcoffset() == timedelta(0)


@pytest.mark.parametrize("component", list(Component))
def test_unit_must_match_component(component: Component) -> None:
    canonical = CANONICAL_UNIT_OF[component]
    assert make_observation(component=component, unit=canonical).unit is canonical
    for wrong in CanonicalUnit:
        if wrong is not canonical:
            with pytest.raises(ValidationError):
                make_observation(component=component, unit=wrong)


def test_input_priced_per_hour_rejected() -> None:
    with pytest.raises(ValidationError, match="per_1m_tokens"):
        make_observation(component=Component.INPUT, unit=CanonicalUnit.PER_HOUR)


@pytest.mark.parametrize(
    "price",
    [
        Decimal("0.000000000001"),  # 12 decimals: the storage scale
        Decimal("0.0000025"),
        Decimal("2.500000000000000"),  # trailing zeros are not precision
        Decimal("0"),
        Decimal("1E+3"),
    ],
)
def test_price_within_scale_accepted(price: Decimal) -> None:
    assert make_observation(price=price).price == price


@pytest.mark.parametrize(
    "price",
    [
        Decimal("0.0000000000001"),  # 13 decimals
        Decimal("2.5000000000001"),
        Decimal("1E-15"),
        Decimal("NaN"),
        Decimal("Infinity"),
    ],
)
def test_price_beyond_scale_rejected(price: Decimal) -> None:
    with pytest.raises(ValidationError):
        make_observation(price=price)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("page_hash", "not-a-hash"),
        ("page_hash", BODY_HASH.upper()),
        ("source", ""),
        ("sku", ""),
        ("parser_version", ""),
        ("currency", "JPY"),
        ("component", "per_request"),
    ],
)
def test_bad_fields_rejected(field: str, value: object) -> None:
    with pytest.raises(ValidationError):
        make_observation(**{field: value})


# --- FetchedPage ------------------------------------------------------------------------------


def test_sha256_matches_hashlib() -> None:
    page = make_page()
    assert page.sha256 == hashlib.sha256(BODY).hexdigest() == BODY_HASH
    assert make_page(b"").sha256 == hashlib.sha256(b"").hexdigest()


def test_text_defaults_to_utf8() -> None:
    body = "¥2 / 百万tokens".encode()
    assert make_page(body).text() == "¥2 / 百万tokens"
    assert make_page(body, {"content-type": "text/html"}).text() == "¥2 / 百万tokens"


@pytest.mark.parametrize(
    "content_type",
    [
        "text/html; charset=iso-8859-1",
        'text/html; charset="ISO-8859-1"',
        "text/html;charset=latin-1",
    ],
)
def test_text_honours_declared_charset(content_type: str) -> None:
    published = "Café naïve: £2.50 per hour"
    body = published.encode("iso-8859-1")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")  # the charset is what makes this readable
    assert make_page(body, {"content-type": content_type}).text() == published


def test_invalid_utf8_without_charset_raises() -> None:
    body = "Café £2.50".encode("iso-8859-1")
    with pytest.raises(UnicodeDecodeError):
        make_page(body).text()
    with pytest.raises(UnicodeDecodeError):
        make_page(body, {"content-type": "text/html"}).text()


def test_fetched_page_rejects_naive_time() -> None:
    with pytest.raises(ValidationError):
        FetchedPage(
            source="openai",
            url="https://openai.com/api/pricing/",
            status=200,
            body=BODY,
            fetched_at=datetime(2025, 3, 1),
        )
