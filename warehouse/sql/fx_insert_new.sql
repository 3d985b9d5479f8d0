-- Store the staged rates (temp table fx_stage) not yet in fx_rates. A key already stored is
-- never overwritten: a revised value is counted by fx_revised.sql and reported instead.
INSERT INTO fx_rates
SELECT s.source, s.rate_date, s.currency, s.per_eur, s.usd_per_unit, s.published_text,
       s.source_url, s.page_hash, $run_id
FROM fx_stage s
WHERE NOT EXISTS (
    SELECT 1 FROM fx_rates r
    WHERE r.source = s.source AND r.rate_date = s.rate_date AND r.currency = s.currency
)
