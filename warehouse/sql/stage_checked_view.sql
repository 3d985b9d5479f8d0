-- The staged observations beside their checks (stage_checks): every staged column, the
-- series key and the reason (NULL: clean). A view, so a backfill's millions of staged rows
-- are not copied again; readers that want few columns or few rows read only those.
CREATE OR REPLACE TEMP VIEW stage_checked AS
SELECT s.*, c.series_key, c.reason
FROM stage s
JOIN stage_checks c ON c.row_id = s.rowid;
