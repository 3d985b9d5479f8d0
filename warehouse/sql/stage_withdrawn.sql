-- Series in force for a source that completed this run but did not list them now ("missing"),
-- and of those, the ones missing now on $withdraw_after consecutive successful runs of their
-- source, this one included ("withdrawn", as of the first run that missed them; the default
-- is two runs: docs/load-safety.md). A page that lost part of its rows on one night withdraws
-- nothing on its own.
-- A series whose observation went to quarantine, or whose price was set aside as out of range
-- (stage_set_aside), was listed: it is not missing and its old price stays.
-- Failed and unchanged sources are not in stage_sources, so their prices are never touched.
CREATE OR REPLACE TEMP TABLE missing AS
SELECT h.series_key, h.source, a.as_of, p.first_missing_at,
       coalesce(p.misses, 0) + 1 >= $withdraw_after AS withdraw
FROM price_history h
JOIN stage_sources a ON a.source = h.source
LEFT JOIN withdrawal_pending p ON p.series_key = h.series_key
WHERE h.valid_to IS NULL
  AND h.valid_from < a.as_of
  AND NOT EXISTS (SELECT 1 FROM stage_checks c WHERE c.series_key = h.series_key)
  AND NOT EXISTS (SELECT 1 FROM stage_set_aside s WHERE s.series_key = h.series_key);

CREATE OR REPLACE TEMP TABLE withdrawn AS
SELECT series_key, source, coalesce(first_missing_at, as_of) AS as_of
FROM missing
WHERE withdraw;
