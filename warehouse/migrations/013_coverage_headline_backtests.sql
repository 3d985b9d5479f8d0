-- Rates one can quote (issue 15): coverage rules on index values and decline rates, the
-- headline rate of each leg, and the rolling-origin backtests the cost model's bands are
-- calibrated from. The rules themselves: warehouse/indices/coverage.py (MIN_ITEMS = 5),
-- docs/which-rate-to-quote.md.

-- The item floor an index value was built under (`deflator indices` writes it on every row):
-- a value is published when items >= min_items. NULL: built before the rule existed.
ALTER TABLE index_values ADD COLUMN min_items INTEGER;

-- Index rates: the fewest items behind a fitted month and the floor applied (frontier rates:
-- NULL, they keep their own rule of at least 4 frontier points).
ALTER TABLE decline_rates ADD COLUMN items INTEGER;
ALTER TABLE decline_rates ADD COLUMN min_items INTEGER;

-- Index series that got no decline rate, and why (replaced with the rate of the same scope).
CREATE TABLE withheld_rates (
    index             VARCHAR NOT NULL,
    segment           VARCHAR NOT NULL,
    method            VARCHAR NOT NULL,
    since             DATE,              -- start of the window (NULL = all)
    months            INTEGER NOT NULL,  -- index values in the window
    months_published  INTEGER NOT NULL,  -- of them, with at least min_items items
    most_items        INTEGER NOT NULL,  -- most items behind any month of the window
    min_items         INTEGER NOT NULL,
    reason            VARCHAR NOT NULL,
    computed_at       TIMESTAMP NOT NULL
);

-- The rate to quote per leg (`deflator rates headline`): one row with quote = true per leg;
-- for LLM tokens also the other two measures beside it (quote = false).
CREATE TABLE headline_rates (
    leg               VARCHAR NOT NULL,  -- llm, compute, energy, data
    measure           VARCHAR NOT NULL,  -- 'frontier', 'matched-model', 'hedonic'
    quote             BOOLEAN NOT NULL,  -- the rate to quote for this leg
    index             VARCHAR,           -- the index (NULL: frontier)
    segment           VARCHAR,           -- index segment, or 'median of N thresholds'
    method            VARCHAR NOT NULL,  -- 'geks', 'hedonic', 'frontier'
    window_start      DATE,
    window_end        DATE,
    n_points          INTEGER,           -- months fitted (frontier: thresholds)
    items             INTEGER,           -- fewest items behind a fitted month (frontier: points)
    factor_per_year   DOUBLE,            -- NULL: no rate (see note)
    ci90_low          DOUBLE,
    ci90_high         DOUBLE,
    percent_per_year  DOUBLE,
    note              VARCHAR NOT NULL,  -- what it measures; why the LLM measures differ
    computed_at       TIMESTAMP NOT NULL
);

-- Rolling-origin backtests (`deflator backtest`): at every origin month, fit with the data up
-- to that month only, project each horizon, compare with the realized value.
CREATE TABLE backtests (
    leg                     VARCHAR NOT NULL,
    method                  VARCHAR NOT NULL,  -- 'geks' (index rate), 'frontier'
    series                  VARCHAR NOT NULL,  -- 'gpu_hour/all'…, or '*' (every series pooled)
    horizon_months          INTEGER NOT NULL,
    n                       INTEGER NOT NULL,  -- origin × series pairs with a realized value
    first_origin            DATE,
    last_origin             DATE,
    median_abs_error_log10  DOUBLE,            -- median |log10(realized / projected)|
    bias_log10              DOUBLE,            -- median log10(realized / projected); > 0: too low
    coverage_fit_band       DOUBLE,            -- share inside the fit's own 90% interval band
    band_low_log10          DOUBLE,            -- 5th percentile of the errors: calibrated band
    band_high_log10         DOUBLE,            -- 95th percentile
    coverage_calibrated     DOUBLE,            -- share inside the calibrated band (≈ 0.9, in sample)
    coverage_realtime       DOUBLE,            -- share inside the band of the errors known at the origin
    n_realtime              INTEGER NOT NULL,  -- forecasts scored for coverage_realtime
    computed_at             TIMESTAMP NOT NULL
);

