-- The latest clean price of each series in this run, classified against the history:
--   new      no price in force for the series (first sight, or back after a withdrawal)
--   same     the price in force again (only last_observed_at moves)
--   changed  a different price, later than the one in force
--   stale    older than what the history already holds (a replayed old page): ignored
CREATE OR REPLACE TEMP TABLE snapshot AS
WITH latest AS (
    SELECT *, coalesce(effective_date::TIMESTAMP, observed_at) AS valid_from
    FROM stage_checked
    WHERE reason IS NULL
    QUALIFY row_number() OVER (PARTITION BY series_key ORDER BY observed_at DESC, price) = 1
)
SELECT l.*,
       CASE
           WHEN h.series_key IS NULL AND EXISTS (
                SELECT 1 FROM price_history c
                WHERE c.series_key = l.series_key AND c.valid_to > l.valid_from) THEN 'stale'
           WHEN h.series_key IS NULL THEN 'new'
           WHEN l.price = h.price THEN 'same'
           WHEN l.valid_from <= h.valid_from THEN 'stale'
           ELSE 'changed'
       END AS change
FROM latest l
LEFT JOIN price_history h ON h.series_key = l.series_key AND h.valid_to IS NULL;
