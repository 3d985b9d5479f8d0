-- Marts: the stable views analysts, exports and the dashboard read (issue 8). Their columns
-- and what each means are documented in ONE place, warehouse/marts/catalog.py, which also
-- generates the README's "Marts" section; tests/test_marts.py fails when a view, the catalog
-- and the README disagree. Change a mart with a new migration (CREATE OR REPLACE VIEW) and
-- its catalog entry together.

-- The nightly sources no LIKE pattern of source_kinds classifies: the clouds' own price APIs
-- and Vast's marketplace. (Only mart_current_prices and mart_source_health read kinds for
-- non-LLM sources; prices_in_force reads LLM sources only, so nothing there changes.)
-- NOT EXISTS rather than INSERT OR IGNORE: a DuckLake warehouse has no keys to conflict on.
INSERT INTO source_kinds
SELECT known.source, known.kind
FROM (VALUES
    ('aws_ec2',           'first_party_api'),
    ('azure_retail',      'first_party_api'),
    ('oracle_price_list', 'first_party_api'),
    ('runpod_gpu_types',  'first_party_api'),
    ('vast_offers',       'aggregator')
) AS known(source, kind)
WHERE NOT EXISTS (SELECT 1 FROM source_kinds k WHERE k.source = known.source);

-- The threshold frontier's points, written with its rates by `deflator rates frontier`
-- (warehouse/indices/store.py), so the points behind every fitted rate can be read and drawn.
CREATE TABLE frontier_points (
    source             VARCHAR NOT NULL,  -- the rate's scope: a price source, '*' = every source
    include_reasoning  BOOLEAN NOT NULL,
    benchmark          VARCHAR NOT NULL,
    threshold_model    VARCHAR NOT NULL,
    threshold_score    DOUBLE NOT NULL,
    point              INTEGER NOT NULL,  -- 1, 2, … in date order
    day                DATE NOT NULL,
    model              VARCHAR NOT NULL,  -- the listing as named by its source
    model_id           VARCHAR,           -- its canonical model, when known
    price              DOUBLE NOT NULL,   -- 3:1 blended USD per 1M tokens
    score              DOUBLE NOT NULL,   -- its score on the benchmark at that day
    computed_at        TIMESTAMP NOT NULL
);

-- Every source that has run or holds prices, with its kind and rank resolved the way
-- prices_in_force resolves them (an exact name beats a LIKE pattern; unclassified: unknown).
CREATE VIEW source_kind_of AS
WITH names AS (
    SELECT source FROM price_history
    UNION
    SELECT source FROM run_sources
)
SELECT n.source, coalesce(k.kind, 'unknown') AS kind, coalesce(r.rank, 9) AS kind_rank
FROM names n
LEFT JOIN source_kinds k ON n.source LIKE k.source ESCAPE '\'
LEFT JOIN source_kind_ranks r ON r.kind = k.kind
QUALIFY row_number() OVER (
    PARTITION BY n.source ORDER BY (k.source = n.source) DESC NULLS LAST, length(k.source) DESC
) = 1;

