-- Quarantined observations, once per natural key and reason (reruns add nothing).
INSERT INTO quarantine
SELECT c.source, c.leg, c.provider, c.sku, c.model, c.component, c.tier, c.region, c.price,
       c.currency, c.unit, c.published_text, c.published_unit, c.observed_at, c.effective_date,
       c.source_url, c.page_hash, c.parser_version, c.reason, $run_id
FROM stage_checked c
WHERE c.reason IS NOT NULL
  AND NOT EXISTS (
      SELECT 1 FROM quarantine q
      WHERE q.source = c.source AND q.provider = c.provider AND q.sku = c.sku
        AND q.component = c.component AND q.tier = c.tier AND q.region = c.region
        AND q.currency = c.currency AND q.observed_at = c.observed_at AND q.price = c.price
        AND q.reason = c.reason
  )
RETURNING source;
