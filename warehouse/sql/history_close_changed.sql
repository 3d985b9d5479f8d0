-- A new price ends the old one at the moment the new one starts.
UPDATE price_history h
SET valid_to = s.valid_from, closed_by_run = $run_id, close_reason = 'changed'
FROM snapshot s
WHERE s.change = 'changed' AND h.series_key = s.series_key AND h.valid_to IS NULL;