-- The list price in force now. LLM: one row per model × component × tier × currency, the
-- listing prices_in_force picks (its valid_from: since when that listing is the model's list
-- price). Compute, energy, data: one row per provider × sku × component × tier × region ×
-- currency; where several sources list the same, the better kind of source wins, then the
-- most recently observed, then the source name.
CREATE VIEW mart_current_prices AS
WITH llm AS (
    SELECT
        'llm' AS leg,
        p.model_id,
        p.provider,
        p.sku,
        p.component,
        p.tier,
        p.region,
        p.currency,
        h.unit,
        p.price,
        CAST(NULL AS VARCHAR) AS accelerator,
        CAST(NULL AS INTEGER) AS accelerator_count,
        CAST(NULL AS DECIMAL(28, 12)) AS per_gpu_hour,
        p.source,
        p.source_kind,
        p.valid_from,
        h.last_observed_at
    FROM prices_in_force p
    JOIN price_history h
      ON h.source = p.source AND h.provider = p.provider AND h.sku = p.sku
     AND h.component = p.component AND h.tier = p.tier AND h.region = p.region
     AND h.currency = p.currency AND h.valid_to IS NULL
    WHERE p.valid_to IS NULL
),
other AS (
    SELECT
        h.leg,
        CAST(NULL AS VARCHAR) AS model_id,
        h.provider,
        h.sku,
        h.component,
        h.tier,
        h.region,
        h.currency,
        h.unit,
        h.price,
        h.accelerator,
        h.accelerator_count,
        CASE
            WHEN h.component = 'gpu_hour' THEN h.price
            WHEN h.component = 'instance_hour' AND h.accelerator_count > 0
                THEN CAST(h.price / h.accelerator_count AS DECIMAL(28, 12))
        END AS per_gpu_hour,
        h.source,
        k.kind AS source_kind,
        h.valid_from,
        h.last_observed_at
    FROM price_history h
    JOIN source_kind_of k ON k.source = h.source
    WHERE h.valid_to IS NULL AND h.leg <> 'llm'
    QUALIFY row_number() OVER (
        PARTITION BY h.leg, h.provider, h.sku, h.component, h.tier, h.region, h.currency
        ORDER BY k.kind_rank, h.last_observed_at DESC, h.source
    ) = 1
)
SELECT * FROM llm
UNION ALL
SELECT * FROM other;

-- Every price change of every series, from price_history: a series' first price, each move
-- up or down, a return after a withdrawal, and each withdrawal (new_price NULL).
CREATE VIEW mart_price_changes AS
WITH steps AS (
    SELECT
        h.*,
        lag(h.price) OVER w AS previous_price,
        lag(h.close_reason) OVER w AS previous_close
    FROM price_history h
    WINDOW w AS (PARTITION BY h.series_key ORDER BY h.valid_from)
),
changes AS (
    SELECT
        leg, source, provider, sku, component, tier, region, currency, unit, accelerator,
        accelerator_count,
        valid_from AS changed_at,
        CASE
            WHEN previous_price IS NULL THEN 'first'
            WHEN previous_close = 'withdrawn' OR price = previous_price THEN 'relisted'
            WHEN price < previous_price THEN 'down'
            ELSE 'up'
        END AS change,
        previous_price AS old_price,
        price AS new_price,
        opened_by_run AS run_id
    FROM steps
    UNION ALL
    SELECT
        leg, source, provider, sku, component, tier, region, currency, unit, accelerator,
        accelerator_count,
        valid_to AS changed_at,
        'withdrawn' AS change,
        price AS old_price,
        CAST(NULL AS DECIMAL(28, 12)) AS new_price,
        closed_by_run AS run_id
    FROM price_history
    WHERE close_reason = 'withdrawn'
)
SELECT
    c.leg,
    CAST(date_trunc('month', c.changed_at) AS DATE) AS month,
    c.changed_at,
    c.change,
    c.source,
    k.kind AS source_kind,
    c.provider,
    c.sku,
    a.model_id,
    c.component,
    c.tier,
    c.region,
    c.currency,
    c.unit,
    c.accelerator,
    c.accelerator_count,
    c.old_price,
    c.new_price,
    CAST(c.new_price AS DOUBLE) / CAST(c.old_price AS DOUBLE) AS ratio,
    100 * (CAST(c.new_price AS DOUBLE) / CAST(c.old_price AS DOUBLE) - 1) AS percent,
    c.run_id
FROM changes c
JOIN source_kind_of k ON k.source = c.source
LEFT JOIN model_aliases a ON c.leg = 'llm' AND a.provider = c.provider AND a.listing_id = c.sku;

