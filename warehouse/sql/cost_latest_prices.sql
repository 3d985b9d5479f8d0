-- Prices in force of one leg and component, newest first: the candidates for "today's" price
-- of energy, storage or egress. Parameters: $leg, $component, $provider and $tier (NULL =
-- any; a tier matches itself or its volume bands, 'standard' ⊃ 'standard:first-tier'),
-- $region (NULL = any).
SELECT source, provider, sku, tier, region, price, valid_from, last_observed_at
FROM history_in_force  -- nothing stale or scheduled (migration 011, docs/input-hygiene.md)
WHERE leg = $leg
  AND component = $component
  AND currency = 'USD'
  AND valid_to IS NULL
  AND price > 0
  AND ($provider IS NULL OR provider = $provider)
  AND ($tier IS NULL OR tier = $tier OR tier LIKE $tier || ':%')
  AND ($region IS NULL OR region = $region)
ORDER BY valid_from DESC, source, provider, sku, tier, region
