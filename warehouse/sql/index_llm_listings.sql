-- One price per LLM listing and month for the llm_tokens index, from `monthly` (the rows of
-- index_monthly_prices.sql for the llm leg): the 3:1 blend of the month's input and output
-- prices, else the source's own blended price; a month with neither (only an input price: an
-- embedding model) prices nothing. Standard tier only (batch and cached prices are other
-- goods). Parameters: $input_share (0.75, warehouse/indices/frontier.py's INPUT_SHARE),
-- $tier ('standard', schemas/observation.py's STANDARD_TIER).
SELECT concat_ws('|', source, provider, sku, tier, region) AS key,
       source, provider, sku, tier, model, period,
       CASE
           WHEN input IS NOT NULL AND output IS NOT NULL
               THEN $input_share * input + (1.0 - $input_share) * output
           ELSE blended
       END AS price
FROM (
    SELECT source, provider, sku, tier, region, period,
           any_value(price) FILTER (WHERE component = 'input') AS input,
           any_value(price) FILTER (WHERE component = 'output') AS output,
           any_value(price) FILTER (WHERE component = 'blended') AS blended,
           min(model) AS model
    FROM monthly
    WHERE tier = $tier
    GROUP BY source, provider, sku, tier, region, period
) AS parts
WHERE (input IS NOT NULL AND output IS NOT NULL) OR blended IS NOT NULL
ORDER BY key, period;
