-- Quarantined observations not yet in quarantine (once per natural key and reason, so reruns
-- add nothing): staged, counted per source, then appended. Not INSERT … RETURNING: DuckLake
-- cannot return rows from an insert (warehouse/ducklake.py).
CREATE OR REPLACE TEMP TABLE stage_quarantine AS
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
  );
