-- The price changes the change feed publishes: those recorded by nightly runs (not backfills:
-- importing history is not news), either by run $run_id or by runs started at or after
-- $since; newest run first. Each with the page it was read from (the series' latest
-- observation) and, where an ECB rate of its date exists (at most 7 days back, as in
-- mart_current_prices), its old and new price in USD.
WITH changes AS (
    SELECT c.*, r.started_at AS recorded_at, CAST(c.changed_at AS DATE) AS change_date
    FROM mart_price_changes c
    JOIN runs r ON r.run_id = c.run_id
    WHERE r.mode <> 'backfill'
      AND ($run_id IS NULL OR c.run_id = $run_id)
      AND ($since IS NULL OR r.started_at >= $since)
),
pages AS (
    SELECT o.source, o.provider, o.sku, arg_max(o.source_url, o.observed_at) AS url
    FROM observations o
    WHERE EXISTS (
        SELECT 1 FROM changes c
        WHERE c.source = o.source AND c.provider = o.provider AND c.sku = o.sku
    )
    GROUP BY ALL
),
rated AS (
    SELECT c.*, f.rate_date AS fx_date, f.usd_per_unit AS fx_rate
    FROM changes c
    ASOF LEFT JOIN fx_usd_rates f ON f.currency = c.currency AND c.change_date >= f.rate_date
)
SELECT
    c.run_id, c.recorded_at, c.changed_at, c.change, c.leg, c.source, c.source_kind,
    c.provider, c.sku, c.model_id, c.component, c.tier, c.region, c.currency, c.unit,
    c.old_price, c.new_price, c.percent, p.url,
    CASE
        WHEN c.currency = 'USD' THEN c.old_price
        WHEN date_diff('day', c.fx_date, c.change_date) <= 7
            THEN CAST(round(c.old_price * c.fx_rate, 12) AS DECIMAL(28, 12))
    END AS old_price_usd,
    CASE
        WHEN c.currency = 'USD' THEN c.new_price
        WHEN date_diff('day', c.fx_date, c.change_date) <= 7
            THEN CAST(round(c.new_price * c.fx_rate, 12) AS DECIMAL(28, 12))
    END AS new_price_usd
FROM rated c
LEFT JOIN pages p ON p.source = c.source AND p.provider = c.provider AND p.sku = c.sku
ORDER BY c.recorded_at DESC, c.provider, c.sku, c.component, c.tier, c.region, c.currency
