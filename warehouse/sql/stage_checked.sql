-- Check each staged observation against the plausibility ceilings, the known-error rules
-- (quarantine_rules) and the price it follows, and give it its series key. A non-NULL reason
-- sends it to quarantine instead of history. The price it follows is the history's price at
-- that moment (ASOF join), else the last ACCEPTED point of the same series in this batch (a
-- backfill brings many): the walk below carries it point by point, so one bad point (a spike,
-- a zero, a per-1M value) never makes the good point after it look like a step move. A point
-- that follows no accepted price (the first of a new series in a backfill) is checked against
-- the next different clean prices instead: a source's first price that its next price (and
-- the one after, if any) moves away from by more than the factor was the error, not the
-- correction, while a spike right after a good first price leaves it standing (a nightly run has
-- no next point, so this never applies to it). Duplicates of the natural key inside one batch are
-- dropped first (upserts and anti-joins misbehave on them).
CREATE OR REPLACE TEMP TABLE stage_checked AS
WITH RECURSIVE deduplicated AS (
    SELECT *,
           concat_ws(chr(31), source, provider, sku, component, tier, region, currency) AS series_key,
           coalesce(effective_date::TIMESTAMP, observed_at) AS point_at
    FROM stage
    QUALIFY row_number() OVER (
        PARTITION BY source, provider, sku, component, tier, region, currency, observed_at,
                     effective_date, price
        ORDER BY page_hash
    ) = 1
),
prechecked AS (
    SELECT d.*,
           CASE
               WHEN d.price <= 0 THEN 'zero or negative price: not a list price'
               WHEN lim.max_price IS NOT NULL AND d.price > lim.max_price
                   THEN 'implausible: ' || lim.reason
               ELSE (
                   SELECT min(r.reason) FROM quarantine_rules r
                   WHERE r.source = d.source AND d.provider LIKE r.provider
                     AND d.sku LIKE r.sku AND d.component LIKE r.component
                     AND d.source_url LIKE r.source_url
                     AND d.observed_at >= r.observed_from AND d.observed_at < r.observed_until
               )
           END AS pre_reason,
           row_number() OVER (
               PARTITION BY d.series_key ORDER BY d.point_at, d.observed_at, d.price
           ) AS step
    FROM deduplicated d
    LEFT JOIN plausibility_limits lim ON lim.unit = d.unit AND lim.currency = d.currency
),
-- The clean points in runs of equal price, and for each point the price of the next run:
-- the next different price the source stated.
clean_marked AS (
    SELECT series_key, step, price,
           CASE WHEN lag(price) OVER (PARTITION BY series_key ORDER BY step) IS DISTINCT FROM price
                THEN 1 ELSE 0 END AS starts
    FROM prechecked
    WHERE pre_reason IS NULL
),
clean_runs AS (
    SELECT *, sum(starts) OVER (
        PARTITION BY series_key ORDER BY step ROWS UNBOUNDED PRECEDING
    ) AS run
    FROM clean_marked
),
next_prices AS (
    SELECT c.series_key, c.step, n.price AS next_price, a.price AS after_next_price
    FROM clean_runs c
    JOIN clean_runs n ON n.series_key = c.series_key AND n.run = c.run + 1 AND n.starts = 1
    LEFT JOIN clean_runs a ON a.series_key = c.series_key AND a.run = c.run + 2 AND a.starts = 1
),
history_before AS (
    SELECT p.series_key, p.step, p.price, p.pre_reason, h.price AS history_price, n.next_price,
           n.after_next_price
    FROM prechecked p
    LEFT JOIN next_prices n ON n.series_key = p.series_key AND n.step = p.step
    ASOF LEFT JOIN price_history h
        ON h.series_key = p.series_key AND p.point_at >= h.valid_from
),
-- One step per point, in time order: previous_price is the history's price at that moment,
-- else the last accepted price of the walk; accepted_price is what the next point follows.
walk AS (
    SELECT *, CASE WHEN rejected THEN previous_price ELSE price END AS accepted_price
    FROM (
        SELECT series_key, step, price, next_price, after_next_price, previous_price,
               pre_reason IS NOT NULL OR coalesce(
                   CASE WHEN previous_price IS NULL
                        THEN next_price > 0
                             AND greatest(price / next_price, next_price / price) > $max_step_factor
                             AND (after_next_price IS NULL OR greatest(
                                 price / after_next_price, after_next_price / price
                             ) > $max_step_factor)
                        ELSE previous_price > 0
                             AND greatest(price / previous_price, previous_price / price)
                                 > $max_step_factor
                   END, FALSE) AS rejected
        FROM (SELECT *, history_price AS previous_price FROM history_before WHERE step = 1)
    )
    UNION ALL
    SELECT *, CASE WHEN rejected THEN previous_price ELSE price END AS accepted_price
    FROM (
        SELECT series_key, step, price, next_price, after_next_price, previous_price,
               pre_reason IS NOT NULL OR coalesce(
                   CASE WHEN previous_price IS NULL
                        THEN next_price > 0
                             AND greatest(price / next_price, next_price / price) > $max_step_factor
                             AND (after_next_price IS NULL OR greatest(
                                 price / after_next_price, after_next_price / price
                             ) > $max_step_factor)
                        ELSE previous_price > 0
                             AND greatest(price / previous_price, previous_price / price)
                                 > $max_step_factor
                   END, FALSE) AS rejected
        FROM (
            SELECT n.*, coalesce(n.history_price, w.accepted_price) AS previous_price
            FROM walk w
            JOIN history_before n ON n.series_key = w.series_key AND n.step = w.step + 1
        )
    )
)
SELECT d.* EXCLUDE (point_at, pre_reason, step),
       CASE
           WHEN d.pre_reason IS NOT NULL THEN d.pre_reason
           WHEN w.previous_price > 0
                AND greatest(d.price / w.previous_price, w.previous_price / d.price) > $max_step_factor
               THEN 'moved more than ' || $max_step_factor::VARCHAR || '× in one step (from '
                    || w.previous_price::DOUBLE::VARCHAR || ' to ' || d.price::DOUBLE::VARCHAR || ')'
           WHEN w.rejected
               THEN 'first price of the series, more than ' || $max_step_factor::VARCHAR
                    || '× from the prices after it (from ' || d.price::DOUBLE::VARCHAR || ' to '
                    || w.next_price::DOUBLE::VARCHAR || ')'
       END AS reason
FROM prechecked d
JOIN walk w ON w.series_key = d.series_key AND w.step = d.step;
