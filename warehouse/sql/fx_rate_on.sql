-- The rate a price of $currency dated $day converts with: the latest ECB rate on or before
-- $day (the caller checks the gap against MAX_GAP_DAYS). No row: no rate on or before $day.
SELECT rate_date, usd_per_unit, per_eur, usd_per_eur
FROM fx_usd_rates
WHERE currency = $currency AND rate_date <= $day
ORDER BY rate_date DESC
LIMIT 1
