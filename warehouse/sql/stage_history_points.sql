-- The clean prices of this run as points in time, one per series and start moment.
-- A point starts at the source's effective date when it states one, else when it was observed.
-- Points no later than what the history already holds for their series (a replayed old page,
-- a rerun) are dropped: history only moves forward.
CREATE OR REPLACE TEMP TABLE history_points AS
WITH clean AS (
    SELECT * EXCLUDE (reason), coalesce(effective_date::TIMESTAMP, observed_at) AS valid_from
    FROM stage_checked
    WHERE reason IS NULL
    QUALIFY row_number() OVER (
        PARTITION BY series_key, coalesce(effective_date::TIMESTAMP, observed_at)
        ORDER BY observed_at DESC, price
    ) = 1
),
held AS (
    SELECT series_key, max(coalesce(valid_to, valid_from)) AS held_until
    FROM price_history
    WHERE series_key IN (SELECT series_key FROM clean)
    GROUP BY series_key
)
SELECT c.*
FROM clean c
LEFT JOIN held h USING (series_key)
WHERE h.held_until IS NULL OR c.valid_from > h.held_until;
