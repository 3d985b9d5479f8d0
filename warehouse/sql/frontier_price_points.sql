-- The price points of the threshold frontier: every date a listing's price changed, with the
-- 3:1 blend of the input and output prices in force that day (or the listing's own blended
-- price when it has no separate ones), standard tier, USD. Parameter: $source (NULL = all).
-- The listing's model comes from model_aliases (NULL when the listing matches no model).
-- Rows come from history_index_rows (migration 011, docs/input-hygiene.md): no scheduled
-- price before its date, a stale listing ends, a re-rounding is not a price change.
WITH llm AS (
    SELECT source, provider, sku, model, component, price, valid_from, index_to AS valid_to
    FROM history_index_rows
    WHERE leg = 'llm'
      AND tier = 'standard'
      AND currency = 'USD'
      AND price > 0
      AND component IN ('input', 'output', 'blended')
      AND ($source IS NULL OR source = $source)
),
changes AS (
    SELECT DISTINCT source, provider, sku, valid_from AS changed_at FROM llm
),
in_force AS (
    SELECT
        c.source, c.provider, c.sku, c.changed_at,
        arg_max(l.model, l.valid_from) AS model,
        max(l.price) FILTER (WHERE l.component = 'input') AS input_price,
        max(l.price) FILTER (WHERE l.component = 'output') AS output_price,
        max(l.price) FILTER (WHERE l.component = 'blended') AS blended_price
    FROM changes c
    JOIN llm l
      ON l.source = c.source AND l.provider = c.provider AND l.sku = c.sku
     AND l.valid_from <= c.changed_at AND l.valid_to > c.changed_at
    GROUP BY c.source, c.provider, c.sku, c.changed_at
)
SELECT
    f.source,
    f.provider,
    f.sku,
    coalesce(f.model, f.sku) AS model,
    a.model_id,
    CAST(f.changed_at AS DATE) AS day,
    CASE
        WHEN f.input_price IS NOT NULL AND f.output_price IS NOT NULL
            THEN 0.75 * CAST(f.input_price AS DOUBLE) + 0.25 * CAST(f.output_price AS DOUBLE)
        ELSE CAST(f.blended_price AS DOUBLE)
    END AS price
FROM in_force f
LEFT JOIN model_aliases a ON a.provider = f.provider AND a.listing_id = f.sku
WHERE f.input_price IS NOT NULL AND f.output_price IS NOT NULL
   OR f.blended_price IS NOT NULL
ORDER BY day, source, provider, sku
