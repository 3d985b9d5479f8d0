-- The first-party LLM prices in force, as prices_in_force picks them (its precedence: a
-- first-party page beats a first-party API; the developer's own listing first), in USD: what
-- the LiteLLM-format export writes. One row per listing × component × tier.
SELECT provider, sku, component, tier, price, source, valid_from
FROM prices_in_force
WHERE valid_to IS NULL
  AND source_kind IN ('first_party_page', 'first_party_api')
  AND currency = 'USD'
  AND region = 'global'
  AND price > 0
ORDER BY provider, sku, component, tier
