-- Benchmark rows whose model name resolved to no model, by source and name.
SELECT source, model_name, count(*) AS scores
FROM benchmarks
WHERE model_id IS NULL
GROUP BY source, model_name
ORDER BY source, model_name;
