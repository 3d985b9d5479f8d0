-- A row for every new island: new series, changed prices, and (in a backfill) every price
-- change in between, each closed where the next one starts. The descriptive columns come
-- from the island's first point (its row of stage).
INSERT INTO price_history BY NAME
SELECT p.series_key, s.source, s.leg, s.provider, s.sku, s.model, s.component, s.tier,
       s.region, s.currency, s.unit, s.accelerator, s.accelerator_count,
       i.price, i.valid_from, i.valid_to, i.first_observed_at, i.last_observed_at,
       $run_id AS opened_by_run,
       CASE WHEN i.valid_to IS NOT NULL THEN $run_id END AS closed_by_run,
       CASE WHEN i.valid_to IS NOT NULL THEN 'changed' END AS close_reason
FROM history_islands i
JOIN history_points p ON p.series_key = i.series_key AND p.valid_from = i.valid_from
JOIN stage s ON s.rowid = p.row_id
WHERE NOT i.is_current;
