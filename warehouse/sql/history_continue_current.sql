-- The price in force: seen again (last_observed_at moves) and, if a new price followed it in
-- this run, closed where the new one starts.
UPDATE price_history h
SET last_observed_at = greatest(h.last_observed_at, i.last_observed_at),
    valid_to = i.valid_to,
    closed_by_run = CASE WHEN i.valid_to IS NOT NULL THEN $run_id END,
    close_reason = CASE WHEN i.valid_to IS NOT NULL THEN 'changed' END
FROM history_islands i
WHERE i.is_current AND h.series_key = i.series_key AND h.valid_to IS NULL;
