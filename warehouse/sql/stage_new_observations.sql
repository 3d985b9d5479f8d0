-- Clean observations whose natural key the warehouse has not seen: what this run adds, as
-- rows of stage (insert_new_observations.sql appends them). The stored observations that
-- match are found by joining them to this batch (the batch builds the hash table, so DuckDB
-- reads only the stored rows inside the batch's time span), then left out.
CREATE OR REPLACE TEMP TABLE stage_new AS
WITH clean AS (
    SELECT c.row_id, s.source, s.provider, s.sku, s.component, s.tier, s.region, s.currency,
           s.observed_at, s.price, s.effective_date
    FROM stage_checks c
    JOIN stage s ON s.rowid = c.row_id
    WHERE c.reason IS NULL
),
seen AS (
    SELECT c.row_id
    FROM clean c
    JOIN observations o
      ON o.source = c.source AND o.provider = c.provider AND o.sku = c.sku
     AND o.component = c.component AND o.tier = c.tier AND o.region = c.region
     AND o.currency = c.currency AND o.observed_at = c.observed_at AND o.price = c.price
     AND o.effective_date IS NOT DISTINCT FROM c.effective_date
)
SELECT row_id, source
FROM clean
WHERE row_id NOT IN (SELECT row_id FROM seen);
