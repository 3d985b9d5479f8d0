"""The threshold-frontier decline rate of Epoch AI's 2025 study.

Epoch AI, "LLM inference prices have fallen rapidly but unequally across tasks" (2025-03-12,
https://epoch.ai/data-insights/llm-inference-price-trends; code and data in
epoch-research/llm-benchmark-efficiency). For one benchmark:

1. **Listings.** One listing is a model's price at a date together with its score: the price
   is a blend of 3 input tokens to 1 output token, USD per 1M tokens (or the source's own
   blended price where only that exists). A price cut is a new listing at its date.
   Reasoning models (o1, o1-mini, o1-preview, o3-mini, DeepSeek-R1) are left out unless asked
   for: they spend many hidden tokens per answer, so their per-token price is not the price
   of the capability.
2. **Thresholds.** The scores of models that were top-1 on the benchmark at their date: in
   date order, a date's best score is a threshold when it is strictly above every earlier
   date's best. On the multiple-choice benchmarks (MMLU, GPQA Diamond) only thresholds of at
   least 30 count (chance level sits at 25); Arena Elo has no upper bound, so any score above
   the threshold qualifies.
3. **Frontier points.** Walk the listings in date order and keep each one that scores at or
   above the threshold and is strictly cheaper than every listing kept before it; of the
   listings on one date keep only the cheapest.
4. **Fit.** Ordinary least squares of log10(price) on time in years (days / 365, as in
   Epoch's code). The price falls by ``factor = 10^(-slope)`` per year; its 90% confidence
   interval comes from the slope's t interval with n - 2 degrees of freedom; ``r²`` as
   usual. A threshold needs at least 4 points.

Run on Epoch's own data this reproduces every row of the study's published results table
(``results/default/lowest_price_models_above_previous_frontier/``) to float precision: see
tests/test_index_frontier.py.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from itertools import groupby

from warehouse.indices.stats import fit_line

# The models the study excluded as reasoning models (names compared case- and space-blind).
REASONING_MODELS = ("o1", "o1-mini", "o1-preview", "o3-mini", "DeepSeek-R1")
# Multiple-choice benchmarks: thresholds below this score are near chance and not reported.
MULTIPLE_CHOICE_MIN_THRESHOLD = {"mmlu": 30.0, "gpqadiamond": 30.0}
MIN_POINTS = 4
CONFIDENCE = 0.90
DAYS_PER_YEAR = 365.0
INPUT_SHARE = 0.75  # the 3:1 blend: three input tokens for every output token


@dataclass(frozen=True)
class Listing:
    """A model's blended price (USD per 1M tokens) and benchmark score at a date.

    ``model`` is the name as listed (shown as the threshold model); ``model_id`` the canonical
    model when known, also used to recognise reasoning models behind any listing name.
    """

    model: str
    day: date
    price: float
    score: float
    model_id: str | None = None

    @property
    def reasoning(self) -> bool:
        return is_reasoning_model(self.model) or bool(
            self.model_id and is_reasoning_model(self.model_id)
        )


@dataclass(frozen=True)
class FrontierRate:
    """One benchmark × threshold row of the study's results table."""

    benchmark: str
    threshold_model: str
    threshold_score: float
    n_points: int
    start_date: date
    end_date: date
    factor_per_year: float
    ci90_low: float
    ci90_high: float
    r_squared: float
    points: tuple[Listing, ...]


def blend(input_price: float, output_price: float) -> float:
    """The 3:1 blended price of separate input and output prices."""
    return INPUT_SHARE * input_price + (1.0 - INPUT_SHARE) * output_price


def benchmark_key(name: str) -> str:
    """A benchmark name as lower-case letters and digits ('GPQA Diamond' → 'gpqadiamond')."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _model_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


_REASONING_KEYS = {_model_key(name) for name in REASONING_MODELS}


@lru_cache(maxsize=65536)  # called per listing and benchmark: a few names, many calls
def is_reasoning_model(name: str) -> bool:
    """True for the study's reasoning models, also as dated snapshots ('o1-2024-12-17'),
    behind a provider path ('openrouter/openai/o1-mini') or with a variant ('deepseek-r1:free')."""
    key = _model_key(name.rsplit("/", 1)[-1].split(":", 1)[0])
    if key in _REASONING_KEYS:
        return True
    dated = r"(-\d{4}-\d{2}-\d{2}|-\d{4})"
    return any(re.fullmatch(re.escape(r) + dated, key) for r in _REASONING_KEYS)


def _by_day(listings: Iterable[Listing]) -> list[tuple[date, list[Listing]]]:
    ordered = sorted(listings, key=lambda item: (item.day, item.price, item.model))
    return [(day, list(group)) for day, group in groupby(ordered, key=lambda item: item.day)]


def thresholds(listings: Iterable[Listing], benchmark: str) -> list[Listing]:
    """The listings that were top-1 at their date, as thresholds (in date order).

    A date's best listing is a threshold when its score is strictly above the best of every
    earlier date (ties on one date: the cheapest, then by name). Multiple-choice benchmarks
    report only thresholds of at least 30.
    """
    return _thresholds(_by_day(listings), benchmark)


def _thresholds(days: list[tuple[date, list[Listing]]], benchmark: str) -> list[Listing]:
    floor = MULTIPLE_CHOICE_MIN_THRESHOLD.get(benchmark_key(benchmark))
    found: list[Listing] = []
    best_so_far = float("-inf")
    for _, same_day in days:
        top_score = max(item.score for item in same_day)
        if top_score > best_so_far:
            top = next(item for item in same_day if item.score == top_score)
            if floor is None or top.score >= floor:
                found.append(top)
            best_so_far = top_score
    return found


def frontier_points(listings: Iterable[Listing], threshold: float) -> list[Listing]:
    """The falling price frontier at a threshold: each listing scoring at or above it that is
    strictly cheaper than every earlier kept one; of one date's listings, the cheapest."""
    return _frontier_points(_by_day(listings), threshold)