-- Index values with their coverage: `value` is NULL when fewer than min_items items stand
-- behind it (`published` false, `reason` says why); percent changes compare published values.
CREATE OR REPLACE VIEW mart_index_monthly AS
WITH c AS (
    SELECT
        *,
        min_items IS NOT NULL AND items >= min_items AS published,
        CASE
            WHEN min_items IS NULL THEN 'built before the coverage rules: rerun deflator indices'
            WHEN items < min_items THEN items || (CASE WHEN items = 1 THEN ' item' ELSE ' items' END)
                || ' < ' || min_items
        END AS reason
    FROM index_values
),
v AS (
    SELECT
        *,
        lag(period) OVER w AS period_1m,
        lag(value) OVER w AS value_1m
    FROM c
    WHERE published
    WINDOW w AS (PARTITION BY index, segment, method ORDER BY period)
)
SELECT
    c.index,
    CASE c.index
        WHEN 'llm_tokens' THEN 'llm'
        WHEN 'gpu_hour' THEN 'compute'
        WHEN 'electricity' THEN 'energy'
        ELSE 'data'
    END AS leg,
    c.segment,
    c.method,
    c.period AS month,
    CASE WHEN c.published THEN c.value END AS value,
    c.items,
    CASE
        WHEN v.period_1m = v.period - INTERVAL 1 MONTH THEN 100 * (v.value / v.value_1m - 1)
    END AS pct_change_1m,
    100 * (v.value / y.value - 1) AS pct_change_12m,
    c.published,
    c.min_items,
    c.reason,
    c.computed_at
FROM c
LEFT JOIN v USING (index, segment, method, period)
LEFT JOIN c y
  ON y.index = v.index AND y.segment = v.segment AND y.method = v.method
 AND y.period = v.period - INTERVAL 12 MONTH AND y.published;

-- Fitted decline rates and the index series withheld from a rate, with why.
CREATE OR REPLACE VIEW mart_decline_rates AS
SELECT
    kind,
    CASE
        WHEN kind = 'frontier' OR index = 'llm_tokens' THEN 'llm'
        WHEN index = 'gpu_hour' THEN 'compute'
        WHEN index = 'electricity' THEN 'energy'
        ELSE 'data'
    END AS leg,
    source,
    include_reasoning,
    benchmark,
    threshold_model,
    threshold_score,
    index,
    segment,
    method,
    since,
    n_points,
    start_date,
    end_date,
    factor_per_year,
    ci90_low,
    ci90_high,
    percent_per_year,
    halving_months,
    r_squared,
    items,
    min_items,
    kind = 'frontier' OR min_items IS NOT NULL AS published,
    CASE
        WHEN kind = 'index' AND min_items IS NULL
            THEN 'fitted before the coverage rules: rerun deflator rates index'
    END AS reason,
    computed_at
FROM decline_rates
UNION ALL BY NAME
SELECT
    'index' AS kind,
    CASE
        WHEN index = 'llm_tokens' THEN 'llm'
        WHEN index = 'gpu_hour' THEN 'compute'
        WHEN index = 'electricity' THEN 'energy'
        ELSE 'data'
    END AS leg,
    '*' AS source,
    false AS include_reasoning,
    index,
    segment,
    method,
    since,
    months_published AS n_points,
    most_items AS items,
    min_items,
    false AS published,
    reason,
    computed_at
FROM withheld_rates;

CREATE VIEW mart_headline_rates AS
SELECT
    leg, measure, quote, index, segment, method, window_start, window_end, n_points, items,
    factor_per_year, ci90_low, ci90_high, percent_per_year,
    CASE WHEN factor_per_year > 1 THEN 12 * log10(2) / log10(factor_per_year) END
        AS halving_months,
    note, computed_at
FROM headline_rates;

CREATE VIEW mart_backtests AS
SELECT
    *,
    power(10, band_low_log10) AS band_low_factor,
    power(10, band_high_log10) AS band_high_factor
FROM backtests;
