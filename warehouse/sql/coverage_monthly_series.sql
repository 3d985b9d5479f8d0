-- The series of one leg and component that are published monthly: the median gap between
-- their successive observations (a dataset's effective date, else the day it was observed)
-- is at most $max_gap_days. EIA's monthly US averages: 31 days; its annual state values: 365;
-- a nightly source: 1. A series observed once has no known cadence and is left out.
-- Keys as warehouse/indices/build.py builds them (source|provider|sku|component|tier|region).
-- Parameters: $leg, $component, $max_gap_days.
WITH days AS (
    SELECT DISTINCT source, provider, sku, component, tier, region,
           coalesce(effective_date, CAST(observed_at AS DATE)) AS day
    FROM observations
    WHERE leg = $leg AND component = $component AND currency = 'USD' AND price > 0
),
gaps AS (
    SELECT
        *,
        date_diff(
            'day',
            lag(day) OVER (PARTITION BY source, provider, sku, component, tier, region ORDER BY day),
            day
        ) AS gap
    FROM days
)
SELECT concat_ws('|', source, provider, sku, component, tier, region) AS key
FROM gaps
GROUP BY source, provider, sku, component, tier, region
HAVING median(gap) <= $max_gap_days
