-- New series quarantined as far above their peers (stage_peer_check.sql) and not confirmed
-- since: their latest quarantined price each, optionally for one source / sku (NULL: all).
SELECT concat_ws(chr(31), q.source, q.provider, q.sku, q.component, q.tier, q.region, q.currency)
           AS series_key,
       q.source, q.provider, q.sku, q.component, q.tier, q.region, q.currency, q.price,
       q.observed_at, q.reason
FROM quarantine q
WHERE q.reason LIKE 'new series far above its peers:%'
  AND ($source IS NULL OR q.source = $source)
  AND ($sku IS NULL OR q.sku = $sku)
  AND NOT EXISTS (
      SELECT 1 FROM price_confirmations p
      WHERE p.series_key = concat_ws(chr(31), q.source, q.provider, q.sku, q.component, q.tier,
                                     q.region, q.currency)
        AND p.price = q.price
  )
  AND NOT EXISTS (
      SELECT 1 FROM price_history h
      WHERE h.series_key = concat_ws(chr(31), q.source, q.provider, q.sku, q.component, q.tier,
                                     q.region, q.currency)
  )
QUALIFY row_number() OVER (
    PARTITION BY q.source, q.provider, q.sku, q.component, q.tier, q.region, q.currency
    ORDER BY q.observed_at DESC
) = 1
ORDER BY q.source, q.sku, q.component, q.tier, q.region;
