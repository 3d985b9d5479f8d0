-- Open a row for every new series and every changed price.
INSERT INTO price_history
SELECT series_key, source, leg, provider, sku, model, component, tier, region, currency, unit,
       price, valid_from, NULL, observed_at, observed_at, $run_id, NULL, NULL
FROM snapshot
WHERE change IN ('new', 'changed');
