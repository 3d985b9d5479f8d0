-- Input hygiene (issue 15, part 1; the warehouse side of issue 14's scheduled prices). What a
-- price in force is, written once and read by prices_in_force, mart_current_prices, the
-- compute_prices view the cost model reads, and the matched-model indices and the frontier.
-- Rules, thresholds and why: docs/input-hygiene.md. price_history itself is unchanged (it
-- keeps every exact value and every scheduled row); these views decide what counts.

-- How long each source's prices stay current without being seen again, declared on the
-- source (scrapers/base.py Source.stale_after_days) or dataset (scrapers/backfill/base.py:
-- cadence_days, stale_after_days, change_log, dated_records, regular_cadence) and written here
-- by every load
-- (warehouse/source_windows.py). kind: 'nightly' or 'dataset'.
CREATE TABLE source_windows (
    source            VARCHAR NOT NULL,
    kind              VARCHAR NOT NULL,
    cadence_days      INTEGER NOT NULL,
    stale_after_days  INTEGER NOT NULL,
    change_log        BOOLEAN NOT NULL,
    dated_records     BOOLEAN NOT NULL,
    regular_cadence   BOOLEAN NOT NULL
);

-- "Now" for every view below, explicit so views are deterministic: a row here (tests, or a
-- user asking "as of" a day) wins; otherwise the newest observation the warehouse holds (a
-- nightly run's own time; for a warehouse built from recordings, the newest recording).
CREATE TABLE warehouse_clock (
    now TIMESTAMP NOT NULL
);

CREATE VIEW warehouse_now AS
SELECT coalesce(
    (SELECT max(now) FROM warehouse_clock),
    (SELECT max(last_observed_at) FROM price_history),
    CAST(now() AT TIME ZONE 'UTC' AS TIMESTAMP)
) AS now;

-- Every source that holds prices with its window: declared, else by kind (a dataset without a
-- row: dated records, 365-day cadence and 548-day window; anything else: a nightly source,
-- 5 days). And the
-- moment its prices are judged at (reference_at): "now", except for a nightly source in a
-- warehouse that has never run live (only recordings, each captured on its own day) and has
-- no clock set: there a source's newest observation is its night.
CREATE VIEW source_window_of AS
WITH ends AS (
    SELECT source, max(last_observed_at) AS newest
    FROM price_history
    GROUP BY source
),
live AS (
    SELECT count(*) > 0 AS any_live FROM runs WHERE mode = 'live'
)
SELECT e.source, e.newest,
       coalesce(w.kind, CASE WHEN k.kind = 'dataset' THEN 'dataset' ELSE 'nightly' END) AS kind,
       coalesce(w.cadence_days, CASE WHEN k.kind = 'dataset' THEN 365 ELSE 1 END) AS cadence_days,
       coalesce(w.stale_after_days, CASE WHEN k.kind = 'dataset' THEN 548 ELSE 5 END)
           AS stale_after_days,
       coalesce(w.change_log, FALSE) AS change_log,
       coalesce(w.dated_records, k.kind = 'dataset', FALSE) AS dated_records,
       coalesce(w.regular_cadence, FALSE) AS regular_cadence,
       CASE
           WHEN clock.now IS NULL
                AND coalesce(w.kind, CASE WHEN k.kind = 'dataset' THEN 'dataset' ELSE 'nightly' END)
                    = 'nightly'
                AND NOT live.any_live
               THEN e.newest
           ELSE n.now
       END AS reference_at
FROM ends e
LEFT JOIN source_windows w USING (source)
LEFT JOIN source_kind_of k USING (source)
CROSS JOIN live
CROSS JOIN warehouse_now n
CROSS JOIN (SELECT max(now) AS now FROM warehouse_clock) clock;

-- Every price_history row with what hygiene decides about it:
--   confirmed_at: the last moment the source vouched for the price. A nightly source's last
--     observation; a change log's open price up to the dataset's newest point; a dated record
--     captured later (a dated_records dataset, valid_from before it was first observed: S3's
--     2006 launch price in a 2026 capture) only at its own date; otherwise its last
--     observation (a snapshot's capture; a scheduled price, observed before its date, is
--     vouched for only when it was observed).
--   in_force_to: when it stops being in force: its valid_to, or confirmed_at + the source's
--     window if that comes first (stale); NULL while it is in force at reference_at.
--   known: first observed by reference_at (with a clock set in the past, later rows are not).
--   scheduled: known, but it starts after reference_at (a price announced for a later date).
--   index_to: where the matched-model indices stop the row: its valid_to, its last
--     confirmation plus the source's cadence, and reference_at, whichever comes first. A scheduled price observed more than a cadence before its date never
--     enters an index.
CREATE VIEW history_hygiene AS
WITH judged AS (
    SELECT h.*,
           w.kind AS source_window_kind, w.reference_at,
           CASE
               WHEN w.kind = 'nightly' THEN h.last_observed_at
               WHEN w.change_log AND h.valid_to IS NULL THEN w.newest
               WHEN w.dated_records AND h.valid_from < h.first_observed_at THEN h.valid_from
               ELSE h.last_observed_at
           END AS confirmed_at,
           w.cadence_days, w.stale_after_days, w.regular_cadence
    FROM price_history h
    JOIN source_window_of w USING (source)
),
-- The last row of a series (open, or closed after reference_at) ends at its confirmation plus
-- the window (cadence for the indices): nobody vouched for it after. A row that a later point
-- closed held its price until then, as the history says, except in a dataset with a regular
-- cadence, where a longer gap is missing data (EIA's annual US industrial series has a 2011
-- point and then a 2022 one: the 2011 price does not span the ten missing years).
bounded AS (
    SELECT *,
           CASE
               WHEN valid_to IS NULL OR valid_to > reference_at OR regular_cadence
                   THEN least(coalesce(valid_to, TIMESTAMP '9999-12-31'),
                              confirmed_at + to_days(stale_after_days))
               ELSE valid_to
           END AS fresh_to,
           least(
               CASE
                   WHEN valid_to IS NULL OR valid_to > reference_at OR regular_cadence
                       THEN least(coalesce(valid_to, TIMESTAMP '9999-12-31'),
                                  confirmed_at + to_days(cadence_days))
                   ELSE valid_to
               END,
               reference_at + INTERVAL 1 MICROSECOND
           ) AS index_to
    FROM judged
)
SELECT * EXCLUDE (fresh_to),
       CASE WHEN fresh_to > reference_at THEN NULL ELSE fresh_to END AS in_force_to,
       first_observed_at <= reference_at AS known,
       first_observed_at <= reference_at AND valid_from > reference_at AS scheduled,
       valid_to IS NULL AND fresh_to <= reference_at AS stale
FROM bounded;

-- price_history as hygiene sees it: only rows in force at some moment up to reference_at,
-- valid_to replaced by in_force_to (NULL: in force now). Same columns as price_history, so
-- every reader of "valid_to IS NULL" reads current prices by swapping the table name.
CREATE VIEW history_in_force AS
SELECT * EXCLUDE (valid_to, source_window_kind, reference_at, confirmed_at, cadence_days,
                  stale_after_days, regular_cadence, index_to, in_force_to, known, scheduled,
                  stale),
       in_force_to AS valid_to
FROM history_hygiene
WHERE known AND NOT scheduled
  AND (in_force_to IS NULL OR in_force_to > valid_from);

-- Prices announced for a date after reference_at: stored, shown here, in force nowhere yet.
CREATE VIEW scheduled_prices AS
SELECT source, leg, provider, sku, model, component, tier, region, currency, unit, price,
       valid_from AS effective_from, first_observed_at AS announced_at
FROM history_hygiene
WHERE scheduled;

-- The rows the matched-model indices and the frontier read: in force (not scheduled, ended at
-- index_to), with re-roundings of one published price merged into one row, and each row's
-- item kind. A move is not a price change when it is within the tolerance: the two prices
-- differ by less than 0.1%, or by less than 1% and the finer one rounds to the coarser at the
-- coarser one's decimals, at least one ($2.19 → $2.1875, 0.75 → 0.7499999999999999). The
-- merged row keeps the first price. item_kind 'market_aggregate': a median, minimum or
-- restated index over many sellers' offers (gpuhunt offers-median / offers-min, Vast's
-- marketplace-median, the GPU price index's medians and restated index): never a list price
-- in a matched-model index. One seller's own restated monthly median (gpu_price_history tier
-- restated: Lambda's A100) is that seller's price and stays a list item.
CREATE VIEW history_index_rows AS
WITH rows AS (
    SELECT *,
           length(split_part(rtrim(rtrim(CAST(price AS VARCHAR), '0'), '.'), '.', 2)) AS places,
           lag(price) OVER w AS previous_price,
           lag(index_to) OVER w AS previous_to
    FROM history_hygiene
    WHERE known AND NOT scheduled AND index_to > valid_from
    WINDOW w AS (PARTITION BY series_key ORDER BY valid_from)
),
marked AS (
    SELECT *,
           lag(places) OVER w AS previous_places,
           CASE
               WHEN previous_price IS NULL OR previous_to IS DISTINCT FROM valid_from THEN 1
               WHEN previous_price > 0
                    AND abs(price - previous_price) / greatest(price, previous_price) < 0.001
                   THEN 0
               WHEN previous_price > 0
                    AND abs(price - previous_price) / greatest(price, previous_price) < 0.01
                    AND least(places, previous_places) > 0
                    AND (abs(round(CAST(price AS DOUBLE) * pow(10, least(places, previous_places)))
                             - CAST(previous_price AS DOUBLE) * pow(10, least(places, previous_places)))
                             < 1e-6
                         OR abs(round(CAST(previous_price AS DOUBLE)
                                      * pow(10, least(places, previous_places)))
                                - CAST(price AS DOUBLE) * pow(10, least(places, previous_places)))
                            < 1e-6)
                   THEN 0
               ELSE 1
           END AS starts
    FROM rows
    WINDOW w AS (PARTITION BY series_key ORDER BY valid_from)
),
numbered AS (
    SELECT *, sum(starts) OVER (
        PARTITION BY series_key ORDER BY valid_from ROWS UNBOUNDED PRECEDING
    ) AS run
    FROM marked
)
SELECT series_key, source, leg, provider, sku,
       arg_min(model, valid_from) AS model,
       component, tier, region, currency,
       arg_min(price, valid_from) AS price,
       min(valid_from) AS valid_from,
       arg_max(index_to, valid_from) AS index_to,
       arg_max(valid_to, valid_from) AS valid_to,
       arg_min(accelerator, valid_from) AS accelerator,
       arg_min(accelerator_count, valid_from) AS accelerator_count,
       CASE
           WHEN regexp_matches(lower(tier), 'offers-|median|restated-index')
                OR regexp_matches(lower(sku), 'offers-median|offers-min')
                OR provider IN ('gpu-price-index')
               THEN 'market_aggregate'
           ELSE 'list'
       END AS item_kind
FROM numbered
GROUP BY series_key, source, leg, provider, sku, component, tier, region, currency, run;

-- prices_in_force of 005_models.sql, reading history_in_force instead of price_history: no
-- scheduled price before its date, no stale price.
-- The list price in force per model, component, tier and currency, over time: one row per
-- interval during which one source's listing wins. Candidates are the LLM price_history rows
-- whose (provider, sku) resolves in model_aliases. Precedence, first difference wins:
--   1. source kind: first-party page > first-party API > aggregator > dataset > unknown;
--   2. seller: the model's developer selling it (providers.organization = models.developer)
--      before anyone else (resellers, clouds, OpenRouter);
--   3. region 'global' before regional listings;
--   4. a listing naming the model itself before a dated snapshot or variant;
--   5. the lower price (the cheapest listing of the same standing);
--   6. source, provider, sku (alphabetical, to be deterministic).
-- Read the price on a date d with: d >= valid_from AND (valid_to IS NULL OR d < valid_to).
CREATE OR REPLACE VIEW prices_in_force AS
WITH kinds AS (
    SELECT s.source, coalesce(k.kind, 'unknown') AS kind, coalesce(r.rank, 9) AS kind_rank
    FROM (SELECT DISTINCT source FROM history_in_force WHERE leg = 'llm') s
    LEFT JOIN source_kinds k ON s.source LIKE k.source ESCAPE '\'
    LEFT JOIN source_kind_ranks r ON r.kind = k.kind
    QUALIFY row_number() OVER (
        PARTITION BY s.source ORDER BY (k.source = s.source) DESC NULLS LAST, length(k.source) DESC
    ) = 1
),
candidates AS (
    SELECT a.model_id, h.component, h.tier, h.currency, h.price, h.valid_from, h.valid_to,
           h.source, k.kind, k.kind_rank, h.provider, h.sku, h.region, a.variant,
           CASE WHEN p.organization = m.developer THEN 1 ELSE 2 END AS seller_rank,
           p.organization = m.developer AS first_party_seller
    FROM history_in_force h
    JOIN model_aliases a ON a.provider = h.provider AND a.listing_id = h.sku
    JOIN models m ON m.model_id = a.model_id
    LEFT JOIN providers p ON p.provider = h.provider
    JOIN kinds k ON k.source = h.source
    WHERE h.leg = 'llm'
),
bounds AS (
    SELECT model_id, component, tier, currency, valid_from AS seg_from FROM candidates
    UNION
    SELECT model_id, component, tier, currency, valid_to FROM candidates WHERE valid_to IS NOT NULL
),
segments AS (
    SELECT *, lead(seg_from) OVER (PARTITION BY model_id, component, tier, currency ORDER BY seg_from) AS seg_to
    FROM bounds
),
chosen AS (
    SELECT s.model_id, s.component, s.tier, s.currency, s.seg_from, s.seg_to,
           c.price, c.source, c.kind, c.provider, c.sku, c.region,
           coalesce(c.first_party_seller, FALSE) AS first_party_seller,
           c.valid_from AS listing_valid_from
    FROM segments s
    JOIN candidates c
      ON c.model_id = s.model_id AND c.component = s.component AND c.tier = s.tier
     AND c.currency = s.currency
     AND c.valid_from <= s.seg_from AND (c.valid_to IS NULL OR c.valid_to > s.seg_from)
    QUALIFY row_number() OVER (
        PARTITION BY s.model_id, s.component, s.tier, s.currency, s.seg_from
        ORDER BY c.kind_rank, c.seller_rank, (c.region = 'global') DESC, c.variant, c.price,
                 c.source, c.provider, c.sku
    ) = 1
),
marked AS (
    SELECT *,
           CASE WHEN lag(seg_to) OVER w = seg_from
                     AND lag(source) OVER w = source AND lag(provider) OVER w = provider
                     AND lag(sku) OVER w = sku AND lag(region) OVER w = region
                     AND lag(price) OVER w = price
                THEN 0 ELSE 1 END AS starts
    FROM chosen
    WINDOW w AS (PARTITION BY model_id, component, tier, currency ORDER BY seg_from)
),
numbered AS (
    SELECT *, sum(starts) OVER (
        PARTITION BY model_id, component, tier, currency ORDER BY seg_from ROWS UNBOUNDED PRECEDING
    ) AS run
    FROM marked
)
SELECT model_id, component, tier, currency,
       min(seg_from) AS valid_from,
       CASE WHEN bool_or(seg_to IS NULL) THEN NULL ELSE max(seg_to) END AS valid_to,
       any_value(price) AS price,
       any_value(source) AS source,
       any_value(kind) AS source_kind,
       any_value(provider) AS provider,
       any_value(sku) AS sku,
       any_value(region) AS region,
       any_value(first_party_seller) AS first_party_seller
FROM numbered
GROUP BY model_id, component, tier, currency, run;

-- mart_current_prices of 009_marts.sql over history_in_force: nothing stale or scheduled is
-- current.
-- The list price in force now. LLM: one row per model × component × tier × currency, the
-- listing prices_in_force picks (its valid_from: since when that listing is the model's list
-- price). Compute, energy, data: one row per provider × sku × component × tier × region ×
-- currency; where several sources list the same, the better kind of source wins, then the
-- most recently observed, then the source name.
CREATE OR REPLACE VIEW mart_current_prices AS
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
    JOIN history_in_force h
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
    FROM history_in_force h
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

-- compute_prices of 003_accelerators.sql over history_in_force (the cost model reads it).
-- Every compute price in force, read three ways: per instance-hour, per GPU-hour and per
-- PFLOP-hour of dense BF16. An instance_hour price divides by its accelerator count; a
-- gpu_hour price is already per GPU (and times the count per instance, when the count is
-- known). DuckDB divides decimals in double precision: per_gpu_hour is that quotient rounded
-- to the 12 decimals prices are stored with (list prices are far below the ~1e-3 magnitude
-- where double error could reach the 12th decimal). per_pflop_hour is DOUBLE (index math).
CREATE OR REPLACE VIEW compute_prices AS
SELECT
    h.source,
    h.provider,
    h.sku,
    h.component,
    h.tier,
    h.region,
    h.currency,
    h.accelerator,
    h.accelerator_count,
    h.price,
    CASE
        WHEN h.component = 'instance_hour' THEN h.price
        WHEN h.accelerator_count IS NOT NULL
            THEN CAST(h.price * h.accelerator_count AS DECIMAL(28, 12))
    END AS per_instance_hour,
    CASE
        WHEN h.component = 'gpu_hour' THEN h.price
        WHEN h.accelerator_count IS NOT NULL
            THEN CAST(h.price / h.accelerator_count AS DECIMAL(28, 12))
    END AS per_gpu_hour,
    CAST(
        CASE
            WHEN h.component = 'gpu_hour' THEN h.price
            ELSE h.price / h.accelerator_count
        END AS DOUBLE
    ) / (CAST(a.peak_dense_bf16_tflops AS DOUBLE) / 1000) AS per_pflop_hour,
    a.peak_dense_bf16_tflops,
    h.valid_from,
    h.last_observed_at
FROM history_in_force h
LEFT JOIN accelerators a ON a.id = h.accelerator
WHERE h.valid_to IS NULL
  AND h.leg = 'compute'
  AND h.component IN ('gpu_hour', 'instance_hour');

-- mart_gpu_prices_monthly of 009_marts.sql over history_hygiene: a series ends at its last
-- point plus its source's cadence and at "now" (index_to), and no scheduled price counts before
-- its date. Market aggregates stay here (a provider row of their own), unlike in the indices.
-- One price per month, accelerator family and provider: the median of the provider's
-- on-demand prices per GPU-hour in the month. Each series' monthly price is the last price in
-- force during the month; on-demand and the family
-- follow the gpu_hour index (warehouse/indices/build.py: NOT_ON_DEMAND, accelerator_family).
CREATE OR REPLACE VIEW mart_gpu_prices_monthly AS
WITH spans AS (
    SELECT
        h.series_key, h.source, h.provider, h.model, h.accelerator, h.valid_from,
        CASE
            WHEN h.component = 'gpu_hour' THEN h.price
            ELSE CAST(h.price / h.accelerator_count AS DECIMAL(28, 12))
        END AS per_gpu_hour,
        date_trunc('month', h.valid_from) AS first_month,
        date_trunc('month', h.index_to - INTERVAL 1 MICROSECOND) AS last_month
    FROM history_hygiene h
    WHERE h.leg = 'compute'
      AND h.known AND NOT h.scheduled AND h.index_to > h.valid_from
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
