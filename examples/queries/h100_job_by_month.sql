-- What did a 1,000 GPU-hour H100 job cost, month by month?
-- The price in force on the first of each month in the compute datasets' history
-- (price_history): the market's median on-demand H100 rate (gpu_rental_monthly: the GPU
-- price index's monthly median) and AWS's list price of p5.48xlarge in us-east-1 (8 × H100
-- SXM, per GPU-hour), each times 1,000 GPU-hours. Empty where no price was known yet.
WITH months AS (
    SELECT CAST(month AS DATE) AS month
    FROM range(DATE '2023-05-01', current_date, INTERVAL 1 MONTH) AS r(month)
),
h100 AS (
    SELECT
        provider,
        valid_from,
        valid_to,
        CASE
            WHEN component = 'gpu_hour' THEN price
            ELSE CAST(price / accelerator_count AS DECIMAL(28, 12))
        END AS per_gpu_hour
    FROM price_history
    WHERE leg = 'compute'
      AND currency = 'USD'
      AND source IN (SELECT source FROM dataset_sources WHERE leg = 'compute')
      AND (
          (provider = 'gpu-price-index' AND sku = 'GIX-H100' AND tier = 'median')
          OR (provider = 'aws' AND sku = 'p5.48xlarge' AND region = 'us-east-1'
              AND tier = 'standard')
      )
)
SELECT
    m.month,
    1000 * max(h.per_gpu_hour) FILTER (WHERE h.provider = 'gpu-price-index') AS market_median_usd,
    1000 * min(h.per_gpu_hour) FILTER (WHERE h.provider = 'aws') AS aws_p5_usd
FROM months m
LEFT JOIN h100 h
  ON h.valid_from <= m.month AND (h.valid_to IS NULL OR h.valid_to > m.month)
GROUP BY m.month
ORDER BY m.month;
