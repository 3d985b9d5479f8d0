"""Cost-model bands calibrated from the backtest errors of the rate behind each leg.

A projection ``h`` months ahead is ``p(h) = cost · f^(-h/12)``. On history, the realized
value was ``p(h) · 10^e`` with ``e`` the backtest error (:mod:`warehouse.backtest.rolling`).
So the calibrated projection is::

    central  = p(h) · 10^median(e)             the fitted rate, corrected by its bias
    band     = p(h) · 10^[q05(e), q95(e)]       90% of realized values fell inside on history

with the quantiles of the pooled backtest of the leg's method at the tested horizon ``H``
(6 or 12 months): the tested one nearest below ``h`` (else the shortest), scaled by ``h / H``
(an error in a rate grows linearly with the horizon; 24 months uses twice the 12-month
errors). The threshold frontier never rises (it is the cheapest price so far), so its band
never goes above today's cost.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import duckdb

from warehouse.backtest.rolling import HORIZONS, Summary


@dataclass(frozen=True)
class Calibration:
    """The backtest errors of one leg's method, per tested horizon."""

    leg: str
    method: str
    series: str
    summaries: Mapping[int, Summary]
    never_above_today: bool = False

    def _tested(self, months: int) -> Summary | None:
        usable = {h: s for h, s in self.summaries.items() if s.n and s.band_low is not None}
        if not usable:
            return None
        below = [h for h in usable if h <= months]
        return usable[max(below) if below else min(usable)]

    def log_band(self, months: int) -> tuple[float, float, float] | None:
        """``(median, q05, q95)`` of log10(realized / projected) at ``months``, or None."""
        summary = self._tested(months)
        if summary is None or months == 0:
            return None
        scale = months / summary.horizon
        return summary.bias * scale, summary.band_low * scale, summary.band_high * scale

    def describe(self, months: int = 12) -> str:
        """The backtest error and coverage for people, at the tested horizon nearest below."""
        s = self._tested(months)
        if s is None:
            return f"no backtest of {self.leg} / {self.method}: band from the fit only"
        return (
            f"backtest {self.method} ({_series(self.series)}), {s.horizon} months ahead, "
            f"{s.n} forecasts {s.first_origin:%Y-%m}..{s.last_origin:%Y-%m}: median error "
            f"×{10**s.median_abs_error:.3g} ({s.median_abs_error:.3f} log10), bias "
            f"{s.bias:+.3f} (realized ×{10**s.bias:.3g} the projection, the correction); "
            f"{s.coverage_fit_band:.0%} inside the fit's 90% interval, "
            f"{s.coverage_calibrated:.0%} inside the calibrated band "
            f"×{10**s.band_low:.3g}..×{10**s.band_high:.3g}{_realtime(s)}"
        )


def _realtime(s: Summary) -> str:
    """The real-time coverage: each forecast against the band known at its origin."""
    if s.coverage_realtime is None:
        return ""
    return f"; in real time {s.coverage_realtime:.0%} ({s.n_realtime} forecasts)"


def _series(name: str) -> str:
    return "every series pooled" if name == "*" else name


def leg_calibration(con: duckdb.DuckDBPyConnection, leg: str, method: str) -> Calibration:
    """The pooled backtest of a leg's method on the warehouse, as a calibration."""
    from warehouse.backtest.legs import POOLED, leg_forecasts
    from warehouse.backtest.rolling import summarize

    forecasts = [f for fs in leg_forecasts(con, leg, method, HORIZONS).values() for f in fs]
    summaries = {h: summarize(forecasts, h) for h in HORIZONS}
    return Calibration(leg, method, POOLED, summaries, never_above_today=method == "frontier")
