-- The price in force was seen again: remember when.
UPDATE price_history h
SET last_observed_at = greatest(h.last_observed_at, s.observed_at)
FROM snapshot s
WHERE s.change = 'same' AND h.series_key = s.series_key AND h.valid_to IS NULL;
