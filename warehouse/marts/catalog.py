"""What every mart and every mart column means: the contract downstream tools rely on.

This module is the ONE place the marts are documented. The views themselves are SQL
(``warehouse/migrations/009_marts.sql``); the docs site's Marts page (docs/marts.md) is
generated from here (``python -m warehouse.marts.docs``), and ``tests/test_marts.py`` fails when
the views' columns and types, this catalog and that page disagree. Changing a mart means a new
migration (``CREATE OR REPLACE VIEW``) and its entry here, in the same change.

Types are DuckDB's, as ``DESCRIBE`` reports them. Money is ``DECIMAL(28,12)`` (exact); ratios,
index levels and rates are ``DOUBLE``; timestamps are UTC without zone.
"""

from __future__ import annotations

from dataclasses import dataclass

MONEY = "DECIMAL(28,12)"


@dataclass(frozen=True)
class Column:
    """One column of a mart: its name, DuckDB type and meaning."""

    name: str
    type: str
    description: str


@dataclass(frozen=True)
class Mart:
    """One mart view.

    Attributes:
        name: The view's name.
        grain: What one row is.
        description: What the mart is for and how it is computed, in a sentence or two.
        columns: Every column, in the view's order.
        order_by: The order exports and the dashboard read it in (deterministic output).
        partition_by: Columns a Parquet export partitions by (hive style, ``leg=llm/``);
            empty for marts small enough that one file serves best.
    """

    name: str
    grain: str
    description: str
    columns: tuple[Column, ...]
    order_by: tuple[str, ...]
    partition_by: tuple[str, ...] = ()

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _c(name: str, type_: str, description: str) -> Column:
    return Column(name, type_, description)


LEG = _c("leg", "VARCHAR", "`llm`, `compute`, `energy` or `data`")
SOURCE_KIND = _c(
    "source_kind",
    "VARCHAR",
    "what kind of publisher the source is (`source_kinds`, declared on each source): "
    "`first_party_page`, `first_party_api`, `third_party_scrape`, `aggregator`, `dataset`, "
    "`unknown`",
)

