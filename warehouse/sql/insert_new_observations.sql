-- Append this run's new observations (stage_new: their rows of stage).
INSERT INTO observations BY NAME
SELECT s.*, $run_id AS run_id
FROM stage s
WHERE s.rowid IN (SELECT row_id FROM stage_new);
