-- What the run's summary lists (before the withdrawn series are closed): per source, each
-- missing series, whether it is withdrawn now or pending, and what it is.
SELECT m.source, m.withdraw AS withdrawn,
       concat_ws(' / ', h.provider, h.sku, h.component, h.tier, h.region, h.currency) AS series
FROM missing m
JOIN price_history h ON h.series_key = m.series_key AND h.valid_to IS NULL
ORDER BY ALL;
