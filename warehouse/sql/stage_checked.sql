-- Check each staged observation against the plausibility ceilings and against the price it
-- follows, and give it its series key. A non-NULL reason sends it to quarantine instead of
-- history. The price it follows is the history's price at that moment (ASOF join), else the
-- previous point of the same series in this batch (a backfill brings many). Duplicates of the
-- natural key inside one batch are dropped first (upserts and anti-joins misbehave on them).
CREATE OR REPLACE TEMP TABLE stage_checked AS
WITH deduplicated AS (
    SELECT *,
           concat_ws(chr(31), source, provider, sku, component, tier, region, currency) AS series_key,
           coalesce(effective_date::TIMESTAMP, observed_at) AS point_at
    FROM stage
    QUALIFY row_number() OVER (
        PARTITION BY source, provider, sku, component, tier, region, currency, observed_at, price
        ORDER BY page_hash
    ) = 1
),
history_before AS (
    SELECT d.series_key, d.point_at, d.observed_at, d.price, h.price AS history_price
    FROM deduplicated d
    ASOF LEFT JOIN price_history h
        ON h.series_key = d.series_key AND d.point_at >= h.valid_from
),
followed AS (
    SELECT series_key, point_at, observed_at, price,
           coalesce(
               history_price,
               lag(price) OVER (PARTITION BY series_key ORDER BY point_at, observed_at)
           ) AS previous_price
    FROM history_before
)
SELECT d.* EXCLUDE (point_at),
       CASE
           WHEN d.price <= 0 THEN 'zero or negative price: not a list price'
           WHEN lim.max_price IS NOT NULL AND d.price > lim.max_price THEN 'implausible: ' || lim.reason
           WHEN f.previous_price > 0
                AND greatest(d.price / f.previous_price, f.previous_price / d.price) > $max_step_factor
               THEN 'moved more than ' || $max_step_factor::VARCHAR || '× in one step (from '
                    || f.previous_price::DOUBLE::VARCHAR || ' to ' || d.price::DOUBLE::VARCHAR || ')'
       END AS reason
FROM deduplicated d
LEFT JOIN plausibility_limits lim ON lim.unit = d.unit AND lim.currency = d.currency
LEFT JOIN followed f
    ON f.series_key = d.series_key AND f.point_at = d.point_at
   AND f.observed_at = d.observed_at AND f.price = d.price;