-- One price per month, accelerator family and provider: the median of the provider's
-- on-demand prices per GPU-hour in the month. Each series' monthly price is the last price in
-- force during the month, a price still in force counting until its source's last
-- observation (the rule of warehouse/sql/index_monthly_prices.sql); on-demand and the family
-- follow the gpu_hour index (warehouse/indices/build.py: NOT_ON_DEMAND, accelerator_family).
CREATE VIEW mart_gpu_prices_monthly AS
WITH source_end AS (
    SELECT source, max(last_observed_at) AS last_seen
    FROM price_history
    WHERE leg = 'compute'
    GROUP BY source
),
spans AS (
    SELECT
        h.series_key, h.source, h.provider, h.model, h.accelerator, h.valid_from,
        CASE
            WHEN h.component = 'gpu_hour' THEN h.price
            ELSE CAST(h.price / h.accelerator_count AS DECIMAL(28, 12))
        END AS per_gpu_hour,
        date_trunc('month', h.valid_from) AS first_month,
        date_trunc(
            'month',
            CASE
                WHEN h.valid_to IS NOT NULL THEN h.valid_to - INTERVAL 1 MICROSECOND
                ELSE greatest(e.last_seen, h.valid_from)
            END
        ) AS last_month
    FROM price_history h
    JOIN source_end e ON e.source = h.source
    WHERE h.leg = 'compute'
      AND h.currency = 'USD'
      AND h.price > 0
      AND (h.component = 'gpu_hour' OR (h.component = 'instance_hour' AND h.accelerator_count > 0))
      AND NOT regexp_matches(h.tier, 'spot|preempt|low-priority|reserved|cud|dws|windows')
),
monthly AS (
    SELECT s.*, unnest(generate_series(first_month, last_month, INTERVAL 1 MONTH)) AS month
    FROM spans s
),
per_series AS (
    SELECT
        series_key,
        CAST(month AS DATE) AS month,
        any_value(provider) AS provider,
        any_value(source) AS source,
        arg_max(per_gpu_hour, valid_from) AS per_gpu_hour,
        arg_max(
            coalesce(
                split_part(nullif(accelerator, ''), '-', 1),
                CASE
                    WHEN regexp_full_match(upper(trim(model)), '[A-Z]{1,3}[0-9]{2,4}[A-Z]{0,2}')
                        THEN upper(trim(model))
                END
            ),
            valid_from
        ) AS accelerator_family
    FROM monthly
    GROUP BY series_key, month
)
SELECT
    month,
    accelerator_family,
    provider,
    median(per_gpu_hour) AS per_gpu_hour,
    min(per_gpu_hour) AS min_per_gpu_hour,
    max(per_gpu_hour) AS max_per_gpu_hour,
    CAST(count(*) AS INTEGER) AS listings,
    string_agg(DISTINCT source, ',' ORDER BY source) AS sources
FROM per_series
WHERE accelerator_family IS NOT NULL
GROUP BY month, accelerator_family, provider;

-- The monthly indices with their leg and month-on-month and year-on-year changes.
CREATE VIEW mart_index_monthly AS
WITH v AS (
    SELECT
        *,
        lag(period) OVER w AS period_1m,
        lag(value) OVER w AS value_1m
    FROM index_values
    WINDOW w AS (PARTITION BY index, segment, method ORDER BY period)
)
SELECT
    v.index,
    CASE v.index
        WHEN 'llm_tokens' THEN 'llm'
        WHEN 'gpu_hour' THEN 'compute'
        WHEN 'electricity' THEN 'energy'
        ELSE 'data'
    END AS leg,
    v.segment,
    v.method,
    v.period AS month,
    v.value,
    v.items,
    CASE
        WHEN v.period_1m = v.period - INTERVAL 1 MONTH THEN 100 * (v.value / v.value_1m - 1)
    END AS pct_change_1m,
    100 * (v.value / y.value - 1) AS pct_change_12m,
    v.computed_at
FROM v
LEFT JOIN index_values y
  ON y.index = v.index AND y.segment = v.segment AND y.method = v.method
 AND y.period = v.period - INTERVAL 12 MONTH;

-- The fitted decline rates, with the leg they measure.
CREATE VIEW mart_decline_rates AS
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
    computed_at
FROM decline_rates;

