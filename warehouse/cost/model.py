"""The cost model P = C + E + D: today exact, and projected along fitted decline rates.

Today's cost of each leg is an exact Decimal product of quantities and prices in force:
compute ``C = GPU-hours × price per GPU-hour`` (or, for an LLM workload, tokens × price per
token), energy ``E = kWh × price per kWh``, data ``D = GB-months × price per GB-month + GB
transferred × price per GB``, and ``P = C + E + D``.

A projection ``h`` months ahead multiplies each leg by ``f^(-h/12)``, ``f`` being the leg's
decline factor per year. When the rate carries a backtest calibration
(:mod:`warehouse.backtest.calibration`), the projection is corrected by the backtest's median
error and its band is the 5th..95th percentile of the backtest errors (on history, 90% of
realized values fell inside); otherwise (a rate given in the workload) the band uses the ends
of the factor's 90% interval (the faster decline gives the low cost). ``P``'s band adds the
legs' bands, i.e. assumes their errors move together: wider, never narrower, than the
truth. A leg without a rate is held constant. Projected amounts are rounded to the
warehouse's 12 decimals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from warehouse.backtest.calibration import Calibration

HORIZONS = (0, 6, 12, 24)
LEGS = ("C", "E", "D")
_STORED = Decimal("1e-12")
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class Rate:
    """A decline factor per year with its 90% interval, and where it came from."""

    factor_per_year: float
    ci90_low: float
    ci90_high: float
    basis: str
    calibration: Calibration | None = None


@dataclass(frozen=True)
class LegCost:
    """One leg of P today: what was priced, how, and at what cost."""

    leg: str  # 'C', 'E' or 'D'
    label: str  # 'compute', 'llm tokens', 'energy', 'data'
    detail: str  # the arithmetic, for people: "800 GPU-hours × $2.50"
    cost: Decimal
    price_basis: str  # where the price came from
    rate: Rate | None = None


@dataclass(frozen=True)
class Projection:
    """One leg (or P) at one horizon."""

    horizon_months: int
    leg: str
    cost: Decimal
    low: Decimal
    high: Decimal
    factor_per_year: float | None
    basis: str
    # Along the fitted rate alone, before the backtest's bias correction: beside ``cost`` so a
    # reader sees how much of the projection is the rate and how much the correction.
    rate_only: Decimal | None = None


def multiplier(factor_per_year: float, months: int) -> Decimal:
    """``f^(-months/12)`` as a Decimal (exactly 1 at month 0)."""
    if months == 0:
        return Decimal(1)
    return Decimal(repr(factor_per_year ** (-months / 12.0)))


def _scaled(cost: Decimal, factor: float, months: int, log_shift: float = 0.0) -> Decimal:
    shift = Decimal(1) if log_shift == 0.0 else Decimal(repr(10.0**log_shift))
    return (cost * multiplier(factor, months) * shift).quantize(_STORED)


def _projected(cost: Decimal, rate: Rate, months: int) -> tuple[Decimal, Decimal, Decimal]:
    """(central, low, high) of one leg ``months`` ahead."""
    band = rate.calibration.log_band(months) if rate.calibration else None
    if band is None:
        return (
            _scaled(cost, rate.factor_per_year, months),
            _scaled(cost, rate.ci90_high, months),
            _scaled(cost, rate.ci90_low, months),
        )
    center, low, high = (_scaled(cost, rate.factor_per_year, months, shift) for shift in band)
    if rate.calibration.never_above_today:
        today = cost.quantize(_STORED)
        center, low, high = min(center, today), min(low, today), min(high, today)
    return center, low, high


def total(legs: Sequence[LegCost]) -> Decimal:
    """P = C + E + D, exact."""
    return sum((leg.cost for leg in legs), Decimal(0))


def project(legs: Sequence[LegCost], horizons: Sequence[int] = HORIZONS) -> list[Projection]:
    """Every leg and P at every horizon (0 = today)."""
    rows: list[Projection] = []
    for months in horizons:
        at_horizon = []
        for leg in legs:
            if leg.rate is None or months == 0:
                cost = leg.cost if months == 0 else leg.cost.quantize(_STORED)
                low = high = rate_only = cost
                factor = leg.rate.factor_per_year if leg.rate else None
                basis = leg.price_basis if months == 0 else "held constant: no decline rate"
            else:
                cost, low, high = _projected(leg.cost, leg.rate, months)
                rate_only = _scaled(leg.cost, leg.rate.factor_per_year, months)
                factor = leg.rate.factor_per_year
                basis = leg.rate.basis
                if leg.rate.calibration is not None:  # csv/json rows carry it too
                    basis += f"; band: {leg.rate.calibration.describe(months)}"
            at_horizon.append(
                Projection(months, leg.leg, cost, low, high, factor, basis, rate_only)
            )
        rows += at_horizon
        rows.append(
            Projection(
                months,
                "P",
                sum((r.cost for r in at_horizon), Decimal(0)),
                sum((r.low for r in at_horizon), Decimal(0)),
                sum((r.high for r in at_horizon), Decimal(0)),
                None,
                "P = C + E + D" if months == 0 else "sum of the legs; band: sum of their bands",
                sum((r.rate_only for r in at_horizon), Decimal(0)),
            )
        )
    return rows


def dollars(amount: Decimal) -> str:
    """Money for people: $1,234.57 (half up to the cent)."""
    return f"${amount.quantize(_CENT, rounding=ROUND_HALF_UP):,}"


def plain_number(value: Decimal) -> str:
    """A quantity without exponent or trailing zeros: 100, 0.5, 2000000000."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
