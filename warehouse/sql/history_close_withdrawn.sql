-- Close the series withdrawn this run (stage_withdrawn.sql): as of the first successful run
-- of their source that missed them.
UPDATE price_history h
SET valid_to = w.as_of, closed_by_run = $run_id, close_reason = 'withdrawn'
FROM withdrawn w
WHERE h.series_key = w.series_key AND h.valid_to IS NULL;
