-- Every LLM listing (provider + sku) the warehouse holds, with how much rests on it: the
-- observations and history rows under it and the sources that list it.
SELECT provider, sku,
       string_agg(DISTINCT source, ', ' ORDER BY source) AS sources,
       count(*) FILTER (WHERE kind = 'observation') AS observations,
       count(*) FILTER (WHERE kind = 'history') AS history_rows
FROM (
    SELECT provider, sku, source, 'observation' AS kind FROM observations WHERE leg = 'llm'
    UNION ALL
    SELECT provider, sku, source, 'history' AS kind FROM price_history WHERE leg = 'llm'
)
GROUP BY provider, sku
ORDER BY provider, sku;
