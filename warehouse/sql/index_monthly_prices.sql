-- One price per series and month for the matched-model indices: the LAST price in force
-- during the month (the price at month end, or on the series' last day if it left during the
-- month). A price still in force (valid_to NULL) counts until its source's last observation,
-- not until today: a dataset that ends in 2025 does not keep its prices alive in 2026.
-- Parameters: $leg, $components (list). Only USD prices: indices never mix currencies.
WITH source_end AS (
    SELECT source, max(last_observed_at) AS last_seen
    FROM price_history
    GROUP BY source
),
spans AS (
    SELECT
        h.source, h.provider, h.sku, h.model, h.component, h.tier, h.region,
        h.accelerator, h.accelerator_count, h.price, h.valid_from,
        date_trunc('month', h.valid_from) AS first_month,
        date_trunc(
            'month',
            CASE
                WHEN h.valid_to IS NOT NULL THEN h.valid_to - INTERVAL 1 MICROSECOND
                ELSE greatest(e.last_seen, h.valid_from)
            END
        ) AS last_month
    FROM price_history h
    JOIN source_end e USING (source)
    WHERE h.leg = $leg
      AND list_contains($components, h.component)
      AND h.currency = 'USD'
      AND h.price > 0
),
monthly AS (
    SELECT s.*, unnest(generate_series(first_month, last_month, INTERVAL 1 MONTH)) AS month
    FROM spans s
)
SELECT
    source, provider, sku, component, tier, region,
    CAST(month AS DATE) AS period,
    CAST(arg_max(price, valid_from) AS DOUBLE) AS price,  -- index math runs on doubles
    arg_max(model, valid_from) AS model,
    arg_max(accelerator, valid_from) AS accelerator,
    arg_max(accelerator_count, valid_from) AS accelerator_count
FROM monthly
GROUP BY source, provider, sku, component, tier, region, month
ORDER BY source, provider, sku, component, tier, region, period
