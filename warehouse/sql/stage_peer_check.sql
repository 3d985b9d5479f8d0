-- A NEW series (no history row at all) priced far above its peers is quarantined until it is
-- confirmed (docs/load-safety.md): the step rule cannot catch it, having no price before it.
-- Issue 18: all prices ×1000 quarantined 1,185 rows, but two RunPod series with no history went
-- in at $500 per GPU-hour.
-- Peers are the prices in force of the same kind, in the same unit and currency:
--   * compute with an accelerator: per GPU-hour (an instance_hour price divided by its
--     accelerator count; a gpu_hour price as it is), the same accelerator;
--   * LLM tokens: the same model (the catalog's model_id when the listing resolves in
--     model_aliases, else the listing's own model name) and component, any tier.
-- A point is quarantined when at least $min_peers peer series are in force and its price is
-- more than $compute_factor (compute) or $llm_factor (LLM) × the HIGHEST of them. Not the
-- median: peers span marketplaces and hyperscalers, and AWS p4d.24xlarge lists $4.44 per
-- A100-hour, 10.1× the median of the A100 40GB prices in force from the other recorded
-- sources (measured), while a ×1000 slip is still 209× the highest (MI300X: $500 against
-- RunPod's $2.39). LLM prices of one model vary far more across hosts (open-weight models,
-- regional Bedrock prices, long-context tiers): in the first offline night after a full
-- backfill, a 10× rule held back 220 listings, nearly all real (measured); at 100× two remain,
-- both doubtful LiteLLM values (docs/load-safety.md). The LLM slips that matter (per-1K or
-- per-token read as per-1M) are 1000× or more.
-- A price confirmed for its series (price_confirmations, `deflator confirm`) passes. Only rows
-- not already rejected are looked at; the ratio is compared in DOUBLE (a factor, never a
-- stored value).
-- A backfill does not run this: historical prices are not comparable with today's.
UPDATE stage_checks c
SET reason = f.reason
FROM (
    WITH staged AS (
        SELECT c.row_id, s.price, s.leg, s.unit, s.currency, s.component,
               CASE
                   WHEN s.leg = 'compute' AND s.accelerator IS NOT NULL
                       THEN 'gpu' || chr(31) || s.accelerator
                   WHEN s.leg = 'llm' AND coalesce(a.model_id, s.model) IS NOT NULL
                       THEN 'llm' || chr(31) || coalesce(a.model_id, s.model) || chr(31) || s.component
               END AS peer_group,
               CASE
                   WHEN s.component = 'instance_hour' AND s.accelerator_count >= 1
                       THEN s.price::DOUBLE / s.accelerator_count
                   WHEN s.component <> 'instance_hour' THEN s.price::DOUBLE
               END AS comparable
        FROM stage_checks c
        JOIN stage s ON s.rowid = c.row_id
        LEFT JOIN model_aliases a ON a.provider = s.provider AND a.listing_id = s.sku
        WHERE c.reason IS NULL
          AND NOT EXISTS (SELECT 1 FROM price_history h WHERE h.series_key = c.series_key)
          AND NOT EXISTS (
              SELECT 1 FROM price_confirmations p
              WHERE p.series_key = c.series_key AND p.price = s.price
          )
    ),
    peers AS (
        SELECT CASE
                   WHEN h.leg = 'compute' AND h.accelerator IS NOT NULL
                       THEN 'gpu' || chr(31) || h.accelerator
                   WHEN h.leg = 'llm' AND coalesce(a.model_id, h.model) IS NOT NULL
                       THEN 'llm' || chr(31) || coalesce(a.model_id, h.model) || chr(31) || h.component
               END AS peer_group,
               h.unit, h.currency,
               max(CASE
                   WHEN h.component = 'instance_hour' AND h.accelerator_count >= 1
                       THEN h.price::DOUBLE / h.accelerator_count
                   WHEN h.component <> 'instance_hour' THEN h.price::DOUBLE
               END) AS top_price,
               count(*) AS peer_series
        FROM price_history h
        LEFT JOIN model_aliases a ON a.provider = h.provider AND a.listing_id = h.sku
        WHERE h.valid_to IS NULL AND h.price > 0
          AND (h.component <> 'instance_hour' OR h.accelerator_count >= 1)
          AND h.leg IN ('compute', 'llm')
          AND (SELECT count(*) FROM staged) > 0
        GROUP BY ALL
        HAVING peer_group IS NOT NULL AND count(*) >= $min_peers
    )
    SELECT s.row_id,
           'new series far above its peers: ' || round(s.comparable / p.top_price, 1)::VARCHAR
           || '× the highest ' || round(p.top_price, 6)::VARCHAR || ' ' || s.currency || ' of '
           || p.peer_series::VARCHAR || ' series in force ('
           || replace(split_part(p.peer_group, chr(31), 2), chr(31), ' ')
           || CASE WHEN s.leg = 'compute' THEN ' per GPU-hour' ELSE ' ' || s.component END
           || '); confirm with `deflator confirm`' AS reason
    FROM staged s
    JOIN peers p ON p.peer_group = s.peer_group AND p.unit = s.unit AND p.currency = s.currency
    WHERE s.comparable > CASE s.leg WHEN 'compute' THEN $compute_factor ELSE $llm_factor END * p.top_price
) f
WHERE c.row_id = f.row_id;
