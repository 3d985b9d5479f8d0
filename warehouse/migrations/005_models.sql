-- Model identity, capability scores, dataset provenance, known-error rules and source
-- precedence (issue 5: history backfill).

-- The model catalog, copied from the reviewed file schemas/data/models.csv by every backfill
-- (and `deflator models --refresh`).
CREATE TABLE models (
    model_id        VARCHAR PRIMARY KEY,   -- canonical id: the developer's API id without a date
    developer       VARCHAR NOT NULL,      -- organization slug: openai, anthropic, google, meta…
    family          VARCHAR NOT NULL,      -- gpt-4o, claude-3.5, gemini-1.5, llama-3.1…
    open_weights    BOOLEAN,               -- NULL: not stated in the catalog
    release_date    DATE,
    context_window  INTEGER,               -- tokens
    note            VARCHAR
);

-- Every listing (provider + listing id, as price_history writes provider and sku) that resolves
-- to a model, and the rule that resolved it. Listings that match no rule are absent here and
-- reported by `deflator models --unmatched`.
CREATE TABLE model_aliases (
    provider    VARCHAR NOT NULL,
    listing_id  VARCHAR NOT NULL,
    model_id    VARCHAR NOT NULL,
    rule        VARCHAR NOT NULL,   -- 'alias', 'model id', '… after path+region+vendor+version+date'
    variant     BOOLEAN NOT NULL,   -- a dated snapshot or routing variant of the model
    source      VARCHAR NOT NULL,   -- the reviewed file the rule comes from
    PRIMARY KEY (provider, listing_id)
);

