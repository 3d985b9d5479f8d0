-- Runs of equal prices ("islands") per series, continuing from the price in force.
-- A nightly run has one point per series: it either continues the price in force (same),
-- or starts a new island (changed / new). A backfill has many points per series: each price
-- change starts an island, and each island ends where the next begins.
CREATE OR REPLACE TEMP TABLE history_islands AS
WITH in_force AS (
    SELECT series_key, valid_from, price, last_observed_at AS observed_at, TRUE AS is_current
    FROM price_history
    WHERE valid_to IS NULL AND series_key IN (SELECT series_key FROM history_points)
),
sequence AS (
    SELECT series_key, valid_from, price, observed_at, FALSE AS is_current FROM history_points
    UNION ALL
    SELECT * FROM in_force
),
marked AS (
    SELECT *,
           CASE WHEN lag(price) OVER w IS DISTINCT FROM price THEN 1 ELSE 0 END AS starts
    FROM sequence
    WINDOW w AS (PARTITION BY series_key ORDER BY valid_from, is_current DESC)
),
numbered AS (
    SELECT *,
           sum(starts) OVER (
               PARTITION BY series_key ORDER BY valid_from, is_current DESC
               ROWS UNBOUNDED PRECEDING
           ) AS island
    FROM marked
),
islands AS (
    SELECT series_key, island,
           bool_or(is_current) AS is_current,
           min(valid_from) AS valid_from,
           any_value(price) AS price,
           arg_min(observed_at, valid_from) AS first_observed_at,
           max(observed_at) AS last_observed_at
    FROM numbered
    GROUP BY series_key, island
)
SELECT *,
       lead(valid_from) OVER (PARTITION BY series_key ORDER BY island) AS valid_to,
       bool_or(is_current) OVER (PARTITION BY series_key) AS had_current
FROM islands;
