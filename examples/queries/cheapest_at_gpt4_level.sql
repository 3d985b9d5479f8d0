-- Which model at or above GPT-4's level on GPQA Diamond is cheapest today?
-- GPT-4's level: the best GPQA Diamond score of the model gpt-4 (benchmarks). Today's price:
-- the list price in force (prices_in_force, valid_to NULL: a first-party page beats an API,
-- an aggregator, then a dataset), blended 3:1 input:output per 1M tokens as in Epoch AI's
-- study, or the blended price where a dataset gives only that. USD list prices only: a price
-- published in another currency (on the recorded data: a few CNY prices, none of a model at
-- GPT-4's level; tests/test_docs.py checks) is not converted here; mart_current_prices has it
-- in USD at the ECB rate of its date (price_usd, docs/currencies.md).
WITH gpt4 AS (
    SELECT max(score) AS level
    FROM benchmarks
    WHERE benchmark = 'gpqa_diamond' AND model_id = 'gpt-4'
),
capable AS (
    SELECT model_id, max(score) AS gpqa_diamond
    FROM benchmarks
    WHERE benchmark = 'gpqa_diamond' AND model_id IS NOT NULL
    GROUP BY model_id
    HAVING max(score) >= (SELECT level FROM gpt4)
),
today AS (
    SELECT
        model_id,
        max(price) FILTER (WHERE component = 'input') AS input,
        max(price) FILTER (WHERE component = 'output') AS output,
        max(price) FILTER (WHERE component = 'blended') AS blended,
        coalesce(
            string_agg(DISTINCT provider || ' (' || source || ')', ', ')
                FILTER (WHERE component IN ('input', 'output')),
            string_agg(DISTINCT provider || ' (' || source || ')', ', ')
                FILTER (WHERE component = 'blended')
        ) AS listed_by
    FROM prices_in_force
    WHERE valid_to IS NULL AND tier = 'standard' AND currency = 'USD'
    GROUP BY model_id
)
SELECT
    model_id,
    gpqa_diamond,
    input,
    output,
    coalesce(0.75 * input + 0.25 * output, blended) AS usd_per_1m_blended,
    listed_by
FROM capable
JOIN today USING (model_id)
WHERE coalesce(0.75 * input + 0.25 * output, blended) IS NOT NULL
ORDER BY usd_per_1m_blended, model_id
LIMIT 10;