-- Who sells under a provider name (schemas/data/providers.csv): tells a first-party listing
-- (organization = the model's developer) from a reseller's.
CREATE TABLE providers (
    provider      VARCHAR PRIMARY KEY,
    organization  VARCHAR NOT NULL
);

-- Capability scores as their sources publish them; model_id is NULL when the model name
-- matches no catalog entry (it is then listed by `deflator models --unmatched`).
CREATE TABLE benchmarks (
    model_id    VARCHAR,
    model_name  VARCHAR NOT NULL,           -- as the source names it
    benchmark   VARCHAR NOT NULL,           -- mmlu, gpqa_diamond, humaneval, math_500, math_level_5, chatbot_arena_elo
    score       DECIMAL(12, 4) NOT NULL,    -- percent for accuracy benchmarks, points for Elo
    source      VARCHAR NOT NULL,
    date        DATE,                       -- the date the source attaches to the row
    loaded_at   TIMESTAMP NOT NULL
);

-- Where each historical dataset comes from: written by every backfill of the dataset.
CREATE TABLE dataset_sources (
    source       VARCHAR PRIMARY KEY,
    leg          VARCHAR NOT NULL,
    description  VARCHAR NOT NULL,
    provenance   VARCHAR NOT NULL,          -- repository, path, commit as the PROVENANCE file gives them
    license      VARCHAR NOT NULL,
    files        VARCHAR NOT NULL,          -- the recordings read, relative to the shared data folder
    loaded_at    TIMESTAMP NOT NULL
);

-- Known errors of sources that pass every other check, as data: an observation of `source`
-- whose provider, sku, component and source_url match the LIKE patterns and that was observed
-- in [observed_from, observed_until) goes to quarantine with `reason`.
CREATE TABLE quarantine_rules (
    source          VARCHAR NOT NULL,
    provider        VARCHAR NOT NULL,       -- LIKE pattern
    sku             VARCHAR NOT NULL,       -- LIKE pattern
    component       VARCHAR NOT NULL,       -- LIKE pattern
    source_url      VARCHAR NOT NULL,       -- LIKE pattern (litellm_history: the mirror commit)
    observed_from   TIMESTAMP NOT NULL,
    observed_until  TIMESTAMP NOT NULL,
    reason          VARCHAR NOT NULL
);

-- LiteLLM's Vertex AI entries for Gemini 1.x and the text-embedding models carried Vertex's
-- per-CHARACTER rate divided by four in their per-token fields in the rows first seen at these
-- mirror commits (Gemini 1.5 Pro: 0.625 / 0.3125 / 0.078125 USD "per 1M tokens" where Vertex
-- charged 2.50 / 1.25 / 0.3125 USD per 1M characters, i.e. 10 / 5 / 1.25 USD per 1M tokens;
-- text-embedding-004: 0.00625 where Vertex charged 0.025 per 1M characters, 0.10 per 1M
-- tokens). Both observations of such a row (first and last seen) carry the row's commit in
-- source_url. Uncorrected preview entries kept the value until they were removed.
INSERT INTO quarantine_rules
SELECT 'litellm_history', provider, sku, component,
       '%/' || commit || '/%', TIMESTAMP '-infinity', TIMESTAMP 'infinity',
       'per-character price in a per-token field: Vertex AI billed ' || what
           || ' per character and LiteLLM held the per-character rate / 4'
FROM (VALUES
    ('vertex_ai-language-models', 'gemini-%', '%', 'd9f3f38cef349413c0064d05a80e6cd53b5c22e1', 'Gemini 1.x'),
    ('vertex_ai-language-models', 'gemini-%', '%', '4d27dcd151d222dbe7442fe66f8783a6f9987489', 'Gemini 1.x'),
    ('vertex_ai-language-models', 'gemini-%', '%', '75083299318d85846fbee8771ee27be6c4290ea4', 'Gemini 1.x'),
    ('vertex_ai-language-models', 'gemini-%', '%', '5fb518cc7983c18feee922e297a4faf6e4c247a7', 'Gemini 1.x'),
    ('vertex_ai-language-models', 'gemini-1.5-flash-preview-0514', 'output',
     '32dfb47f6b1215f063085a9530f45116fce2f4ca', 'Gemini 1.x'),
    ('vertex_ai-embedding-models', '%', '%', '5f7464ceae7c340f4e4884fec7e395b8c1aa2853', 'text embeddings'),
    ('vertex_ai-embedding-models', '%', '%', '569280a300e55448792272fbb2c2fdc019aa49b0', 'text embeddings'),
    ('vertex_ai-embedding-models', '%', '%', '75083299318d85846fbee8771ee27be6c4290ea4', 'text embeddings')
) AS known(provider, sku, component, commit, what);

-- What kind of publisher each source is, for the precedence view. `source` is a name or a
-- LIKE pattern ('%\_pricing': the first-party pricing-page sources); an exact name beats a
-- pattern. Backfill adds every dataset it loads as kind 'dataset'.
CREATE TABLE source_kinds (
    source  VARCHAR PRIMARY KEY,
    kind    VARCHAR NOT NULL
);

CREATE TABLE source_kind_ranks (
    kind         VARCHAR PRIMARY KEY,
    rank         INTEGER NOT NULL,          -- lower wins
    description  VARCHAR NOT NULL
);

INSERT INTO source_kind_ranks VALUES
    ('first_party_page', 1, 'the developer''s own pricing page'),
    ('first_party_api',  2, 'the developer''s own price or model API'),
    ('aggregator',       3, 'a price aggregator listing many providers (OpenRouter, LiteLLM)'),
    ('dataset',          4, 'a historical dataset imported by `deflator backfill`'),
    ('unknown',          9, 'a source not yet classified in source_kinds');

INSERT INTO source_kinds VALUES
    ('%\_pricing',             'first_party_page'),
    ('openrouter',             'aggregator'),
    ('litellm',                'aggregator'),
    ('epoch_api_prices',       'dataset'),
    ('epoch_benchmark_tables', 'dataset'),
    ('litellm_history',        'dataset'),
    ('simonw_llm_prices',      'dataset'),
    ('sophie_pricing_history', 'dataset');

-- The list price in force per model, component, tier and currency, over time: one row per
-- interval during which one source's listing wins. Candidates are the LLM price_history rows
-- whose (provider, sku) resolves in model_aliases. Precedence, first difference wins:
--   1. source kind: first-party page > first-party API > aggregator > dataset > unknown;
--   2. seller: the model's developer selling it (providers.organization = models.developer)
--      before anyone else (resellers, clouds, OpenRouter);
--   3. region 'global' before regional listings;
--   4. a listing naming the model itself before a dated snapshot or variant;
--   5. the lower price (the cheapest listing of the same standing);
--   6. source, provider, sku (alphabetical, to be deterministic).
-- Read the price on a date d with: d >= valid_from AND (valid_to IS NULL OR d < valid_to).
CREATE VIEW prices_in_force AS
WITH kinds AS (
    SELECT s.source, coalesce(k.kind, 'unknown') AS kind, coalesce(r.rank, 9) AS kind_rank
    FROM (SELECT DISTINCT source FROM price_history WHERE leg = 'llm') s
    LEFT JOIN source_kinds k ON s.source LIKE k.source ESCAPE '\'
    LEFT JOIN source_kind_ranks r ON r.kind = k.kind
    QUALIFY row_number() OVER (
        PARTITION BY s.source ORDER BY (k.source = s.source) DESC NULLS LAST, length(k.source) DESC
    ) = 1
),
candidates AS (
    SELECT a.model_id, h.component, h.tier, h.currency, h.price, h.valid_from, h.valid_to,
           h.source, k.kind, k.kind_rank, h.provider, h.sku, h.region, a.variant,
           CASE WHEN p.organization = m.developer THEN 1 ELSE 2 END AS seller_rank,
           p.organization = m.developer AS first_party_seller
    FROM price_history h
    JOIN model_aliases a ON a.provider = h.provider AND a.listing_id = h.sku
    JOIN models m ON m.model_id = a.model_id
    LEFT JOIN providers p ON p.provider = h.provider
    JOIN kinds k ON k.source = h.source
    WHERE h.leg = 'llm'
),
bounds AS (
    SELECT model_id, component, tier, currency, valid_from AS seg_from FROM candidates
    UNION
    SELECT model_id, component, tier, currency, valid_to FROM candidates WHERE valid_to IS NOT NULL
),
segments AS (
    SELECT *, lead(seg_from) OVER (PARTITION BY model_id, component, tier, currency ORDER BY seg_from) AS seg_to
    FROM bounds
),
chosen AS (
    SELECT s.model_id, s.component, s.tier, s.currency, s.seg_from, s.seg_to,
           c.price, c.source, c.kind, c.provider, c.sku, c.region,
           coalesce(c.first_party_seller, FALSE) AS first_party_seller,
           c.valid_from AS listing_valid_from
    FROM segments s
    JOIN candidates c
      ON c.model_id = s.model_id AND c.component = s.component AND c.tier = s.tier
     AND c.currency = s.currency
     AND c.valid_from <= s.seg_from AND (c.valid_to IS NULL OR c.valid_to > s.seg_from)
    QUALIFY row_number() OVER (
        PARTITION BY s.model_id, s.component, s.tier, s.currency, s.seg_from
        ORDER BY c.kind_rank, c.seller_rank, (c.region = 'global') DESC, c.variant, c.price,
                 c.source, c.provider, c.sku
    ) = 1
),
marked AS (
    SELECT *,
           CASE WHEN lag(seg_to) OVER w = seg_from
                     AND lag(source) OVER w = source AND lag(provider) OVER w = provider
                     AND lag(sku) OVER w = sku AND lag(region) OVER w = region
                     AND lag(price) OVER w = price
                THEN 0 ELSE 1 END AS starts
    FROM chosen
    WINDOW w AS (PARTITION BY model_id, component, tier, currency ORDER BY seg_from)
),
numbered AS (
    SELECT *, sum(starts) OVER (
        PARTITION BY model_id, component, tier, currency ORDER BY seg_from ROWS UNBOUNDED PRECEDING
    ) AS run
    FROM marked
)
SELECT model_id, component, tier, currency,
       min(seg_from) AS valid_from,
       CASE WHEN bool_or(seg_to IS NULL) THEN NULL ELSE max(seg_to) END AS valid_to,
       any_value(price) AS price,
       any_value(source) AS source,
       any_value(kind) AS source_kind,
       any_value(provider) AS provider,
       any_value(sku) AS sku,
       any_value(region) AS region,
       any_value(first_party_seller) AS first_party_seller
FROM numbered
GROUP BY model_id, component, tier, currency, run;
