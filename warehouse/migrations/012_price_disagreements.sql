-- Page-history replay source kinds and the cross-source price check (issue 14, parts 2 and 4).

-- The page-history replay (scrapers/backfill/page_history.py) loads captures of first-party
-- pricing pages as `page_history` and of OpenRouter's API as `page_history_aggregators`. Each
-- ranks right below the live sources whose pages it replays: a replayed capture is the same
-- publisher's word, but older. Ranking it equal would let prices_in_force pick the cheaper of
-- the replay's last capture and tonight's page (its tie-break), so a real price rise on the
-- live page would stay hidden behind the replay's old price. Rank 2 is first_party_api's
-- (there is no such source yet); rank 4 is dataset's. Exact rows here are kept by the backfill,
-- which only adds kind 'dataset' for names not yet classified.
INSERT INTO source_kind_ranks
SELECT * FROM (VALUES
    ('first_party_page_history', 2,
     'a dated capture of a first-party pricing page, replayed: below the live page'),
    ('aggregator_history', 4,
     'a dated capture of an aggregator listing, replayed: below the live aggregators')
) AS kinds(kind, rank, description)
WHERE NOT EXISTS (SELECT 1 FROM source_kind_ranks r WHERE r.kind = kinds.kind);

INSERT INTO source_kinds
SELECT * FROM (VALUES
    ('page_history',             'first_party_page_history'),
    ('page_history_aggregators', 'aggregator_history')
) AS replay(source, kind)
WHERE NOT EXISTS (SELECT 1 FROM source_kinds k WHERE k.source = replay.source);

-- Tolerance of the cross-source check: a first-party and an aggregator price disagree when
-- |first-party - aggregator| is more than 1% of the first-party price AND more than half a cent
-- per million tokens, compared as exact decimals (DECIMAL(28, 12) on both sides, per-token
-- strings converted without rounding). Why 1%: equal list prices compare equal, and every real
-- error class (a mode price taken as the list price: batch -50%, long context +100%, fast mode
-- x6; the neighbouring row's price; a 10x unit slip) is at least 20% away. Why half a cent:
-- OpenRouter publishes per-token strings with 8 decimals, i.e. rounded to the cent per million
-- tokens (openai/gpt-5.1-codex-mini cache read "0.00000003" = $0.03 / M for OpenAI's $0.025;
-- gpt-5.1-codex "0.00000013" for $0.125), which is 20% on a price that small and no error.
CREATE TABLE price_check_tolerance (
    relative_tolerance  DECIMAL(9, 6) NOT NULL,   -- share of the first-party price
    absolute_tolerance  DECIMAL(28, 12) NOT NULL  -- in the canonical unit (per 1M tokens)
);
INSERT INTO price_check_tolerance VALUES (0.01, 0.005);

-- Every first-party price in force now (prices_in_force, source kind first_party_page,
-- first_party_api or first_party_page_history, already valid) next to each aggregator listing
-- in force (kind aggregator or aggregator_history) for the same model, component, tier and
-- currency that disagrees with it beyond the tolerance. Aggregator
-- listings are OpenRouter's own (not LiteLLM's second-hand copy of them) and the aggregators'
-- listings of the developer selling the model (LiteLLM 'anthropic', 'gemini'), of the model
-- itself (no dated snapshot or variant), region 'global': a cloud's regional price is not the
-- developer's list price.
--   agreeing_aggregators / listing_aggregators: of the aggregator SOURCES listing this price,
--     how many have at least one listing within the tolerance;
--   changed_tonight: the first-party price was opened by the latest nightly run (mode other
--     than 'backfill') and replaced an earlier price of the same series (a new listing is not
--     a change).
CREATE VIEW price_disagreements AS
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
    FROM history_in_force h  -- in force now: no stale replayed capture, no scheduled price
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
