-- Check each staged observation against the plausibility ceilings, the known-error rules
-- (quarantine_rules) and the price it follows, and give it its series key. A non-NULL reason
-- sends it to quarantine instead of history. The price it follows is the history's price at
-- that moment (ASOF join), else the last ACCEPTED point of the same series in this batch (a
-- backfill brings many), so one bad point (a spike, a zero, a per-1M value) never makes the
-- good point after it look like a step move. A point that follows no accepted price (the first
-- of a new series in a backfill) is checked against the next different clean prices instead:
-- a source's first price that its next price (and the one after, if any) moves away from by
-- more than the factor was the error, not the correction, while a spike right after a good
-- first price leaves it standing (a nightly run has no next point, so this never applies to
-- it). Duplicates of the natural key inside one batch are dropped first (upserts and
-- anti-joins misbehave on them). The step rule itself is the macro step_rejected
-- (step_rule.sql, created just before this runs), used by both passes below.
--
-- How, at the scale of a backfill (millions of points; bench/README.md): every point is first
-- checked in one pass as if no clean point before it had been rejected (`assumed`: the price
-- it follows is the history's, else the last clean price before it). Where that holds for a
-- whole series — no clean point of it fails — it is exactly what a point-by-point walk gives.
-- Only the series where a clean point fails (a spike or slip: a handful in a backfill) are
-- walked point by point (`walk`), carrying the last accepted price. The windows run on narrow
-- rows (key, moment, price, row id). The result is narrow too (stage_checks: a row of stage,
-- its series key, the reason or NULL); the view stage_checked (stage_checked_view.sql) puts
-- it beside the staged columns for readers that want them.
CREATE OR REPLACE TEMP TABLE stage_checks AS
WITH RECURSIVE keyed AS (
    SELECT rowid AS row_id,
           concat_ws(chr(31), source, provider, sku, component, tier, region, currency) AS series_key,
           coalesce(effective_date::TIMESTAMP, observed_at) AS point_at,
           observed_at, effective_date, price, page_hash, unit, currency,
           hash(series_key, observed_at, effective_date, price) AS key_hash
    FROM stage
),
-- Duplicates of the natural key (the first by page_hash stays): only rows whose key hash
-- repeats are compared exactly.
dropped AS (
    SELECT row_id
    FROM keyed
    WHERE key_hash IN (SELECT key_hash FROM keyed GROUP BY key_hash HAVING count(*) > 1)
    QUALIFY row_number() OVER (
        PARTITION BY series_key, observed_at, effective_date, price ORDER BY page_hash
    ) > 1
),
deduplicated AS (
    SELECT * FROM keyed WHERE row_id NOT IN (SELECT row_id FROM dropped)
),
-- Known errors (quarantine_rules): only rows of a source that has a rule can match one.
ruled AS (
    SELECT s.rowid AS row_id, min(r.reason) AS reason
    FROM stage s
    JOIN quarantine_rules r
      ON r.source = s.source AND s.provider LIKE r.provider AND s.sku LIKE r.sku
     AND s.component LIKE r.component AND s.source_url LIKE r.source_url
     AND s.observed_at >= r.observed_from AND s.observed_at < r.observed_until
    GROUP BY s.rowid
),
prechecked AS (
    SELECT d.row_id, d.series_key, d.point_at, d.observed_at, d.price,
           CASE
               WHEN d.price <= 0 THEN 'zero or negative price: not a list price'
               WHEN lim.max_price IS NOT NULL AND d.price > lim.max_price
                   THEN 'implausible: ' || lim.reason
               ELSE ruled.reason
           END AS pre_reason
    FROM deduplicated d
    LEFT JOIN plausibility_limits lim ON lim.unit = d.unit AND lim.currency = d.currency
    LEFT JOIN ruled ON ruled.row_id = d.row_id
),
-- The history's price at each point's moment. A point at or after the start of its series'
-- price in force (every point of a nightly run) takes that price, found among the prices in
-- force (one row per series) without sorting the whole history; only the other points (older
-- points of a backfill, series withdrawn or new) need the ASOF join, against the history of
-- their own series.
in_force AS (
    SELECT series_key, max(valid_from) AS open_from, arg_max(price, valid_from) AS open_price
    FROM price_history
    WHERE valid_to IS NULL
    GROUP BY series_key
),
located AS (
    SELECT p.*, f.open_from, f.open_price
    FROM prechecked p
    LEFT JOIN in_force f USING (series_key)
),
-- Series with any history row: only their other points can find a price before them (a
-- backfill of new series needs no ASOF join at all).
held_series AS (
    SELECT DISTINCT series_key
    FROM price_history
    WHERE series_key IN (
        SELECT series_key FROM located WHERE open_from IS NULL OR point_at < open_from
    )
),
history_before AS (
    SELECT * EXCLUDE (open_from, open_price), open_price AS history_price
    FROM located
    WHERE point_at >= open_from
    UNION ALL
    SELECT * EXCLUDE (open_from, open_price), CAST(NULL AS DECIMAL(28, 12)) AS history_price
    FROM located
    WHERE (open_from IS NULL OR point_at < open_from)
      AND series_key NOT IN (SELECT series_key FROM held_series)
    UNION ALL
    SELECT l.* EXCLUDE (open_from, open_price), h.price AS history_price
    FROM (
        SELECT * FROM located
        WHERE (open_from IS NULL OR point_at < open_from)
          AND series_key IN (SELECT series_key FROM held_series)
    ) l
    ASOF LEFT JOIN (
        SELECT series_key, valid_from, price
        FROM price_history
        WHERE series_key IN (SELECT series_key FROM held_series)
    ) h ON h.series_key = l.series_key AND l.point_at >= h.valid_from
),
-- One pass in time order per series: the point's step; the price it follows if no clean
-- point before it was rejected (the history's at that moment, else the last clean price
-- before it; a point rejected by the checks above passes on the history's price at its
-- moment, if any); and whether it starts a run of equal clean prices.
assumed AS (
    SELECT *,
           row_number() OVER w AS step,
           coalesce(history_price, last_value(
               CASE WHEN pre_reason IS NULL THEN price ELSE history_price END IGNORE NULLS
           ) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)) AS previous_price,
           pre_reason IS NULL AND last_value(
               CASE WHEN pre_reason IS NULL THEN price END IGNORE NULLS
           ) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) IS DISTINCT FROM price
               AS starts
    FROM history_before
    WINDOW w AS (PARTITION BY series_key ORDER BY point_at, observed_at, price)
),
-- The next two different clean prices after each run of equal clean prices: what a point
-- that follows no price is checked against. Such a point starts a run (no clean point came
-- before it), so the run starts are all it takes.
next_runs AS (
    SELECT series_key, step,
           lead(price, 1) OVER (PARTITION BY series_key ORDER BY step) AS next_price,
           lead(price, 2) OVER (PARTITION BY series_key ORDER BY step) AS after_next_price
    FROM assumed
    WHERE starts
),
assumed_checked AS (
    SELECT *,
           step_rejected(
               pre_reason, price, previous_price, next_price, after_next_price, $max_step_factor
           ) AS rejected
    FROM (
        SELECT a.row_id, a.series_key, a.step, a.price, a.pre_reason, a.previous_price,
               n.next_price, n.after_next_price
        FROM assumed a
        LEFT JOIN next_runs n USING (series_key, step)
    )
),
-- Series where a clean point failed: the assumption broke, walk them point by point. In the
-- walk a point may follow no price without starting a run (its run's first point was
-- rejected): it takes the next prices of its run.
walked AS MATERIALIZED (
    SELECT w.row_id, w.series_key, w.step, w.price, w.pre_reason, w.history_price,
           n.next_price, n.after_next_price
    FROM (
        SELECT *, last_value(CASE WHEN starts THEN step END IGNORE NULLS) OVER (
                      PARTITION BY series_key ORDER BY step ROWS UNBOUNDED PRECEDING
                  ) AS run_start
        FROM assumed
        WHERE series_key IN (
            SELECT series_key FROM assumed_checked WHERE rejected AND pre_reason IS NULL
        )
    ) w
    LEFT JOIN next_runs n
      ON n.series_key = w.series_key AND n.step = w.run_start
),
-- One step per point, in time order: previous_price is the history's price at that moment,
-- else the last accepted price of the walk; accepted_price is what the next point follows.
walk AS (
    SELECT *, CASE WHEN rejected THEN previous_price ELSE price END AS accepted_price
    FROM (
        SELECT row_id, series_key, step, price, next_price, after_next_price, previous_price,
               step_rejected(
                   pre_reason, price, previous_price, next_price, after_next_price, $max_step_factor
               ) AS rejected
        FROM (SELECT *, history_price AS previous_price FROM walked WHERE step = 1)
    )
    UNION ALL
    SELECT *, CASE WHEN rejected THEN previous_price ELSE price END AS accepted_price
    FROM (
        SELECT row_id, series_key, step, price, next_price, after_next_price, previous_price,
               step_rejected(
                   pre_reason, price, previous_price, next_price, after_next_price, $max_step_factor
               ) AS rejected
        FROM (
            SELECT n.*, coalesce(n.history_price, w.accepted_price) AS previous_price
            FROM walk w
            JOIN walked n ON n.series_key = w.series_key AND n.step = w.step + 1
        )
    )
),
checked AS (
    SELECT row_id, series_key, price, pre_reason, previous_price, next_price, rejected
    FROM assumed_checked
    WHERE series_key NOT IN (SELECT series_key FROM walked)
    UNION ALL
    SELECT w.row_id, w.series_key, w.price, h.pre_reason, w.previous_price, w.next_price,
           w.rejected
    FROM walk w
    JOIN walked h USING (row_id)
)
SELECT row_id, series_key,
       CASE
           WHEN pre_reason IS NOT NULL THEN pre_reason
           WHEN previous_price > 0
                AND greatest(price / previous_price, previous_price / price) > $max_step_factor
               THEN 'moved more than ' || $max_step_factor::VARCHAR || '× in one step (from '
                    || previous_price::DOUBLE::VARCHAR || ' to ' || price::DOUBLE::VARCHAR || ')'
           WHEN previous_price > 0 AND step_too_far(price, previous_price, $max_step_factor)
               THEN 'unit slip: moved by a factor within 1% of 10, 100 or 1000 in one step (from '
                    || previous_price::DOUBLE::VARCHAR || ' to ' || price::DOUBLE::VARCHAR || ')'
           WHEN rejected AND greatest(price / next_price, next_price / price) > $max_step_factor
               THEN 'first price of the series, more than ' || $max_step_factor::VARCHAR
                    || '× from the prices after it (from ' || price::DOUBLE::VARCHAR || ' to '
                    || next_price::DOUBLE::VARCHAR || ')'
           WHEN rejected
               THEN 'first price of the series, a unit slip (a factor within 1% of 10, 100 or'
                    || ' 1000) from the prices after it (from ' || price::DOUBLE::VARCHAR
                    || ' to ' || next_price::DOUBLE::VARCHAR || ')'
       END AS reason
FROM checked;
