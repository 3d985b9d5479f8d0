-- Staged rates whose key is stored with another value: the publisher revised a past rate.
SELECT s.rate_date, s.currency, r.published_text AS stored, s.published_text AS published
FROM fx_stage s
JOIN fx_rates r
  ON r.source = s.source AND r.rate_date = s.rate_date AND r.currency = s.currency
WHERE r.per_eur <> s.per_eur
ORDER BY s.rate_date, s.currency
