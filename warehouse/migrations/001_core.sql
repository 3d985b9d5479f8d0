-- Core tables of the price warehouse. All timestamps are UTC (TIMESTAMP without zone).
-- Money is DECIMAL(28, 12): exact, with room for per-token prices.

-- The run ledger: one row per run ...
CREATE TABLE runs (
    run_id            VARCHAR PRIMARY KEY,
    started_at        TIMESTAMP NOT NULL,
    finished_at       TIMESTAMP NOT NULL,
    mode              VARCHAR NOT NULL,          -- 'offline' (recorded data) or 'live'
    status            VARCHAR NOT NULL,          -- 'ok', 'partial' (some sources failed), 'failed'
    sources_ok        INTEGER NOT NULL,
    sources_failed    INTEGER NOT NULL,
    observations_new  BIGINT NOT NULL,
    history_changes   BIGINT NOT NULL,
    quarantined       BIGINT NOT NULL
);

-- ... and one row per source of each run: status, reason, counts and durations.
CREATE TABLE run_sources (
    run_id             VARCHAR NOT NULL,
    source             VARCHAR NOT NULL,
    leg                VARCHAR NOT NULL,
    status             VARCHAR NOT NULL,         -- 'ok' or 'failed'
    error              VARCHAR,                  -- why it failed, for people
    pages              INTEGER NOT NULL,
    rows_parsed        INTEGER NOT NULL,
    rows_new           INTEGER NOT NULL,
    rows_quarantined   INTEGER NOT NULL,
    problems           INTEGER NOT NULL,         -- price-like text that could not be read
    skipped            INTEGER NOT NULL,         -- entries deliberately not taken (free, variable…)
    history_new        INTEGER NOT NULL,
    history_changed    INTEGER NOT NULL,
    history_withdrawn  INTEGER NOT NULL,
    fetch_seconds      DOUBLE NOT NULL,
    parse_seconds      DOUBLE NOT NULL,
    PRIMARY KEY (run_id, source)
);

-- Every response fetched (or replayed); the body lives in the raw archive under its sha256.
CREATE TABLE fetches (
    run_id      VARCHAR NOT NULL,
    source      VARCHAR NOT NULL,
    url         VARCHAR NOT NULL,
    status      INTEGER NOT NULL,
    fetched_at  TIMESTAMP NOT NULL,
    sha256      VARCHAR NOT NULL,
    bytes       BIGINT NOT NULL,
    headers     JSON,
    replayed    BOOLEAN NOT NULL
);

-- Every price point ever observed, append-only. The natural key
-- (source, provider, sku, component, tier, region, currency, observed_at, price)
-- makes a rerun of the same night add nothing.
CREATE TABLE observations (
    source          VARCHAR NOT NULL,
    leg             VARCHAR NOT NULL,
    provider        VARCHAR NOT NULL,
    sku             VARCHAR NOT NULL,
    model           VARCHAR,
    component       VARCHAR NOT NULL,
    tier            VARCHAR NOT NULL,
    region          VARCHAR NOT NULL,
    price           DECIMAL(28, 12) NOT NULL,
    currency        VARCHAR NOT NULL,
    unit            VARCHAR NOT NULL,
    published_text  VARCHAR NOT NULL,
    published_unit  VARCHAR NOT NULL,
    observed_at     TIMESTAMP NOT NULL,
    effective_date  DATE,
    source_url      VARCHAR NOT NULL,
    page_hash       VARCHAR NOT NULL,
    parser_version  VARCHAR NOT NULL,
    run_id          VARCHAR NOT NULL
);

-- Price history, SCD type 2: one row per price and the interval it held.
-- A series is source + provider + sku + component + tier + region + currency; each source keeps
-- its own series so two sources never overwrite each other (precedence is a view's job).
-- valid_to is NULL while the price is in force; close_reason says why it ended.
CREATE TABLE price_history (
    series_key        VARCHAR NOT NULL,          -- the seven key columns joined by chr(31), for joins
    source            VARCHAR NOT NULL,
    leg               VARCHAR NOT NULL,
    provider          VARCHAR NOT NULL,
    sku               VARCHAR NOT NULL,
    model             VARCHAR,
    component         VARCHAR NOT NULL,
    tier              VARCHAR NOT NULL,
    region            VARCHAR NOT NULL,
    currency          VARCHAR NOT NULL,
    unit              VARCHAR NOT NULL,
    price             DECIMAL(28, 12) NOT NULL,
    valid_from        TIMESTAMP NOT NULL,
    valid_to          TIMESTAMP,
    first_observed_at TIMESTAMP NOT NULL,
    last_observed_at  TIMESTAMP NOT NULL,
    opened_by_run     VARCHAR NOT NULL,
    closed_by_run     VARCHAR,
    close_reason      VARCHAR                    -- 'changed' or 'withdrawn'
);

-- Observations held back from history, with the reason. Never loaded as price moves.
CREATE TABLE quarantine (
    source          VARCHAR NOT NULL,
    leg             VARCHAR NOT NULL,
    provider        VARCHAR NOT NULL,
    sku             VARCHAR NOT NULL,
    model           VARCHAR,
    component       VARCHAR NOT NULL,
    tier            VARCHAR NOT NULL,
    region          VARCHAR NOT NULL,
    price           DECIMAL(28, 12) NOT NULL,
    currency        VARCHAR NOT NULL,
    unit            VARCHAR NOT NULL,
    published_text  VARCHAR NOT NULL,
    published_unit  VARCHAR NOT NULL,
    observed_at     TIMESTAMP NOT NULL,
    effective_date  DATE,
    source_url      VARCHAR NOT NULL,
    page_hash       VARCHAR NOT NULL,
    parser_version  VARCHAR NOT NULL,
    reason          VARCHAR NOT NULL,
    run_id          VARCHAR NOT NULL
);

-- Price-like text a parser could not read: the page, the text and why. Nothing is stored as zero.
CREATE TABLE parse_problems (
    run_id   VARCHAR NOT NULL,
    source   VARCHAR NOT NULL,
    url      VARCHAR NOT NULL,
    location VARCHAR NOT NULL,
    text     VARCHAR NOT NULL,
    reason   VARCHAR NOT NULL
);

-- The plausibility rule as data: the highest believable price per unit and currency.
-- A price above its ceiling goes to quarantine with this reason.
CREATE TABLE plausibility_limits (
    unit       VARCHAR NOT NULL,
    currency   VARCHAR NOT NULL,
    max_price  DECIMAL(28, 12) NOT NULL,
    reason     VARCHAR NOT NULL,
    PRIMARY KEY (unit, currency)
);

INSERT INTO plausibility_limits VALUES
    ('per_1m_tokens', 'USD', 1000, 'above $1,000 per 1M tokens: likely a per-1M or per-1K value in a per-token field'),
    ('per_1m_tokens', 'EUR', 1000, 'above €1,000 per 1M tokens: likely a per-1M or per-1K value in a per-token field'),
    ('per_1m_tokens', 'CNY', 7000, 'above ¥7,000 per 1M tokens: likely a per-1M or per-1K value in a per-token field'),
    ('per_hour',      'USD', 2000, 'above $2,000 per hour: no GPU instance lists that high'),
    ('per_kwh',       'USD', 10,   'above $10 per kWh: likely cents read as dollars'),
    ('per_gb_month',  'USD', 10,   'above $10 per GB-month: likely a per-TB value'),
    ('per_gb',        'USD', 10,   'above $10 per GB: likely a per-TB value');
