"""What every GPU-cloud parser does alike: name the accelerator, read an hourly price, record it.

Two shapes of compute price exist and are kept apart:

* ``instance_hour``: the price of a whole machine (AWS p5.48xlarge, 8 × H100), stored with the
  accelerator and ``accelerator_count`` so the warehouse can divide (``compute_prices``).
* ``gpu_hour``: the page quotes per GPU (Crusoe "$3.90/GPU-hr", Nebius, RunPod); the count of
  the machine is irrelevant to the price and kept only when the page states it.

An accelerator name the catalog cannot place is never guessed: :func:`accelerator_for` reports
it as a ParseProblem, except for real parts the catalog leaves out on purpose (consumer and
workstation cards, parts without a citable figure), which are counted as skipped.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from schemas.accelerators import canonical_accelerator, is_uncatalogued
from schemas.enums import Component, Currency
from schemas.units import PER_HOUR, NotAPrice, PriceParseError, normalize, parse_price
from scrapers.collect import PageCollector, round_to_stored_scale
from scrapers.json_numbers import published_text as text_of

NOT_IN_CATALOG = "accelerator not in catalog"


def accelerator_for(out: PageCollector, name: str, where: str) -> str | None:
    """The catalog id for a published accelerator name, or None (skipped or reported)."""
    ident = canonical_accelerator(name)
    if ident is not None:
        return ident
    if is_uncatalogued(name):
        out.skip(NOT_IN_CATALOG)
    else:
        out.problem(name, "accelerator not mapped to a catalog id (ambiguous or unknown)", where)
    return None


def page_price(out: PageCollector, text: str, where: str) -> tuple[Decimal, str] | None:
    """An hourly USD price read off a page cell ("$3.90/GPU-hr", "$49.24"), or None.

    A cell that states no price ("Contact sales", "N/A", "-") is counted as skipped; anything
    else unreadable is reported as a ParseProblem. Returns the amount and the published unit.
    """
    try:
        parsed = parse_price(text, unit=PER_HOUR, currency=Currency.USD)
    except NotAPrice:
        out.skip("no price stated (contact sales, N/A)")
        return None
    except PriceParseError as error:
        out.problem(text, error.reason, where)
        return None
    if parsed.amount <= 0:
        out.problem(text, "zero price", where)
        return None
    return round_to_stored_scale(parsed.amount), parsed.published_unit


def field_price(out: PageCollector, value: object, where: str) -> Decimal | None:
    """An hourly USD price from an API field (number or numeric string), or None if unreadable.

    Zero is returned as zero: what it means (not offered, placeholder) is the caller's call.
    """
    try:
        return round_to_stored_scale(normalize(value, PER_HOUR))
    except PriceParseError as error:
        out.problem(text_of(value), error.reason, where)
        return None


def record(
    out: PageCollector,
    *,
    provider: str,
    sku: str,
    model: str | None,
    component: Component,
    tier: str,
    region: str,
    price: Decimal,
    published_text: str,
    published_unit: str,
    where: str,
    accelerator: str,
    accelerator_count: int | None,
    effective_date: date | None = None,
) -> None:
    """Record one USD compute price with its accelerator."""
    out.price(
        provider=provider,
        sku=sku,
        model=model,
        component=component,
        tier=tier,
        region=region,
        currency=Currency.USD,
        price=price,
        published_text=published_text,
        published_unit=published_unit,
        where=where,
        accelerator=accelerator,
        accelerator_count=accelerator_count,
        effective_date=effective_date,
    )


def join_tiers(*tiers: str) -> str:
    """Tiers as the project writes them: sorted, "+"-joined, "standard" when there are none."""
    found = sorted({t for t in tiers if t and t != "standard"})
    return "+".join(found) if found else "standard"
