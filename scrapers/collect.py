"""What every parser does with what it reads off one page: observations, problems, skips.

A parser decides what an entry means (which field is which component, what counts as a skip
and what as a problem); :class:`PageCollector` does the bookkeeping every source shares:
building the :class:`~schemas.observation.Observation` with the page's provenance, turning a
validation failure into a :class:`~schemas.observation.ParseProblem` instead of an exception,
and keeping one observation per price key.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

from pydantic import ValidationError

from schemas.enums import CANONICAL_UNIT_OF, Component, Currency, Leg
from schemas.observation import PRICE_SCALE, FetchedPage, Observation, ParseProblem
from scrapers.base import ParseResult
from scrapers.json_numbers import published_text

# provider, sku, component, tier, region, currency, effective date: one price per key and page
# (a dataset page holds many dated prices of one series; a price list holds one, undated).
PriceKey = tuple[str, str, str, str, str, str, date | None]

_STORED_QUANTUM = Decimal(1).scaleb(-PRICE_SCALE)


def round_to_stored_scale(price: Decimal) -> Decimal:
    """``price`` rounded half-even to the ``PRICE_SCALE`` decimals the store keeps, tidied.

    Sources publish repeating decimals: Gemini cache writes derived from an hourly storage
    charge are 1/12 of $1 per 1M tokens, published per token as "0.0000000833333333333333"
    (0.0833333333333333 per 1M, more decimals than DECIMAL(28, 12) holds). Such a price is
    stored rounded (0.083333333333); the observation's ``published_text`` keeps the exact text,
    so nothing is lost. Prices with few enough decimals are unchanged except for form: trailing
    zeros dropped (2.500 -> 2.5), no exponent (1E+1 -> 10), -0 -> 0. Non-finite values are
    returned as they are, for Observation validation to refuse.
    """
    if not price.is_finite():
        return price
    if price.is_zero():
        return Decimal(0)
    with localcontext() as ctx:
        # Enough digits for the integer part plus PRICE_SCALE decimals, so quantize never fails.
        ctx.prec = max(ctx.prec, price.adjusted() + 1 + PRICE_SCALE)
        exponent = price.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -PRICE_SCALE:
            price = price.quantize(_STORED_QUANTUM, rounding=ROUND_HALF_EVEN)
        if price.is_zero():
            return Decimal(0)
        price = price.normalize()
        if price.as_tuple().exponent > 0:  # normalize() writes 10 as 1E+1
            price = price.quantize(Decimal(1))
    return price


class PageCollector:
    """Collects what a parser reads off one page into a :class:`~scrapers.base.ParseResult`.

    Observations get the page's provenance (URL, fetch time, body hash) and the source's name,
    leg and parser version. The first price read for a key (provider, sku, component, tier,
    region, currency, effective date) is kept; a later one with the same price is dropped
    silently, one with a different price is reported as a ParseProblem naming both places.
    """

    def __init__(self, page: FetchedPage, *, source: str, leg: Leg, parser_version: str) -> None:
        self.page = page
        self.source = source
        self.leg = leg
        self.parser_version = parser_version
        self.page_hash = page.sha256  # hashes the whole body: once per page, not per price
        self.result = ParseResult()
        self._seen: dict[PriceKey, tuple[Observation, str]] = {}

    def problem(self, text: object, reason: str, where: str) -> None:
        """Report something that looked like a price but could not be read."""
        self.result.problems.append(
            ParseProblem(
                source=self.source,
                url=self.page.url,
                text=published_text(text),
                reason=reason,
                where=where,
            )
        )

    def skip(self, reason: str) -> None:
        """Count an entry deliberately not taken as a list price."""
        self.result.skipped[reason] += 1

    def price(
        self,
        *,
        provider: str,
        sku: str,
        model: str | None,
        component: Component,
        tier: str,
        region: str,
        currency: Currency,
        price: Decimal,
        published_text: str,
        published_unit: str,
        where: str,
        effective_date: date | None = None,
        source_url: str | None = None,
        accelerator: str | None = None,
        accelerator_count: int | None = None,
    ) -> Observation | None:
        """Record one price, already in the component's canonical unit.

        ``source_url`` overrides the page's URL for datasets that cite a source per row.
        ``accelerator`` and ``accelerator_count`` name what a compute price buys (canonical id
        from :mod:`schemas.accelerators`, and how many an instance has).
        Returns the observation kept, or None when the price was refused (reported as a
        problem) or duplicated an earlier one for the same key.
        """
        try:
            observation = Observation(
                source=self.source,
                leg=self.leg,
                provider=provider,
                sku=sku,
                model=model,
                component=component,
                tier=tier,
                region=region,
                price=price,
                currency=currency,
                unit=CANONICAL_UNIT_OF[component],
                published_text=published_text,
                published_unit=published_unit,
                observed_at=self.page.fetched_at,
                effective_date=effective_date,
                source_url=source_url or self.page.url,
                page_hash=self.page_hash,
                parser_version=self.parser_version,
                accelerator=accelerator,
                accelerator_count=accelerator_count,
            )
        except ValidationError as error:
            self.problem(published_text, "; ".join(e["msg"] for e in error.errors()), where)
            return None
        key: PriceKey = (
            provider,
            sku,
            component.value,
            tier,
            region,
            currency.value,
            effective_date,
        )
        if key in self._seen:
            kept, kept_where = self._seen[key]
            if kept.price != observation.price:
                self.problem(
                    published_text,
                    f"duplicate of {kept_where} with a different price "
                    f"(kept {kept.published_text})",
                    where,
                )
            return None
        self._seen[key] = (observation, where)
        self.result.observations.append(observation)
        return observation