-- The frontier points of every stored frontier rate, with the fitted trend at each point:
-- 10^(a + b·t) from the OLS of log10(price) on t = days / 365, the fit of the rate itself.
CREATE VIEW mart_frontier_points AS
WITH p AS (
    SELECT *, date_diff('day', DATE '0001-01-01', day) / 365.0 AS t, log10(price) AS y
    FROM frontier_points
)
SELECT
    source,
    include_reasoning,
    benchmark,
    threshold_model,
    threshold_score,
    point,
    day,
    model,
    model_id,
    price,
    score,
    power(10, regr_intercept(y, t) OVER w + regr_slope(y, t) OVER w * t) AS trend_price,
    computed_at
FROM p
WINDOW w AS (PARTITION BY source, include_reasoning, benchmark, threshold_model, threshold_score);

-- The cost model's rows, with the legs named and the date each horizon reaches.
CREATE VIEW mart_cost_projections AS
SELECT
    workload,
    workload_file,
    leg,
    CASE leg
        WHEN 'C' THEN 'compute'
        WHEN 'E' THEN 'energy'
        WHEN 'D' THEN 'data'
        WHEN 'P' THEN 'total'
    END AS leg_name,
    horizon_months,
    CAST(CAST(computed_at AS DATE) + to_months(horizon_months) AS DATE) AS horizon_date,
    cost,
    low,
    high,
    factor_per_year,
    basis,
    computed_at
FROM cost_projections;

-- One row per source: its last run, how often it failed, and the prices it holds.
CREATE VIEW mart_source_health AS
WITH per_run AS (
    SELECT
        s.*,
        r.started_at,
        r.mode,
        row_number() OVER (
            PARTITION BY s.source ORDER BY r.started_at DESC, s.run_id DESC
        ) AS recency
    FROM run_sources s
    JOIN runs r ON r.run_id = s.run_id
),
stats AS (
    SELECT
        source,
        CAST(count(*) AS INTEGER) AS runs,
        CAST(count(*) FILTER (WHERE status = 'failed') AS INTEGER) AS failed_runs,
        CAST(
            coalesce(min(recency) FILTER (WHERE status <> 'failed'), count(*) + 1) - 1
            AS INTEGER
        ) AS consecutive_failures,
        max(started_at) FILTER (WHERE status IN ('ok', 'unchanged')) AS last_ok_at
    FROM per_run
    GROUP BY source
),
prices AS (
    SELECT
        source,
        any_value(leg) AS leg,
        CAST(count(*) FILTER (WHERE valid_to IS NULL) AS INTEGER) AS prices_in_force,
        CAST(count(*) AS INTEGER) AS history_rows,
        min(valid_from) AS first_price_from,
        max(last_observed_at) AS last_observed_at
    FROM price_history
    GROUP BY source
),
last AS (
    SELECT * FROM per_run WHERE recency = 1
)
SELECT
    coalesce(l.source, p.source) AS source,
    coalesce(l.leg, p.leg) AS leg,
    k.kind AS source_kind,
    l.run_id AS last_run_id,
    l.started_at AS last_run_at,
    l.mode AS last_mode,
    l.status AS last_status,
    l.error AS last_error,
    s.last_ok_at,
    coalesce(s.runs, 0) AS runs,
    coalesce(s.failed_runs, 0) AS failed_runs,
    coalesce(s.consecutive_failures, 0) AS consecutive_failures,
    l.rows_parsed,
    l.rows_new,
    l.rows_quarantined,
    l.problems,
    l.skipped,
    l.fetch_seconds,
    l.parse_seconds,
    coalesce(p.prices_in_force, 0) AS prices_in_force,
    coalesce(p.history_rows, 0) AS history_rows,
    p.first_price_from,
    p.last_observed_at
FROM last l
FULL JOIN prices p ON p.source = l.source
LEFT JOIN stats s ON s.source = coalesce(l.source, p.source)
LEFT JOIN source_kind_of k ON k.source = coalesce(l.source, p.source);
