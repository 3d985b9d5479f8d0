-- Clean observations whose natural key the warehouse has not seen: what this run adds.
CREATE OR REPLACE TEMP TABLE stage_new AS
SELECT c.* EXCLUDE (series_key, reason), $run_id AS run_id
FROM stage_checked c
WHERE c.reason IS NULL
  AND NOT EXISTS (
      SELECT 1 FROM observations o
      WHERE o.source = c.source AND o.provider = c.provider AND o.sku = c.sku
        AND o.component = c.component AND o.tier = c.tier AND o.region = c.region
        AND o.currency = c.currency AND o.observed_at = c.observed_at AND o.price = c.price
        AND o.effective_date IS NOT DISTINCT FROM c.effective_date
  );
