"""The two records that cross room boundaries: a fetched page and one observed price."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cached_property

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from schemas.enums import CANONICAL_UNIT_OF, CanonicalUnit, Component, Currency, Leg
from schemas.listing_tiers import tier_from_listing

# Prices are stored as DECIMAL(28, 12): twelve decimals hold a per-token price of 1e-12 USD,
# far below any list price, while keeping values exact.
PRICE_SCALE = 12
STANDARD_TIER = "standard"
GLOBAL_REGION = "global"


class FetchedPage(BaseModel):
    """One HTTP response as received, before any parsing.

    The body is kept as bytes: decoding is the parser's business, and the archive stores the
    exact bytes so a parser fix can be replayed over history.
    """

    model_config = ConfigDict(frozen=True)

    source: str
    url: str
    status: int
    headers: dict[str, str] = Field(default_factory=dict)
    body: bytes
    fetched_at: datetime
    replayed: bool = False

    @cached_property
    def sha256(self) -> str:
        """Content address of the body (computed once per page)."""
        return hashlib.sha256(self.body).hexdigest()

    def text(self) -> str:
        """The body decoded with the charset the server declared (UTF-8 when it declared none)."""
        content_type = self.headers.get("content-type", "")
        charset = "utf-8"
        for part in content_type.split(";"):
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                charset = value.strip('"')
        return self.body.decode(charset, errors="strict")

    @field_validator("fetched_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        return _as_utc(value)


class Observation(BaseModel):
    """One price point as a source published it, normalized to the component's canonical unit.

    A price is identified by source + provider + sku + component + tier + region + currency;
    everything else describes where it came from. Tiers and conditions (context-length tier,
    batch, priority, spot, reserved, off-peak) live in ``tier``, never in the list price.
    """

    model_config = ConfigDict(frozen=True)

    source: str = Field(min_length=1, description="deflator source name that produced it")
    leg: Leg
    provider: str = Field(
        min_length=1, description="who sells at this price (openai, openrouter, azure…)"
    )
    sku: str = Field(min_length=1, description="the provider's stable id for what is sold")
    model: str | None = Field(default=None, description="model name as published, if a model")
    component: Component
    tier: str = Field(default=STANDARD_TIER, min_length=1)
    region: str = Field(default=GLOBAL_REGION, min_length=1)
    price: Decimal = Field(description="amount in the canonical unit of the component")
    currency: Currency
    unit: CanonicalUnit
    published_text: str = Field(
        description="the price exactly as published (cell text or field value)"
    )
    published_unit: str = Field(
        description="the unit as published, e.g. 'per token', 'per 1K tokens'"
    )
    observed_at: datetime
    effective_date: date | None = Field(
        default=None,
        description="when the price takes effect, if stated; after observed_at for a price "
        "the page announces ('starting September 1, 2026'), which is not in force before it",
    )
    source_url: str
    page_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    parser_version: str = Field(min_length=1)
    accelerator: str | None = Field(
        default=None, description="canonical accelerator id of a compute price (H100-SXM-80GB…)"
    )
    accelerator_count: int | None = Field(
        default=None, ge=1, description="accelerators in the instance the price is for"
    )

    @field_validator("observed_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        return _as_utc(value)

    @model_validator(mode="before")
    @classmethod
    def _tier_from_listing(cls, data: object) -> object:
        """A listing named as a pricing mode (``…:batch``, ``fast/…``) is stored in that tier,
        whichever source produced it (schemas/listing_tiers.py; docs/input-hygiene.md)."""
        if isinstance(data, dict) and isinstance(data.get("sku"), str):
            tier = data.get("tier", STANDARD_TIER)
            if isinstance(tier, str):
                new_tier = tier_from_listing(data["sku"], tier, STANDARD_TIER)
                if new_tier != tier:
                    data = {**data, "tier": new_tier}
        return data

    @field_validator("price")
    @classmethod
    def _exact(cls, value: Decimal) -> Decimal:
        if not value.is_finite():
            raise ValueError("price must be a finite number")
        exponent = value.normalize().as_tuple().exponent
        if isinstance(exponent, int) and exponent < -PRICE_SCALE:
            raise ValueError(f"price {value} has more than {PRICE_SCALE} decimals")
        return value

    @model_validator(mode="after")
    def _unit_fits_component(self) -> Observation:
        expected = CANONICAL_UNIT_OF[self.component]
        if self.unit is not expected:
            raise ValueError(f"{self.component} is stored {expected}, not {self.unit}")
        return self


class ParseProblem(BaseModel):
    """Something on a page that looked like a price but could not be read; reported, not stored."""

    model_config = ConfigDict(frozen=True)

    source: str
    url: str
    text: str = Field(description="the text or field that failed, as published")
    reason: str
    where: str = Field(default="", description="sku, field or table cell that held it")


def _as_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("timestamps must carry a time zone")
    return value.astimezone(UTC)
