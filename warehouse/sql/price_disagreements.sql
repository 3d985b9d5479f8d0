-- The cross-source check's rows (view price_disagreements, migration 012), worst first.
SELECT model_id, component, tier, currency,
       first_party_price, first_party_source, first_party_provider, first_party_sku,
       first_party_valid_from,
       aggregator_price, aggregator_source, aggregator_provider, aggregator_sku,
       relative_difference, agreeing_aggregators, listing_aggregators, changed_tonight
FROM price_disagreements
ORDER BY changed_tonight DESC, abs(relative_difference) DESC NULLS FIRST,
         model_id, component, tier, currency, aggregator_source, aggregator_sku;
