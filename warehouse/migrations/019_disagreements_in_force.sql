-- The cross-source check compares first-party prices in force with aggregator listings IN
-- FORCE: migration 012 read the aggregators' open rows of price_history, so a replayed
-- OpenRouter capture past its window (input hygiene, migration 011: it holds a cadence after
-- its capture) still spoke for today. The aggregator side now reads history_in_force, the
-- same rows without the stale and the scheduled ones.
CREATE OR REPLACE VIEW price_disagreements AS
WITH now_utc AS (
    SELECT (current_timestamp AT TIME ZONE 'UTC')::TIMESTAMP AS ts
),
latest_run AS (
    SELECT run_id FROM runs WHERE mode <> 'backfill' ORDER BY started_at DESC LIMIT 1
),
first_party AS (
    SELECT p.model_id, p.component, p.tier, p.currency, p.price, p.source, p.provider, p.sku,
           p.region, p.valid_from, h.series_key, h.opened_by_run,
           h.valid_from AS listing_valid_from
    FROM prices_in_force p
    JOIN price_history h
      ON h.source = p.source AND h.provider = p.provider AND h.sku = p.sku
     AND h.component = p.component AND h.tier = p.tier AND h.region = p.region
     AND h.currency = p.currency AND h.valid_to IS NULL
    WHERE p.source_kind IN ('first_party_page', 'first_party_api', 'first_party_page_history')
      AND p.valid_to IS NULL
      AND p.valid_from <= (SELECT ts FROM now_utc)
),
aggregator AS (
    SELECT a.model_id, h.component, h.tier, h.currency, h.price, h.source, h.provider, h.sku,
           h.valid_from
    FROM history_in_force h
    JOIN source_kind_of k
      ON k.source = h.source AND k.kind IN ('aggregator', 'aggregator_history')
    JOIN model_aliases a ON a.provider = h.provider AND a.listing_id = h.sku
    JOIN models m ON m.model_id = a.model_id
    LEFT JOIN providers o ON o.provider = h.provider
    WHERE h.leg = 'llm' AND h.valid_to IS NULL AND h.region = 'global' AND NOT a.variant
      AND h.valid_from <= (SELECT ts FROM now_utc)
      AND (o.organization = m.developer OR (h.provider = 'openrouter' AND h.source <> 'litellm'))
),
pairs AS (
    SELECT f.*, g.price AS aggregator_price, g.source AS aggregator_source,
           g.provider AS aggregator_provider, g.sku AS aggregator_sku,
           g.valid_from AS aggregator_valid_from,
           abs(f.price - g.price) > greatest(f.price * t.relative_tolerance, t.absolute_tolerance)
               AS disagrees
    FROM first_party f
    JOIN aggregator g USING (model_id, component, tier, currency)
    CROSS JOIN price_check_tolerance t
),
judged AS (
    SELECT *,
           count(DISTINCT aggregator_source) OVER k AS listing_aggregators,
           count(DISTINCT aggregator_source) FILTER (WHERE NOT disagrees) OVER k
               AS agreeing_aggregators
    FROM pairs
    WINDOW k AS (PARTITION BY model_id, component, tier, currency)
)
SELECT j.model_id, j.component, j.tier, j.currency,
       j.price AS first_party_price, j.source AS first_party_source,
       j.provider AS first_party_provider, j.sku AS first_party_sku,
       j.valid_from AS first_party_valid_from,
       j.aggregator_price, j.aggregator_source, j.aggregator_provider, j.aggregator_sku,
       j.aggregator_valid_from,
       -- a ratio for people (DuckDB divides decimals as doubles); the test above is exact
       CAST((j.aggregator_price - j.price) / nullif(j.price, 0) AS DECIMAL(18, 6))
           AS relative_difference,
       j.agreeing_aggregators, j.listing_aggregators,
       coalesce(j.opened_by_run = (SELECT run_id FROM latest_run)
                AND EXISTS (SELECT 1 FROM price_history e
                            WHERE e.series_key = j.series_key
                              AND e.valid_from < j.listing_valid_from),
                FALSE) AS changed_tonight
FROM judged j
WHERE j.disagrees;
