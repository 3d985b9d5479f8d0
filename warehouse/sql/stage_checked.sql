-- Check each staged observation against the plausibility ceilings and the price in force,
-- and give it its series key. A non-NULL reason sends it to quarantine instead of history.
-- Duplicates of the natural key inside one batch are dropped first (DuckDB upserts and
-- anti-joins misbehave on in-batch duplicates).
CREATE OR REPLACE TEMP TABLE stage_checked AS
WITH deduplicated AS (
    SELECT *,
           concat_ws(chr(31), source, provider, sku, component, tier, region, currency) AS series_key
    FROM stage
    QUALIFY row_number() OVER (
        PARTITION BY source, provider, sku, component, tier, region, currency, observed_at, price
        ORDER BY page_hash
    ) = 1
),
in_force AS (
    SELECT series_key, price AS price_in_force
    FROM price_history
    WHERE valid_to IS NULL
)
SELECT d.*,
       CASE
           WHEN d.price <= 0 THEN 'zero or negative price: not a list price'
           WHEN lim.max_price IS NOT NULL AND d.price > lim.max_price THEN 'implausible: ' || lim.reason
           WHEN f.price_in_force > 0
                AND greatest(d.price / f.price_in_force, f.price_in_force / d.price) > $max_step_factor
               THEN 'moved more than ' || $max_step_factor::VARCHAR || '× in one step (from '
                    || f.price_in_force::DOUBLE::VARCHAR || ' to ' || d.price::DOUBLE::VARCHAR || ')'
       END AS reason
FROM deduplicated d
LEFT JOIN plausibility_limits lim ON lim.unit = d.unit AND lim.currency = d.currency
LEFT JOIN in_force f ON f.series_key = d.series_key;
