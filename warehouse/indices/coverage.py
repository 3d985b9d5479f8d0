"""Coverage rules: when an index value or a decline rate is published, and why not.

A matched-model index is an average over items; on one or two items it is just those items'
prices, and one scheduled price rise or one unit slip moves "the index" by 50%. So:

- **Index values.** A month's value is published only when at least :data:`MIN_ITEMS` items
  stand behind it (GEKS and hedonic: items priced in the month; chained Jevons: items matched
  in the link into the month). Every value carries its item count; the rest are kept in
  ``index_values`` (with ``min_items``, the floor they were built under) but the marts show
  them as not published, with the reason.
- **Decline rates.** A rate is fitted on the published months of its window only, and needs
  at least :data:`MIN_RATE_POINTS` of them; a segment whose window has no month with
  :data:`MIN_ITEMS` items (so fewer than ``MIN_ITEMS`` items over its window) gets no rate,
  and the reason is stored (``withheld_rates``).

``MIN_ITEMS`` is the one setting of these rules (5: below it one item is at least a fifth of
the geometric mean). The threshold frontier keeps its own rule (at least 4 frontier points,
Epoch AI's), because its points are a sequence of record prices, not an average.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from warehouse.indices.rates import DeclineRate, decline_rate

MIN_ITEMS = 5
MIN_RATE_POINTS = 3


def is_published(items: int, min_items: int = MIN_ITEMS) -> bool:
    """Whether a value resting on ``items`` items is published."""
    return items >= min_items


def withheld_reason(items: int, min_items: int = MIN_ITEMS) -> str | None:
    """Why a value on ``items`` items is not published (None when it is)."""
    if is_published(items, min_items):
        return None
    return f"{items} item{'' if items == 1 else 's'} < {min_items}"


@dataclass(frozen=True)
class RateCoverage:
    """What a decline rate of one index series was (or would have been) fitted on.

    Attributes:
        months: index values in the window.
        months_published: of them, those with at least ``min_items`` items (the fitted ones).
        fewest_items: fewest items behind a fitted month (0 when none is fitted).
        most_items: most items behind any month of the window.
        min_items: the item floor applied.
        reason: why no rate was published (None when one was).
    """

    months: int
    months_published: int
    fewest_items: int
    most_items: int
    min_items: int
    reason: str | None

    @property
    def published(self) -> bool:
        return self.reason is None


def covered_rate(
    series: Sequence[tuple[date, float, int]],
    since: date | None = None,
    min_items: int = MIN_ITEMS,
) -> tuple[DeclineRate | None, RateCoverage]:
    """The decline rate of ``(period, value, items)`` points fitted on published months only.

    Returns ``(None, coverage)`` with ``coverage.reason`` set when the window has fewer than
    :data:`MIN_RATE_POINTS` published months (or no fit is possible).
    """
    window = [p for p in series if since is None or p[0] >= since]
    fitted = [p for p in window if is_published(p[2], min_items) and p[1] > 0]
    most = max((p[2] for p in window), default=0)
    fewest = min((p[2] for p in fitted), default=0)

    def coverage(reason: str | None) -> RateCoverage:
        return RateCoverage(len(window), len(fitted), fewest, most, min_items, reason)

    if not fitted:
        return None, coverage(
            f"no month with {min_items} items (at most {most}) in {len(window)} months"
        )
    if len(fitted) < MIN_RATE_POINTS:
        return None, coverage(
            f"{len(fitted)} of {len(window)} months have {min_items} items; "
            f"a rate needs {MIN_RATE_POINTS}"
        )
    try:
        rate = decline_rate([(p[0], p[1]) for p in fitted])
    except ValueError as problem:
        return None, coverage(str(problem))
    return rate, coverage(None)