def _frontier_points(days: list[tuple[date, list[Listing]]], threshold: float) -> list[Listing]:
    kept: list[Listing] = []
    for _, same_day in days:
        eligible = [item for item in same_day if item.score >= threshold]
        if not eligible:
            continue
        cheapest = eligible[0]  # _by_day sorts each date by price, then name
        if not kept or (cheapest.price < kept[-1].price and not restated(kept[-1], cheapest)):
            kept.append(cheapest)
    return kept


# A move smaller than this (relative) is never a price change; below RESTATED_TOLERANCE it is
# none when the finer price rounds to the coarser (docs/input-hygiene.md, "Re-rounding").
NOISE_TOLERANCE = 0.001
RESTATED_TOLERANCE = 0.01


def _places(value: float) -> int:
    """Decimal places of a price as its shortest text shows them (2.19 → 2, 2.1875 → 4)."""
    exponent = Decimal(repr(value)).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def same_published_price(first: float, second: float) -> bool:
    """True when two prices are one published price: within 0.1% of each other, or within 1%
    with the finer one rounding to the coarser at the coarser one's decimals (at least one):
    $2.19 and the blend $2.1875 of Gemini 1.5 Pro's $1.25 / $5; 0.75 and 0.7499999999999999.
    The same rule as history_index_rows (migration 011)."""
    if first <= 0 or second <= 0:
        return False
    relative = abs(first - second) / max(first, second)
    if relative < NOISE_TOLERANCE:
        return True
    if relative >= RESTATED_TOLERANCE:
        return False
    coarse, fine = sorted((first, second), key=_places)
    places = _places(coarse)  # a whole-number price carries no rounding to undo
    return places > 0 and math.isclose(round(fine, places), coarse, rel_tol=1e-12)


def restated(kept: Listing, candidate: Listing) -> bool:
    """The candidate is the kept frontier point's own model (canonical id) at the same
    published price: a restatement by another source or rounding (Gemini 1.5 Pro $2.19 then
    $2.1875), not a price cut, so it is no new frontier point."""
    return (
        kept.model_id is not None
        and kept.model_id == candidate.model_id
        and same_published_price(kept.price, candidate.price)
    )


def years(day: date) -> float:
    """Time in years (days / 365 since 0001-01-01); only differences matter for the slope."""
    return day.toordinal() / DAYS_PER_YEAR


def fit_frontier(
    benchmark: str, threshold: Listing, points: Sequence[Listing], level: float = CONFIDENCE
) -> FrontierRate:
    """OLS of log10(price) on years through the frontier points."""
    fit = fit_line([years(p.day) for p in points], [math.log10(p.price) for p in points])
    slope_low, slope_high = fit.slope_interval(level)
    return FrontierRate(
        benchmark=benchmark,
        threshold_model=threshold.model,
        threshold_score=threshold.score,
        n_points=len(points),
        start_date=points[0].day,
        end_date=points[-1].day,
        factor_per_year=10.0 ** (-fit.slope),
        ci90_low=10.0 ** (-slope_high),
        ci90_high=10.0 ** (-slope_low),
        r_squared=fit.r_squared,
        points=tuple(points),
    )


def frontier_rates(
    listings_by_benchmark: Mapping[str, Iterable[Listing]],
    include_reasoning: bool = False,
    min_points: int = MIN_POINTS,
) -> list[FrontierRate]:
    """Every benchmark × threshold with at least ``min_points`` frontier points.

    Args:
        listings_by_benchmark: for each benchmark, every priced listing that has a score on it.
        include_reasoning: keep the reasoning models (the study leaves them out).
        min_points: fewest frontier points a fit needs (the study: 4).
    """
    rates: list[FrontierRate] = []
    for benchmark, listings in listings_by_benchmark.items():
        pool = [
            item
            for item in listings
            if item.price > 0 and (include_reasoning or not item.reasoning)
        ]
        days = _by_day(pool)  # sorted once per benchmark, not once per threshold
        for threshold in _thresholds(days, benchmark):
            points = _frontier_points(days, threshold.score)
            if len(points) >= max(min_points, 3):
                rates.append(fit_frontier(benchmark, threshold, points))
    return rates
