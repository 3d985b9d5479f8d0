-- Series in force for a source that completed this run but did not list them now.
-- A series whose observation went to quarantine is not withdrawn: its old price stays.
-- Failed sources are not in stage_sources, so their prices are never withdrawn.
CREATE OR REPLACE TEMP TABLE withdrawn AS
SELECT h.series_key, h.source, a.as_of
FROM price_history h
JOIN stage_sources a ON a.source = h.source
WHERE h.valid_to IS NULL
  AND h.valid_from < a.as_of
  AND NOT EXISTS (SELECT 1 FROM stage_checks c WHERE c.series_key = h.series_key);
