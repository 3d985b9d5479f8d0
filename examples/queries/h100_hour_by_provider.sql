-- What does an H100 GPU-hour cost at each provider today?
-- The cheapest on-demand list price per GPU-hour of any H100 variant, per provider, among the
-- prices in force (mart_current_prices: one source per price, the better kind first).
select provider,
       round(per_gpu_hour, 2) as usd_per_gpu_hour,
       accelerator,
       region,
       source
from mart_current_prices
where leg = 'compute' and accelerator like 'H100%' and tier = 'standard'
  and currency = 'USD' and per_gpu_hour is not null
qualify row_number() over (
    partition by provider order by per_gpu_hour, accelerator, region) = 1
order by per_gpu_hour, provider;
