-- Pending withdrawals that end this run: the series was listed again by its source (in
-- stage_checks, clean or quarantined; or set aside), withdrawn now, or no longer in force.
DELETE FROM withdrawal_pending
WHERE series_key IN (SELECT series_key FROM stage_checks)
   OR series_key IN (SELECT series_key FROM stage_set_aside)
   OR series_key IN (SELECT series_key FROM withdrawn)
   OR series_key NOT IN (SELECT series_key FROM price_history WHERE valid_to IS NULL);
