-- The accelerator catalog: one row per canonical accelerator id, every figure with the URL of
-- the datasheet it comes from and what that datasheet says. The rows are NOT written here:
-- schemas/accelerators.py is the one source of truth, and every read-write connect copies it
-- into this table (warehouse/accelerators.py), so a corrected figure needs no new migration.
CREATE TABLE accelerators (
    id                      VARCHAR PRIMARY KEY,     -- canonical id used in observations
    vendor                  VARCHAR NOT NULL,
    name                    VARCHAR NOT NULL,
    memory_gb               DECIMAL(10, 2) NOT NULL, -- per accelerator
    memory_source           VARCHAR NOT NULL,        -- URL of the datasheet
    memory_citation         VARCHAR NOT NULL,        -- what it says
    peak_dense_bf16_tflops  DECIMAL(12, 3),          -- without sparsity; NULL: no BF16 / unpublished
    peak_source             VARCHAR NOT NULL,
    peak_citation           VARCHAR NOT NULL,        -- the printed figure and how dense follows
    board_power_w           INTEGER,                 -- max of the configurable TDP/TBP range
    power_source            VARCHAR NOT NULL,
    power_citation          VARCHAR NOT NULL
);

-- Every compute price in force, read three ways: per instance-hour, per GPU-hour and per
-- PFLOP-hour of dense BF16. An instance_hour price divides by its accelerator count; a
-- gpu_hour price is already per GPU (and times the count per instance, when the count is
-- known). DuckDB divides decimals in double precision: per_gpu_hour is that quotient rounded
-- to the 12 decimals prices are stored with (list prices are far below the ~1e-3 magnitude
-- where double error could reach the 12th decimal). per_pflop_hour is DOUBLE (index math).
CREATE VIEW compute_prices AS
SELECT
    h.source,
    h.provider,
    h.sku,
    h.component,
    h.tier,
    h.region,
    h.currency,
    h.accelerator,
    h.accelerator_count,
    h.price,
    CASE
        WHEN h.component = 'instance_hour' THEN h.price
        WHEN h.accelerator_count IS NOT NULL
            THEN CAST(h.price * h.accelerator_count AS DECIMAL(28, 12))
    END AS per_instance_hour,
    CASE
        WHEN h.component = 'gpu_hour' THEN h.price
        WHEN h.accelerator_count IS NOT NULL
            THEN CAST(h.price / h.accelerator_count AS DECIMAL(28, 12))
    END AS per_gpu_hour,
    CAST(
        CASE
            WHEN h.component = 'gpu_hour' THEN h.price
            ELSE h.price / h.accelerator_count
        END AS DOUBLE
    ) / (CAST(a.peak_dense_bf16_tflops AS DOUBLE) / 1000) AS per_pflop_hour,
    a.peak_dense_bf16_tflops,
    h.valid_from,
    h.last_observed_at
FROM price_history h
LEFT JOIN accelerators a ON a.id = h.accelerator
WHERE h.valid_to IS NULL
  AND h.leg = 'compute'
  AND h.component IN ('gpu_hour', 'instance_hour');
