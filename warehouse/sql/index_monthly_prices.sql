-- One price per series and month for the matched-model indices: the LAST price in force
-- during the month (the price at month end, or on the series' last day if it left during the
-- month). Rows come from history_index_rows (migration 011, docs/input-hygiene.md): no
-- scheduled price before its date; a series ends at its last point plus its source's cadence
-- (a dataset's 2006 price does not stay in the index until the dataset's end), and at "now";
-- re-roundings of one published price ($2.19 → $2.1875) are one price; market aggregates
-- (offer medians and minimums, restated medians) are never list-price items.
-- Parameters: $leg, $components (list). Only USD prices: indices never mix currencies.
WITH spans AS (
    SELECT
        h.source, h.provider, h.sku, h.model, h.component, h.tier, h.region,
        h.accelerator, h.accelerator_count, h.price, h.valid_from,
        date_trunc('month', h.valid_from) AS first_month,
        date_trunc('month', h.index_to - INTERVAL 1 MICROSECOND) AS last_month
    FROM history_index_rows h
    WHERE h.leg = $leg
      AND list_contains($components, h.component)
      AND h.currency = 'USD'
      AND h.price > 0
      AND h.item_kind = 'list'
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
