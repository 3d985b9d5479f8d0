-- Exchange rates and USD values (issue 17). Owned by warehouse/fx.py; rates come from the ECB
-- reference rates (scrapers/fx_ecb.py), quoted as units of a currency per 1 EUR.

-- Every reference rate read, one row per source × publication date × currency. A rate is not a
-- price: it never enters observations, price_history, the indices or the change feed.
CREATE TABLE fx_rates (
    source          VARCHAR NOT NULL,            -- 'ecb_eurofxref'
    rate_date       DATE NOT NULL,               -- the publisher's reference date
    currency        VARCHAR NOT NULL,            -- ISO 4217; 'EUR' is the quote base (per_eur 1)
    per_eur         DECIMAL(28, 12) NOT NULL,    -- units of currency per 1 EUR, as published
    usd_per_unit    DECIMAL(28, 16),             -- USD per 1 unit: USD[d] / currency[d], rounded
                                                 -- half-even to 16 decimals; NULL without USD[d]
    published_text  VARCHAR NOT NULL,            -- the value as it stood in the file
    source_url      VARCHAR NOT NULL,
    page_hash       VARCHAR NOT NULL,            -- sha256 of the page (the raw archive's key)
    run_id          VARCHAR NOT NULL,            -- the run that first stored it
    PRIMARY KEY (source, rate_date, currency)
);

-- The rates a price is converted with: USD per unit of each currency on each ECB date, with
-- the day's USD rate (USD per EUR) that crosses it.
CREATE VIEW fx_usd_rates AS
SELECT r.rate_date, r.currency, r.usd_per_unit, r.per_eur, u.per_eur AS usd_per_eur, r.source
FROM fx_rates r
JOIN fx_rates u ON u.source = r.source AND u.rate_date = r.rate_date AND u.currency = 'USD'
WHERE r.source = 'ecb_eurofxref' AND r.usd_per_unit IS NOT NULL;

-- mart_current_prices gains its USD value, on top of whatever defined it before (009, or a
-- migration numbered before 014 such as 011): that view is renamed current_prices_published,
-- unchanged, and mart_current_prices becomes it plus the USD columns. A price's USD value
-- uses the rate of its own date (the UTC date it was last observed): the latest ECB rate on
-- or before that date, at most 7 days back (weekends, TARGET holidays; warehouse/fx.py
-- MAX_GAP_DAYS). No rate within 7 days: no USD value, and usd_note says why. USD prices are
-- their own USD value. A later migration that redefines the published columns redefines
-- current_prices_published (CREATE OR REPLACE VIEW), not mart_current_prices.
ALTER VIEW mart_current_prices RENAME TO current_prices_published;

CREATE VIEW mart_current_prices AS
WITH dated AS (
    SELECT *, CAST(last_observed_at AS DATE) AS price_date FROM current_prices_published
),
rated AS (
    SELECT d.*, r.rate_date AS fx_date, r.usd_per_unit AS fx_rate
    FROM dated d
    ASOF LEFT JOIN fx_usd_rates r ON r.currency = d.currency AND d.price_date >= r.rate_date
),
converted AS (
    SELECT
        * EXCLUDE (price_date, fx_date, fx_rate),
        CASE
            WHEN currency = 'USD' THEN price
            WHEN date_diff('day', fx_date, price_date) <= 7
                THEN CAST(round(price * fx_rate, 12) AS DECIMAL(28, 12))
        END AS price_usd,
        CASE
            WHEN currency = 'USD' THEN CAST(1 AS DECIMAL(28, 16))
            WHEN date_diff('day', fx_date, price_date) <= 7 THEN fx_rate
        END AS usd_rate,
        CASE
            WHEN currency <> 'USD' AND date_diff('day', fx_date, price_date) <= 7 THEN fx_date
        END AS usd_rate_date,
        CASE
            WHEN currency = 'USD' THEN NULL
            WHEN fx_date IS NULL
                THEN 'no ECB reference rate for ' || currency || ' on or before ' || price_date
            WHEN date_diff('day', fx_date, price_date) > 7
                THEN 'the latest ECB rate for ' || currency || ' (' || fx_date || ') is '
                     || date_diff('day', fx_date, price_date) || ' days before the price''s date '
                     || price_date || ' (at most 7 days back)'
        END AS usd_note
    FROM rated
)
SELECT
    *,
    CASE
        WHEN price_usd IS NOT NULL THEN rank() OVER (
            PARTITION BY leg, component, tier, unit, price_usd IS NULL ORDER BY price_usd
        )
    END AS usd_rank
FROM converted;
