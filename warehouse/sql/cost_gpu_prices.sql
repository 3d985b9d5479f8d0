-- On-demand per-GPU-hour prices in force for one accelerator (the compute_prices view), from
-- listings seen within $max_age_days of the newest compute observation: a dataset's price
-- last seen years ago is not a price of today. Parameters: $accelerator, $provider (NULL =
-- every provider), $max_age_days.
WITH newest AS (
    SELECT max(last_observed_at) AS at FROM compute_prices
)
SELECT c.provider, c.source, c.sku, c.region, c.per_gpu_hour, c.last_observed_at
FROM compute_prices c, newest
WHERE c.accelerator = $accelerator
  AND c.tier = 'standard'
  AND c.currency = 'USD'
  AND c.per_gpu_hour IS NOT NULL
  AND c.per_gpu_hour > 0
  AND ($provider IS NULL OR c.provider = $provider)
  AND c.last_observed_at >= newest.at - to_days(CAST($max_age_days AS INTEGER))
ORDER BY c.per_gpu_hour, c.provider, c.sku
