-- How did gpt-4o's price move at each provider that sells it?
-- Every listing that resolves to gpt-4o (model_aliases: OpenAI's gpt-4o, Azure's
-- azure/gpt-4o, OpenRouter's openai/gpt-4o…; dated snapshots left out), its input and
-- output price per 1M tokens and the dates each held, merged over the sources that saw it.
SELECT
    h.provider,
    h.component,
    h.price,
    CAST(min(h.valid_from) AS DATE) AS since,
    CASE WHEN bool_or(h.valid_to IS NULL) THEN NULL ELSE CAST(max(h.valid_to) AS DATE) END AS until,
    string_agg(DISTINCT h.source, ', ' ORDER BY h.source) AS seen_by
FROM price_history h
JOIN model_aliases a ON a.provider = h.provider AND a.listing_id = h.sku
WHERE a.model_id = 'gpt-4o'
  AND NOT a.variant
  AND h.component IN ('input', 'output')
  AND h.tier = 'standard'
  AND h.region = 'global'
  AND h.currency = 'USD'
GROUP BY h.provider, h.component, h.price
ORDER BY h.provider, h.component, since;
