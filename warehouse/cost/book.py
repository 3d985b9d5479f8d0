"""The warehouse as a price book: prices in force today and fitted decline rates.

Prices (all USD, exact Decimals):

- GPU-hour: the median over providers of each provider's median on-demand per-GPU-hour price
  in force for the accelerator (``compute_prices``; listings seen within a year of the newest
  compute observation), so a cloud listing one machine in thirty regions counts once; or one
  provider's median when the workload names it.
- kWh: the newest US average retail price of the sector (EIA).
- GB-month, GB transferred: each provider's newest published price (``standard`` storage
  class unless the workload names a tier), then the median over providers; or one provider's.
- LLM tokens: see ``warehouse.cost.llm_prices``.

Rates: the GEKS index of the leg (``gpu_hour`` of the accelerator, else of its family;
``electricity`` of the sector; ``storage`` of the class; else the leg's ``all`` segment: the
first with at least 24 published months), fitted over its last 36 months up to its last
published month, on published months only (coverage rules, ``warehouse.indices.coverage``);
for an LLM capability threshold, the threshold-frontier rate of the benchmark at the highest
threshold not above the workload's score. Indices missing from ``index_values`` are built
first. Each rate carries the calibration of its leg and method from the rolling-origin
backtest (``warehouse.backtest.calibration``), which sets the projection's band.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from statistics import median

import duckdb

from warehouse.backtest.calibration import Calibration, leg_calibration
from warehouse.cost import llm_prices
from warehouse.cost.model import Rate
from warehouse.cost.pricing import PricingError, Quote, TokenQuote
from warehouse.cost.workload import LlmLeg
from warehouse.indices import build
from warehouse.indices.coverage import covered_rate
from warehouse.indices.headline import window_start
from warehouse.indices.store import read_index
from warehouse.sqlfiles import sql

MAX_AGE_DAYS = 365
MIN_RATE_MONTHS = 24


def _median(values: list[Decimal]) -> Decimal:
    return Decimal(median(values))  # the mean of two Decimals stays exact


def _rows(con: duckdb.DuckDBPyConnection, name: str, params: dict) -> list[dict]:
    cursor = con.execute(sql(name), params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


class WarehousePriceBook:
    """Prices in force and decline rates read from (and, for missing indices, written to)
    the warehouse."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        self._calibrations: dict[tuple[str, str], Calibration] = {}

    def calibration(self, leg: str, method: str) -> Calibration:
        """The backtest calibration of a leg's method (computed once per book)."""
        key = (leg, method)
        if key not in self._calibrations:
            self._calibrations[key] = leg_calibration(self.con, leg, method)
        return self._calibrations[key]

    # --- prices -----------------------------------------------------------------------
    def gpu_hour(self, accelerator: str, provider: str | None) -> Quote:
        rows = _rows(
            self.con,
            "cost_gpu_prices",
            {"accelerator": accelerator, "provider": provider, "max_age_days": MAX_AGE_DAYS},
        )
        if not rows:
            who = f" from {provider}" if provider else ""
            raise PricingError(
                f"no on-demand {accelerator} price{who} in force in the warehouse "
                "(give price_per_hour, or load compute prices)"
            )
        by_provider: dict[str, list[Decimal]] = {}
        for row in rows:
            by_provider.setdefault(row["provider"], []).append(row["per_gpu_hour"])
        price = _median([_median(prices) for prices in by_provider.values()])
        return Quote(
            price,
            f"median over {len(by_provider)} providers of their median on-demand {accelerator}"
            f" price in force ({len(rows)} listings: {', '.join(sorted(by_provider))})",
        )

    def board_power_kw(self, accelerator: str) -> Decimal | None:
        row = self.con.execute(
            "SELECT board_power_w FROM accelerators WHERE id = ?", [accelerator]
        ).fetchone()
        if row is None or row[0] is None:
            return None
        return Decimal(row[0]) / 1000

    def kwh(self, sector: str) -> Quote:
        rows = _rows(
            self.con,
            "cost_latest_prices",
            {"leg": "energy", "component": "kwh", "provider": None, "tier": sector, "region": "US"},
        )
        if not rows:
            raise PricingError(
                f"no US {sector} electricity price in the warehouse (give price_per_kwh)"
            )
        newest = rows[0]
        return Quote(
            newest["price"],
            f"{newest['source']}: US {sector} average from {newest['valid_from']:%Y-%m}",
        )

    def _median_of(self, component: str, provider: str | None, tier: str | None) -> Quote:
        """Each provider's newest published price (its most recent valid_from: datasets never
        close a price, so an old price stays "in force"), then the median over providers."""
        rows = _rows(
            self.con,
            "cost_latest_prices",
            {
                "leg": "data",
                "component": component,
                "provider": provider,
                "tier": tier,
                "region": None,
            },
        )
        if not rows:
            raise PricingError(
                f"no {component} price in force for provider={provider or 'any'}, "
                f"tier={tier or 'any'} (give the price in the workload)"
            )
        newest: dict[str, list[dict]] = {}
        for row in rows:  # newest first
            kept = newest.setdefault(row["provider"], [row])
            if row is not kept[0] and row["valid_from"] == kept[0]["valid_from"]:
                kept.append(row)
        price = _median([_median([r["price"] for r in kept]) for kept in newest.values()])
        described = ", ".join(
            f"{name} from {kept[0]['valid_from']:%Y-%m-%d}" for name, kept in sorted(newest.items())
        )
        return Quote(
            price,
            f"median over providers of their newest {component} price"
            f"{' (tier ' + tier + ')' if tier else ''}: {described}",
        )

    def storage(self, provider: str | None, tier: str | None) -> Quote:
        return self._median_of("gb_month", provider, tier or "standard")

    def egress(self, provider: str | None, tier: str | None) -> Quote:
        return self._median_of("egress_gb", provider, tier)

    def llm_model(self, model: str, source: str | None) -> TokenQuote:
        return llm_prices.model_quote(self.con, model, source)

    def llm_threshold(self, leg: LlmLeg) -> TokenQuote:
        return llm_prices.threshold_quote(self.con, leg)

    # --- rates ------------------------------------------------------------------------
    def _index_rate(self, leg: str, index: str, segments: list[str]) -> Rate | None:
        """The first segment with at least 24 published months in its last 36 (else the
        longest)."""
        if not self.con.execute(
            "SELECT count(*) FROM index_values WHERE index = ?", [index]
        ).fetchone()[0]:
            build.build_index(self.con, index, **build.llm_inputs(self.con, index))
        fits = []
        for segment in segments:
            series = read_index(self.con, index, segment, build.GEKS)
            rate, _ = covered_rate(series, window_start(series))
            if rate is not None:
                fits.append((segment, rate))
        if not fits:
            return None
        enough = [fit for fit in fits if fit[1].n_points >= MIN_RATE_MONTHS]
        segment, rate = enough[0] if enough else max(fits, key=lambda fit: fit[1].n_points)
        return Rate(
            rate.factor_per_year,
            rate.ci90_low,
            rate.ci90_high,
            f"{index} index, {segment}, GEKS {rate.start_date:%Y-%m}..{rate.end_date:%Y-%m}"
            f" ({rate.n_points} months): {rate.factor_per_year:.3g}×/yr",
            self.calibration(leg, build.GEKS),
        )

    def rate(self, leg: str, key: str | None) -> Rate | None:
        if leg == "compute":
            family = build.accelerator_family(key, None)
            segments = [f"accelerator:{key}", f"family:{family}"] if key and family else []
            return self._index_rate(leg, "gpu_hour", [*segments, build.ALL])
        if leg == "energy":
            return self._index_rate(leg, "electricity", [f"sector:{key}", build.ALL])
        if leg == "data":
            tier = (key or "standard").split(":", 1)[0]
            return self._index_rate(leg, "storage", [f"tier:{tier}", build.ALL])
        if leg == "llm":
            if key:
                rate = llm_prices.frontier_rate(self.con, key)
                if rate is None:
                    return None
                return replace(rate, calibration=self.calibration(leg, "frontier"))
            return self._index_rate(leg, "llm_tokens", [build.ALL])
        raise KeyError(leg)
