-- Rows each source parsed in its last successful run: the yardstick for layout drift.
SELECT source, arg_max(rows_parsed, r.started_at) AS rows_parsed
FROM run_sources s
JOIN runs r USING (run_id)
WHERE s.status = 'ok'
GROUP BY source;
