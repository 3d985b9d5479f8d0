"""Turn a workload into the legs of P: quantities from the file, prices from the file or from
a price book (the warehouse, or a fake in tests), decline rates for the projections."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from warehouse.cost.model import LegCost, Rate, plain_number
from warehouse.cost.workload import (
    ComputeLeg,
    DataLeg,
    EnergyLeg,
    LlmLeg,
    RateOverride,
    Workload,
)

GIVEN = "given in the workload"
MILLION = Decimal(1_000_000)


class PricingError(LookupError):
    """A price or figure the workload needs that the price book does not have."""


@dataclass(frozen=True)
class Quote:
    """A price and where it came from."""

    price: Decimal
    basis: str


@dataclass(frozen=True)
class TokenQuote:
    """Input and output prices (USD per 1M tokens) of one model, and where they came from."""

    model: str
    input_price: Decimal
    output_price: Decimal
    basis: str


class PriceBook(Protocol):
    """Where prices in force and decline rates come from."""

    def gpu_hour(self, accelerator: str, provider: str | None) -> Quote: ...

    def board_power_kw(self, accelerator: str) -> Decimal | None: ...

    def kwh(self, sector: str) -> Quote: ...

    def storage(self, provider: str | None, tier: str | None) -> Quote: ...

    def egress(self, provider: str | None, tier: str | None) -> Quote: ...

    def llm_model(self, model: str, source: str | None) -> TokenQuote: ...

    def llm_threshold(self, leg: LlmLeg) -> TokenQuote: ...

    def rate(self, leg: str, key: str | None) -> Rate | None: ...


def _override(rate: RateOverride | None) -> Rate | None:
    if rate is None:
        return None
    return Rate(rate.factor_per_year, rate.ci90_low, rate.ci90_high, "given in the workload")


def compute_cost(leg: ComputeLeg, book: PriceBook) -> LegCost:
    if leg.price_per_hour is not None:
        quote = Quote(leg.price_per_hour, GIVEN)
    else:
        quote = book.gpu_hour(leg.accelerator or "", leg.provider)
    what = f"{leg.accelerator} " if leg.accelerator else ""
    detail = (
        f"{plain_number(leg.gpu_hours)} {what}GPU-hours "
        f"({plain_number(leg.gpus)} × {plain_number(leg.hours)} h) × {dollars_exact(quote.price)}"
    )
    rate = _override(leg.rate) or book.rate("compute", leg.accelerator)
    return LegCost("C", "compute", detail, leg.gpu_hours * quote.price, quote.basis, rate)


def energy_kwh(leg: EnergyLeg, compute: ComputeLeg | None, book: PriceBook) -> tuple[Decimal, str]:
    """kWh of the workload and how they were obtained."""
    if leg.kwh is not None:
        return leg.kwh, f"{plain_number(leg.kwh)} kWh given"
    hours = leg.hours if leg.hours is not None else (compute.hours if compute else None)
    if hours is None:
        raise PricingError("[energy] needs kwh, or hours (or a [compute] table to take them from)")
    if leg.power_kw is not None:
        power, how = leg.power_kw, f"{plain_number(leg.power_kw)} kW"
    else:
        if compute is None or compute.accelerator is None:
            raise PricingError("[energy] needs kwh or power_kw, or a [compute] accelerator")
        board = book.board_power_kw(compute.accelerator)
        if board is None:
            raise PricingError(f"no board power known for {compute.accelerator}: give power_kw")
        power = board * compute.gpus
        how = f"{plain_number(compute.gpus)} × {plain_number(board)} kW board power"
    kwh = power * hours * leg.pue
    return kwh, f"{how} × {plain_number(hours)} h × PUE {plain_number(leg.pue)}"


def energy_cost(leg: EnergyLeg, compute: ComputeLeg | None, book: PriceBook) -> LegCost:
    kwh, how = energy_kwh(leg, compute, book)
    if leg.price_per_kwh is not None:
        quote = Quote(leg.price_per_kwh, GIVEN)
    else:
        quote = book.kwh(leg.sector)
    detail = f"{plain_number(kwh)} kWh ({how}) × {dollars_exact(quote.price)}/kWh"
    rate = _override(leg.rate) or book.rate("energy", leg.sector)
    return LegCost("E", "energy", detail, kwh * quote.price, quote.basis, rate)


def data_cost(leg: DataLeg, book: PriceBook) -> LegCost:
    parts, bases, cost = [], [], Decimal(0)
    if leg.gb_stored:
        quote = (
            Quote(leg.price_per_gb_month, GIVEN)
            if leg.price_per_gb_month is not None
            else book.storage(leg.storage_provider, leg.storage_tier)
        )
        gb_months = leg.gb_stored * leg.months
        cost += gb_months * quote.price
        parts.append(f"{plain_number(gb_months)} GB-months × {dollars_exact(quote.price)}")
        bases.append(f"storage {quote.basis}")
    if leg.gb_transferred:
        quote = (
            Quote(leg.price_per_gb, GIVEN)
            if leg.price_per_gb is not None
            else book.egress(leg.egress_provider, leg.egress_tier)
        )
        cost += leg.gb_transferred * quote.price
        parts.append(f"{plain_number(leg.gb_transferred)} GB out × {dollars_exact(quote.price)}")
        bases.append(f"egress {quote.basis}")
    rate = _override(leg.rate) or book.rate("data", leg.storage_tier)
    detail = " + ".join(parts) or "nothing stored or transferred"
    return LegCost("D", "data", detail, cost, "; ".join(bases) or GIVEN, rate)


def llm_cost(leg: LlmLeg, book: PriceBook) -> LegCost:
    quote = (
        book.llm_model(leg.model, leg.source) if leg.model is not None else book.llm_threshold(leg)
    )
    tokens_in = leg.input_tokens_per_month * leg.months
    tokens_out = leg.output_tokens_per_month * leg.months
    cost = (tokens_in * quote.input_price + tokens_out * quote.output_price) / MILLION
    detail = (
        f"{quote.model}: {plain_number(tokens_in / MILLION)}M in × "
        f"{dollars_exact(quote.input_price)} + {plain_number(tokens_out / MILLION)}M out × "
        f"{dollars_exact(quote.output_price)} per 1M tokens"
    )
    key = f"{leg.benchmark}@{leg.min_score}" if leg.benchmark else None
    rate = _override(leg.rate) or book.rate("llm", key)
    return LegCost("C", "llm tokens", detail, cost, quote.basis, rate)


def price_workload(workload: Workload, book: PriceBook) -> list[LegCost]:
    """The legs C, E, D of a workload today (a missing leg costs nothing)."""
    if workload.kind == "llm":
        assert workload.llm is not None
        inside = "inside the token price"
        return [
            llm_cost(workload.llm, book),
            LegCost("E", "energy", inside, Decimal(0), inside),
            LegCost("D", "data", inside, Decimal(0), inside),
        ]
    absent = "not in the workload"
    legs = [
        compute_cost(workload.compute, book)
        if workload.compute
        else LegCost("C", "compute", absent, Decimal(0), absent),
        energy_cost(workload.energy, workload.compute, book)
        if workload.energy
        else LegCost("E", "energy", absent, Decimal(0), absent),
        data_cost(workload.data, book)
        if workload.data
        else LegCost("D", "data", absent, Decimal(0), absent),
    ]
    return legs


def dollars_exact(price: Decimal) -> str:
    """A unit price with every digit it has (at least cents): $0.10, $0.0231, $2.5."""
    text = plain_number(price)
    if "." not in text:
        text += ".00"
    elif len(text.split(".")[1]) == 1:
        text += "0"
    return f"${text}"
