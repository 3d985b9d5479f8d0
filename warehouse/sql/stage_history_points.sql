-- The clean prices of this run as points in time, one per series and start moment.
-- A point starts at the source's effective date when it states one, else when it was observed.
-- Points no later than what the history already holds for their series (a replayed old page,
-- a rerun) are dropped: history only moves forward; a point at the very start of the price in
-- force is kept (it confirms that price).
-- Narrow on purpose (key, moment, price, and the point's row of stage): the islands need no
-- more, and history_open reads the descriptive columns of the points that open a history row
-- from stage by that row (a backfill has millions of points, and far fewer islands).
CREATE OR REPLACE TEMP TABLE history_points AS
WITH clean AS (
    SELECT c.row_id, c.series_key,
           coalesce(s.effective_date::TIMESTAMP, s.observed_at) AS valid_from,
           s.price, s.observed_at
    FROM stage_checks c
    JOIN stage s ON s.rowid = c.row_id
    WHERE c.reason IS NULL
    QUALIFY row_number() OVER (
        PARTITION BY c.series_key, coalesce(s.effective_date::TIMESTAMP, s.observed_at)
        ORDER BY s.observed_at DESC, s.price
    ) = 1
),
held AS (
    SELECT series_key, max(coalesce(valid_to, valid_from)) AS held_until,
           max(valid_from) FILTER (WHERE valid_to IS NULL) AS open_from
    FROM price_history
    WHERE series_key IN (SELECT series_key FROM clean)
    GROUP BY series_key
)
SELECT c.*
FROM clean c
LEFT JOIN held h USING (series_key)
WHERE h.held_until IS NULL OR c.valid_from > h.held_until
   -- The price in force stated again with its own effective date (a page that says "since
   -- 2024-05-13" every night): kept, so the island continues and last_observed_at moves —
   -- staleness (docs/input-hygiene.md) reads it as the last confirmation.
   OR c.valid_from = h.open_from;
