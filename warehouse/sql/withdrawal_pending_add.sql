-- Series missing again, not yet withdrawn: one more miss. Series missing for the first time:
-- pending withdrawal from this run on.
UPDATE withdrawal_pending p
SET misses = p.misses + 1
FROM missing m
WHERE m.series_key = p.series_key AND NOT m.withdraw;

INSERT INTO withdrawal_pending
SELECT series_key, source, $run_id AS first_missing_run, as_of AS first_missing_at, 1 AS misses
FROM missing
WHERE first_missing_at IS NULL AND NOT withdraw;
