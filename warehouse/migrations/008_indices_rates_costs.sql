-- Decline indices, decline rates and cost projections: what the price history is for.
-- Index math runs on doubles (levels, factors); costs are money and stay DECIMAL.

-- One row per index, segment, method and month: the index level (first month = 100) and how
-- many items stand behind it. `deflator indices` rebuilds an index (all its segments and
-- methods) in one transaction, so a reader never sees half an index.
CREATE TABLE index_values (
    index        VARCHAR NOT NULL,   -- llm_tokens, gpu_hour, electricity, storage, egress
    segment      VARCHAR NOT NULL,   -- 'all', 'first_party', 'accelerator:H100-SXM-80GB', 'sector:industrial'…
    method       VARCHAR NOT NULL,   -- 'jevons' (chained), 'geks' (13-month window, mean splice), 'hedonic' (time dummy)
    period       DATE NOT NULL,      -- first day of the month
    value        DOUBLE NOT NULL,    -- index level, first month of the segment = 100
    items        INTEGER NOT NULL,   -- jevons: matched items in the link; geks/hedonic: items priced in the month
    computed_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (index, segment, method, period)
);

-- Fitted decline rates: the threshold-frontier rows of `deflator rates frontier` (kind
-- 'frontier', one per benchmark × threshold) and the index rates of `deflator rates index`
-- (kind 'index'). A new computation replaces the rows of the same scope.
CREATE TABLE decline_rates (
    kind               VARCHAR NOT NULL,  -- 'frontier' or 'index'
    source             VARCHAR NOT NULL,  -- frontier: price source, '*' = every source; index: '*'
    include_reasoning  BOOLEAN NOT NULL,  -- frontier: reasoning models (o1, o3-mini, R1…) kept
    benchmark          VARCHAR,           -- frontier: the benchmark
    threshold_model    VARCHAR,           -- frontier: the model that set the threshold (top-1 at its date)
    threshold_score    DOUBLE,            -- frontier: its score
    index              VARCHAR,           -- index: which index …
    segment            VARCHAR,           -- … which segment …
    method             VARCHAR,           -- … which method
    since              DATE,              -- index: start of the fitted window (NULL = all)
    n_points           INTEGER NOT NULL,
    start_date         DATE NOT NULL,
    end_date           DATE NOT NULL,
    factor_per_year    DOUBLE NOT NULL,   -- price falls by this factor each year (10^-slope)
    ci90_low           DOUBLE NOT NULL,   -- 90% interval of the factor (t, n - 2 dof)
    ci90_high          DOUBLE NOT NULL,
    r_squared          DOUBLE NOT NULL,
    percent_per_year   DOUBLE NOT NULL,   -- (1 - 1/factor) · 100; negative while prices rise
    halving_months     DOUBLE,            -- NULL while prices do not fall
    computed_at        TIMESTAMP NOT NULL
);

-- The cost model P = C + E + D of a workload file, today (horizon 0) and projected at 6, 12
-- and 24 months. One row per leg and horizon; `deflator cost` replaces a workload's rows.
CREATE TABLE cost_projections (
    workload         VARCHAR NOT NULL,          -- the workload's name
    workload_file    VARCHAR NOT NULL,
    horizon_months   INTEGER NOT NULL,          -- 0 = today, from prices in force
    leg              VARCHAR NOT NULL,          -- 'C' compute (or LLM tokens), 'E' energy, 'D' data, 'P' total
    cost             DECIMAL(28, 12) NOT NULL,  -- USD
    low              DECIMAL(28, 12) NOT NULL,  -- band from the rate's 90% interval (= cost today)
    high             DECIMAL(28, 12) NOT NULL,
    factor_per_year  DOUBLE,                    -- the decline rate applied (NULL: held constant, or P)
    basis            VARCHAR NOT NULL,          -- where the price and the rate came from
    computed_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (workload, horizon_months, leg)
);
