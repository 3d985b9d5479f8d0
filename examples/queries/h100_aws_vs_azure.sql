-- AWS or Azure: what does an H100 cost per GPU-hour on demand today?
-- compute_prices holds every GPU price in force; per_gpu_hour divides an instance's price by
-- its GPUs (AWS p5.48xlarge: 8 × H100 SXM). The clouds' own price lists (aws_ec2,
-- azure_retail), standard on-demand tier (no spot, low-priority, Windows), per accelerator:
-- the cheapest region, the median and the dearest.
SELECT
    accelerator,
    provider,
    count(DISTINCT region) AS regions,
    min(per_gpu_hour) AS cheapest,
    first(region ORDER BY per_gpu_hour, region) AS cheapest_region,
    median(per_gpu_hour) AS median,
    max(per_gpu_hour) AS dearest
FROM compute_prices
WHERE source IN ('aws_ec2', 'azure_retail')
  AND accelerator LIKE 'H100%'
  AND tier = 'standard'
  AND currency = 'USD'
GROUP BY accelerator, provider
ORDER BY accelerator, cheapest;