MARTS: tuple[Mart, ...] = (
    Mart(
        name="mart_current_prices",
        grain="model × component × tier × currency (LLM), or provider × sku × component × "
        "tier × region × currency (compute, energy, data)",
        description="The list price in force now, with the source that says so and since "
        "when. LLM prices are the `prices_in_force` view's choice among every listing of the "
        "model (first-party page > first-party API > aggregator > dataset; LLM listings that "
        "resolve to no model are not here, see `deflator models --unmatched`). Compute, "
        "energy and data: the open `price_history` row of each listing; where several "
        "sources list the same one, the better kind of source wins, then the most recently "
        "observed.",
        columns=(
            LEG,
            _c("model_id", "VARCHAR", "canonical model (`models`); NULL outside the LLM leg"),
            _c("provider", "VARCHAR", "who sells it, as the source names it"),
            _c("sku", "VARCHAR", "the listing: model id, instance type, service"),
            _c(
                "component",
                "VARCHAR",
                "`input`, `output`, `cached_input`, `gpu_hour`, "
                "`instance_hour`, `kwh`, `gb_month`, `egress_gb`…",
            ),
            _c(
                "tier",
                "VARCHAR",
                "`standard` or the condition (`batch`, `spot`, "
                "`prompt>200k`, an electricity sector, a storage class…)",
            ),
            _c("region", "VARCHAR", "`global` unless the source prices by region"),
            _c(
                "currency",
                "VARCHAR",
                "as published (`USD`, `CNY`…), never converted (`price_usd` is the USD value)",
            ),
            _c(
                "unit",
                "VARCHAR",
                "the canonical unit: `per_1m_tokens`, `per_hour`, "
                "`per_kwh`, `per_gb_month`, `per_gb`",
            ),
            _c("price", MONEY, "the list price in `unit`, exact"),
            _c(
                "accelerator",
                "VARCHAR",
                "compute: catalog id (`H100-SXM-80GB`), NULL when the source does not say enough",
            ),
            _c("accelerator_count", "INTEGER", "compute: accelerators per instance"),
            _c(
                "per_gpu_hour",
                MONEY,
                "compute: price per GPU-hour (an instance price ÷ "
                "its accelerators, rounded to 12 decimals); NULL when unknown",
            ),
            _c("source", "VARCHAR", "the source whose price this is"),
            SOURCE_KIND,
            _c(
                "valid_from",
                "TIMESTAMP",
                "since when this is the price (LLM: since when this "
                "listing is the model's list price)",
            ),
            _c("last_observed_at", "TIMESTAMP", "the last time a parser read this price"),
            _c(
                "price_usd",
                MONEY,
                "`price` in USD at the ECB reference rate of the price's date (the UTC date of "
                "`last_observed_at`; the latest rate on or before it, at most 7 days back), "
                "rounded to 12 decimals; = `price` for USD; NULL when no rate (see `usd_note`)",
            ),
            _c(
                "usd_rate",
                "DECIMAL(28,16)",
                "USD per 1 unit of `currency` used (ECB cross rate USD/currency); 1 for USD",
            ),
            _c("usd_rate_date", "DATE", "the ECB reference date of `usd_rate`; NULL for USD"),
            _c("usd_note", "VARCHAR", "why `price_usd` is NULL (no rate within 7 days)"),
            _c(
                "usd_rank",
                "BIGINT",
                "1 = cheapest in USD among the prices of the same leg, component, tier and "
                "unit, across currencies; NULL without `price_usd`",
            ),
        ),
        order_by=("leg", "model_id", "provider", "sku", "component", "tier", "region", "currency"),
        partition_by=("leg",),
    ),
    Mart(
        name="mart_price_changes",
        grain="event of a price series: its first price, a move, a return, a withdrawal",
        description="Every price change of every series in `price_history` (each source "
        "keeps its own series). Read the latest moves with "
        "`where change in ('down', 'up') order by changed_at desc`.",
        columns=(
            LEG,
            _c("month", "DATE", "first day of the month of `changed_at`"),
            _c(
                "changed_at",
                "TIMESTAMP",
                "when the new price took effect (its `valid_from`), "
                "or when a withdrawn price ended",
            ),
            _c(
                "change",
                "VARCHAR",
                "`first` (the series' first price), `down`, `up`, "
                "`relisted` (back after a withdrawal), `withdrawn` (the source stopped listing "
                "it; `new_price` NULL)",
            ),
            _c("source", "VARCHAR", "the source of the series"),
            SOURCE_KIND,
            _c("provider", "VARCHAR", "who sells it"),
            _c("sku", "VARCHAR", "the listing"),
            _c(
                "model_id", "VARCHAR", "LLM: the canonical model the listing resolves to, else NULL"
            ),
            _c("component", "VARCHAR", "price component"),
            _c("tier", "VARCHAR", "tier or condition"),
            _c("region", "VARCHAR", "region"),
            _c("currency", "VARCHAR", "currency as published"),
            _c("unit", "VARCHAR", "canonical unit"),
            _c("accelerator", "VARCHAR", "compute: catalog id"),
            _c("accelerator_count", "INTEGER", "compute: accelerators per instance"),
            _c("old_price", MONEY, "the price before (NULL for `first`)"),
            _c("new_price", MONEY, "the price after (NULL for `withdrawn`)"),
            _c("ratio", "DOUBLE", "`new_price / old_price`"),
            _c("percent", "DOUBLE", "`(ratio − 1) · 100`: −50 is a halving"),
            _c("run_id", "VARCHAR", "the run that recorded the change (`runs`)"),
        ),
        order_by=(
            "leg",
            "changed_at",
            "source",
            "provider",
            "sku",
            "component",
            "tier",
            "region",
            "currency",
            "change",
        ),
        # Not by month as well: measured on the recorded data, 572 month folders made the
        # export 13× larger (5.1 MB vs 0.4 MB) and a month-filtered read slower in DuckDB
        # (35 vs 4 ms) and pyarrow; `month` is a sorted column, so row groups prune.
        partition_by=("leg",),
    ),
    Mart(
        name="mart_gpu_prices_monthly",
        grain="month × accelerator family × provider",
        description="GPU price per GPU-hour over time: for each provider the median of its "
        "on-demand listings' prices in the month. A listing's monthly price is the last "
        "price in force during the month, a price still in force counting until its "
        "source's last observation (as in the indices); on-demand and the family follow the "
        "`gpu_hour` index (spot, preemptible, low-priority, reserved, committed-use, DWS and "
        "Windows tiers are left out). Provider `gpu-price-index` is a published market "
        "median, not a seller.",
        columns=(
            _c("month", "DATE", "first day of the month"),
            _c(
                "accelerator_family",
                "VARCHAR",
                "`H100`, `A100`, `H200`…: the catalog id's "
                "first part, or a bare published name (so SXM, PCIe and NVL mix)",
            ),
            _c("provider", "VARCHAR", "who sells it"),
            _c(
                "per_gpu_hour",
                MONEY,
                "median USD per GPU-hour over the provider's listings "
                "(mean of the middle two when even, 12 decimals)",
            ),
            _c("min_per_gpu_hour", MONEY, "cheapest listing"),
            _c("max_per_gpu_hour", MONEY, "dearest listing"),
            _c(
                "listings",
                "INTEGER",
                "listings priced that month (instance types × regions × tiers × sources)",
            ),
            _c("sources", "VARCHAR", "the sources behind them, comma-separated"),
        ),
        order_by=("month", "accelerator_family", "provider"),
    ),
    Mart(
        name="mart_index_monthly",
        grain="index × segment × method × month",
        description="The monthly price indices of `deflator indices` (first month of a "
        "segment = 100) with their leg, changes and coverage: a month with fewer than "
        "`min_items` items is not published (`value` NULL, `published` false, `reason` says "
        "why; docs/which-rate-to-quote.md). The methods are on the "
        "docs site's Methodology page.",
        columns=(
            _c("index", "VARCHAR", "`llm_tokens`, `gpu_hour`, `electricity`, `storage`, `egress`"),
            LEG,
            _c(
                "segment",
                "VARCHAR",
                "`all`, `first_party`, `family:H100`, `sector:industrial`, `tier:standard`…",
            ),
            _c("method", "VARCHAR", "`jevons`, `geks` or `hedonic`"),
            _c("month", "DATE", "first day of the month"),
            _c("value", "DOUBLE", "index level; NULL when not published"),
            _c(
                "items",
                "INTEGER",
                "jevons: matched items of the link; geks/hedonic: items priced in the month",
            ),
            _c(
                "pct_change_1m",
                "DOUBLE",
                "percent change from the month before (NULL unless both are published)",
            ),
            _c(
                "pct_change_12m",
                "DOUBLE",
                "percent change from the same month a year earlier (NULL unless both are "
                "published)",
            ),
            _c("published", "BOOLEAN", "`items` ≥ `min_items`: the value is published"),
            _c("min_items", "INTEGER", "the item floor the value was built under (5)"),
            _c(
                "reason", "VARCHAR", "why the value is not published (`2 items < 5`); NULL if it is"
            ),
            _c("computed_at", "TIMESTAMP", "when the index was built"),
        ),
        order_by=("index", "segment", "method", "month"),
        partition_by=("leg",),
    ),
    Mart(
        name="mart_decline_rates",
        grain="fitted decline rate: benchmark × threshold of the frontier, or index segment",
        description="How fast prices fall: the threshold-frontier rates of `deflator rates "
        "frontier` (kind `frontier`) and the index rates of `deflator rates index` (kind "
        "`index`), fitted on published months only. A rate falls by `factor_per_year` each "
        "year. An index series without enough coverage has a row with `published` false, "
        "NULL numbers and the `reason`.",
        columns=(
            _c("kind", "VARCHAR", "`frontier` or `index`"),
            LEG,
            _c("source", "VARCHAR", "frontier: the price source used, `*` = every source"),
            _c("include_reasoning", "BOOLEAN", "frontier: reasoning models kept"),
            _c("benchmark", "VARCHAR", "frontier: the benchmark (`gpqa_diamond`, `mmlu`…)"),
            _c(
                "threshold_model",
                "VARCHAR",
                "frontier: the model whose score is the threshold (top-1 at its date)",
            ),
            _c("threshold_score", "DOUBLE", "frontier: the threshold score"),
            _c("index", "VARCHAR", "index: which index"),
            _c("segment", "VARCHAR", "index: which segment"),
            _c("method", "VARCHAR", "index: which method"),
            _c("since", "DATE", "index: start of the fitted window (NULL = all)"),
            _c("n_points", "INTEGER", "points fitted"),
            _c("start_date", "DATE", "first point"),
            _c("end_date", "DATE", "last point"),
            _c(
                "factor_per_year",
                "DOUBLE",
                "price falls by this factor a year (10^−slope of log10 price on years)",
            ),
            _c("ci90_low", "DOUBLE", "90% interval of the factor, low end"),
            _c("ci90_high", "DOUBLE", "90% interval of the factor, high end"),
            _c("percent_per_year", "DOUBLE", "`(1 − 1/factor) · 100`; negative while prices rise"),
            _c(
                "halving_months",
                "DOUBLE",
                "months for the price to halve; NULL while it does not fall",
            ),
            _c("r_squared", "DOUBLE", "r² of the fit"),
            _c(
                "items",
                "INTEGER",
                "index: fewest items behind a fitted month (withheld: most items in any "
                "month); frontier: NULL",
            ),
            _c("min_items", "INTEGER", "index: the item floor applied (5); frontier: NULL"),
            _c("published", "BOOLEAN", "the rate is published"),
            _c("reason", "VARCHAR", "why not (`no month with 5 items (at most 1)…`)"),
            _c("computed_at", "TIMESTAMP", "when it was fitted"),
        ),
        order_by=(
            "kind",
            "source",
            "include_reasoning",
            "benchmark",
            "threshold_score",
            "index",
            "segment",
            "method",
            "since",
        ),
    ),
    Mart(
        name="mart_headline_rates",
        grain="leg × measure",
        description="The decline rate to quote per leg (`quote` true; `deflator rates "
        "headline`), with its method, window, items and 90% interval; for LLM tokens the "
        "threshold frontier (quoted), matched-model and hedonic rates side by side. See "
        "docs/which-rate-to-quote.md.",
        columns=(
            LEG,
            _c("measure", "VARCHAR", "`frontier`, `matched-model` or `hedonic`"),
            _c(
                "quote",
                "BOOLEAN",
                "the rate to quote for this leg; false for the measures shown beside it and "
                "for a leg with no rate (`note` says why)",
            ),
            _c("index", "VARCHAR", "the index (NULL for the frontier)"),
            _c("segment", "VARCHAR", "index segment, or `median of N thresholds`"),
            _c("method", "VARCHAR", "`geks`, `hedonic` or `frontier`"),
            _c("window_start", "DATE", "first month (frontier: first point) fitted"),
            _c("window_end", "DATE", "last month (frontier: last point) fitted"),
            _c("n_points", "INTEGER", "months fitted (frontier: thresholds)"),
            _c("items", "INTEGER", "fewest items behind a fitted month (frontier: points)"),
            _c("factor_per_year", "DOUBLE", "price falls by this factor a year; NULL: no rate"),
            _c("ci90_low", "DOUBLE", "90% interval, low end (frontier: of the median)"),
            _c("ci90_high", "DOUBLE", "90% interval, high end"),
            _c("percent_per_year", "DOUBLE", "`(1 − 1/factor) · 100`"),
            _c("halving_months", "DOUBLE", "months for the price to halve; NULL unless falling"),
            _c("note", "VARCHAR", "what it measures; why the LLM measures differ; or why none"),
            _c("computed_at", "TIMESTAMP", "when it was computed"),
        ),
        order_by=("leg", "measure"),
    ),
    Mart(
        name="mart_backtests",
        grain="leg × method × series × horizon",
        description="Rolling-origin backtests of the decline-rate projections (`deflator "
        "backtest`): at each origin month the rate is fitted on the data up to it, projected "
        "`horizon_months` ahead and compared with the realized value. Errors are "
        "log10(realized / projected). The pooled rows (`series` `*`) calibrate the cost "
        "model's bands.",
        columns=(
            LEG,
            _c("method", "VARCHAR", "`geks` (index rate) or `frontier`"),
            _c("series", "VARCHAR", "`gpu_hour/all`…, or `*`: every series of the leg pooled"),
            _c("horizon_months", "INTEGER", "months projected ahead"),
            _c("n", "INTEGER", "forecasts with a realized value"),
            _c("first_origin", "DATE", "first origin month scored"),
            _c("last_origin", "DATE", "last origin month scored"),
            _c("median_abs_error_log10", "DOUBLE", "median absolute error (0.1 = ×1.26)"),
            _c("bias_log10", "DOUBLE", "median error; > 0: prices fell less than projected"),
            _c("coverage_fit_band", "DOUBLE", "share inside the fit's own 90% interval band"),
            _c("band_low_log10", "DOUBLE", "5th percentile of the errors (calibrated band)"),
            _c("band_high_log10", "DOUBLE", "95th percentile of the errors"),
            _c(
                "coverage_calibrated",
                "DOUBLE",
                "share inside the calibrated band (≈ 0.9: fitted on the same errors)",
            ),
            _c(
                "coverage_realtime",
                "DOUBLE",
                "share inside the band of the errors already known at each origin "
                "(out of sample; NULL: too few)",
            ),
            _c("n_realtime", "INTEGER", "forecasts with at least 20 known errors before them"),
            _c("computed_at", "TIMESTAMP", "when it was run"),
            _c("band_low_factor", "DOUBLE", "`10^band_low_log10`: realized ÷ projected, low"),
            _c("band_high_factor", "DOUBLE", "`10^band_high_log10`: realized ÷ projected, high"),
        ),
        order_by=("leg", "method", "series", "horizon_months"),
    ),
    Mart(
        name="mart_frontier_points",
        grain="point of a threshold frontier (a `mart_decline_rates` row of kind `frontier`)",
        description="The cheapest price at or above each capability threshold over time: the "
        "points the frontier rates are fitted through, with the fitted trend at each point "
        "(the price of fixed capability on a log scale). Join to `mart_decline_rates` on "
        "`source, include_reasoning, benchmark, threshold_model, threshold_score`.",
        columns=(
            _c("source", "VARCHAR", "the rate's price source, `*` = every source"),
            _c("include_reasoning", "BOOLEAN", "reasoning models kept"),
            _c("benchmark", "VARCHAR", "the benchmark"),
            _c("threshold_model", "VARCHAR", "the model that set the threshold"),
            _c("threshold_score", "DOUBLE", "the threshold score"),
            _c("point", "INTEGER", "1, 2, … in date order"),
            _c("day", "DATE", "the date of the price"),
            _c("model", "VARCHAR", "the listing, as its source names it"),
            _c("model_id", "VARCHAR", "its canonical model, when known"),
            _c(
                "price",
                "DOUBLE",
                "3:1 blended USD per 1M tokens (input · 0.75 + output · "
                "0.25, or the source's own blended price)",
            ),
            _c("score", "DOUBLE", "its score on the benchmark at that date"),
            _c(
                "trend_price",
                "DOUBLE",
                "the fitted trend at `day`: 10^(a + b·years), the "
                "OLS of log10 price on years whose −b gives the rate's factor per year",
            ),
            _c("computed_at", "TIMESTAMP", "when the frontier was computed"),
        ),
        order_by=(
            "source",
            "include_reasoning",
            "benchmark",
            "threshold_score",
            "threshold_model",
            "point",
        ),
    ),
    Mart(
        name="mart_cost_projections",
        grain="workload × leg × horizon",
        description="The cost model of `deflator cost`: P = C + E + D today and projected 6, "
        "12 and 24 months ahead with each leg's decline rate and its 90% band.",
        columns=(
            _c("workload", "VARCHAR", "the workload's name"),
            _c("workload_file", "VARCHAR", "the TOML file it was read from"),
            _c("leg", "VARCHAR", "`C`, `E`, `D` or `P`"),
            _c(
                "leg_name",
                "VARCHAR",
                "`compute` (C: GPU time, or the LLM tokens of an llm "
                "workload), `energy`, `data`, `total`",
            ),
            _c("horizon_months", "INTEGER", "0 = today, 6, 12, 24"),
            _c("horizon_date", "DATE", "the date the horizon reaches from `computed_at`"),
            _c("cost", MONEY, "USD"),
            _c("low", MONEY, "low end of the band (the rate's 90% interval)"),
            _c("high", MONEY, "high end of the band"),
            _c("factor_per_year", "DOUBLE", "the decline rate applied (NULL: held constant, or P)"),
            _c("basis", "VARCHAR", "where the price and the rate came from"),
            _c("computed_at", "TIMESTAMP", "when it was priced"),
        ),
        order_by=("workload", "horizon_months", "leg"),
    ),
    Mart(
        name="mart_source_health",
        grain="source",
        description="Is each source working: its last run, how often it failed, and the "
        "prices it holds (from `runs`, `run_sources` and `price_history`).",
        columns=(
            _c("source", "VARCHAR", "the source"),
            LEG,
            SOURCE_KIND,
            _c("last_run_id", "VARCHAR", "its latest run"),
            _c("last_run_at", "TIMESTAMP", "when that run started"),
            _c("last_mode", "VARCHAR", "`offline`, `live` or `backfill`"),
            _c(
                "last_status",
                "VARCHAR",
                "`ok`, `unchanged` (304: nothing to parse), "
                "`failed`, `skipped` (offline, no recording)",
            ),
            _c("last_error", "VARCHAR", "why it failed or was skipped"),
            _c("last_ok_at", "TIMESTAMP", "start of its latest successful run"),
            _c("runs", "INTEGER", "runs it took part in"),
            _c("failed_runs", "INTEGER", "of which failed"),
            _c("consecutive_failures", "INTEGER", "failed runs in a row, up to the latest"),
            _c("rows_parsed", "INTEGER", "last run: rows parsed"),
            _c("rows_new", "INTEGER", "last run: new observations"),
            _c("rows_quarantined", "INTEGER", "last run: observations quarantined"),
            _c("problems", "INTEGER", "last run: price-like text that could not be read"),
            _c("skipped", "INTEGER", "last run: entries deliberately not taken"),
            _c("fetch_seconds", "DOUBLE", "last run: time fetching"),
            _c("parse_seconds", "DOUBLE", "last run: time parsing"),
            _c("prices_in_force", "INTEGER", "its open `price_history` rows"),
            _c("history_rows", "INTEGER", "all its `price_history` rows"),
            _c("first_price_from", "TIMESTAMP", "its oldest price's `valid_from`"),
            _c("last_observed_at", "TIMESTAMP", "the last time it was seen listing a price"),
        ),
        order_by=("leg", "source"),
    ),
)


def mart(name: str) -> Mart:
    """The catalog entry of one mart."""
    for entry in MARTS:
        if entry.name == name:
            return entry
    raise KeyError(f"no mart named {name!r}; marts: {', '.join(m.name for m in MARTS)}")
