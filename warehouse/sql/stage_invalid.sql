-- Rows of one bulk source (registered as stage_arrow) that break a rule pydantic's Observation
-- enforces row by row: a bulk source that hands the loader a pre-built Arrow table skipped
-- those checks, so they run here, set-based, before any of its rows is staged (a broken table
-- fails its source alone). One row per broken rule: how many rows, and one example.
-- Parameters: $legs, $currencies and $component_units ('input/per_1m_tokens', …): the closed
-- vocabularies of schemas/enums.py.
SELECT rule, count(*) AS rows, any_value(example) AS example
FROM (
    SELECT
        CASE
            WHEN coalesce(source, '') = '' OR coalesce(provider, '') = '' OR coalesce(sku, '') = ''
                 OR coalesce(tier, '') = '' OR coalesce(region, '') = ''
                 OR coalesce(parser_version, '') = ''
                THEN 'an empty source, provider, sku, tier, region or parser_version'
            WHEN leg IS NULL OR NOT list_contains($legs, leg) THEN 'unknown leg'
            WHEN currency IS NULL OR NOT list_contains($currencies, currency)
                THEN 'unknown currency'
            WHEN component IS NULL OR unit IS NULL
                 OR NOT list_contains($component_units, component || '/' || unit)
                THEN 'unknown component, or not stored in its canonical unit'
            WHEN price IS NULL THEN 'no price'
            WHEN observed_at IS NULL THEN 'no observation time'
            WHEN published_text IS NULL OR published_unit IS NULL OR source_url IS NULL
                THEN 'no published text, published unit or source URL'
            WHEN page_hash IS NULL OR NOT regexp_full_match(page_hash, '[0-9a-f]{64}')
                THEN 'page_hash is not a sha256 hex digest'
            WHEN accelerator_count < 1 THEN 'accelerator_count below 1'
        END AS rule,
        concat_ws(' / ', source, provider, sku, component, observed_at::VARCHAR) AS example
    FROM stage_arrow
)
WHERE rule IS NOT NULL
GROUP BY rule
ORDER BY rule;
