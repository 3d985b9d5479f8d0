-- The health of every source in the run ledger, for `deflator status` (warehouse/health.py
-- decides healthy or not from these columns and the allowed age).
-- `kind`: 'nightly' for the sources of nightly runs (mode 'live' or 'offline'), 'dataset' for
-- the datasets of `deflator backfill` (mode 'backfill'). Times are the runs' started_at (UTC):
-- an offline run replays old recordings, so a price's capture time says nothing about how
-- recently the pipeline succeeded.
WITH ledger AS (
    SELECT
        CASE WHEN r.mode = 'backfill' THEN 'dataset' ELSE 'nightly' END AS kind,
        s.source,
        s.leg,
        s.status,
        s.error,
        s.rows_parsed,
        r.started_at,
        s.status = 'failed' AND starts_with(s.error, 'layout drift') AS drift,
        row_number() OVER (
            PARTITION BY CASE WHEN r.mode = 'backfill' THEN 'dataset' ELSE 'nightly' END, s.source
            ORDER BY r.started_at DESC, s.run_id DESC
        ) AS recency
    FROM run_sources s
    JOIN runs r ON r.run_id = s.run_id
),
per_source AS (
    SELECT
        kind,
        source,
        arg_min(leg, recency) AS leg,
        arg_min(status, recency) AS last_status,
        arg_min(error, recency) AS last_status_error,       -- why the last attempt failed or skipped
        max(started_at) AS last_run,
        max(started_at) FILTER (WHERE status IN ('ok', 'unchanged')) AS last_success,
        arg_min(rows_parsed, recency) FILTER (WHERE status = 'ok') AS rows,
        CAST(
            coalesce(min(recency) FILTER (WHERE status <> 'failed'), count(*) + 1) - 1 AS INTEGER
        ) AS consecutive_failures,
        CAST(count(*) FILTER (WHERE drift) AS INTEGER) AS drift_alarms,
        max(started_at) FILTER (WHERE drift) AS last_drift,
        arg_min(error, recency) FILTER (WHERE status = 'failed') AS last_error,
        CAST(count(*) AS INTEGER) AS attempts
    FROM ledger
    GROUP BY kind, source
),
in_force AS (
    SELECT source, CAST(count(*) AS INTEGER) AS in_force
    FROM price_history
    WHERE valid_to IS NULL
    GROUP BY source
)
SELECT p.*, coalesce(f.in_force, 0) AS in_force
FROM per_source p
LEFT JOIN in_force f ON f.source = p.source
ORDER BY p.kind, p.source
