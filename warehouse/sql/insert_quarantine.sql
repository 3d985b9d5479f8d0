-- Quarantined observations, once per natural key and reason (reruns add nothing).
INSERT INTO quarantine BY NAME
SELECT c.* EXCLUDE (series_key), $run_id AS run_id
FROM stage_checked c
WHERE c.reason IS NOT NULL
  AND NOT EXISTS (
      SELECT 1 FROM quarantine q
      WHERE q.source = c.source AND q.provider = c.provider AND q.sku = c.sku
        AND q.component = c.component AND q.tier = c.tier AND q.region = c.region
        AND q.currency = c.currency AND q.observed_at = c.observed_at AND q.price = c.price
        AND q.effective_date IS NOT DISTINCT FROM c.effective_date
        AND q.reason = c.reason
  )
RETURNING source;
