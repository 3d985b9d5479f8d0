-- Load safety (issue 18, docs/load-safety.md).

-- Series a successful run of their source did not list, pending withdrawal. A series missing
-- on two consecutive successful runs of its source (load_run's withdraw_after) is withdrawn,
-- closed as of first_missing_at; one listed again (even if quarantined) leaves this table.
-- Failed and unchanged (HTTP 304) runs touch nothing here.
CREATE TABLE withdrawal_pending (
    series_key        VARCHAR NOT NULL,
    source            VARCHAR NOT NULL,
    first_missing_run VARCHAR NOT NULL,
    first_missing_at  TIMESTAMP NOT NULL,   -- the as-of time of the run that first missed it
    misses            INTEGER NOT NULL,     -- consecutive successful runs that missed it
    PRIMARY KEY (series_key)
);

-- A price of a NEW series far above its peers is quarantined until someone confirms it
-- (`deflator confirm`): the series and the exact price confirmed. The next run that sees this
-- price for the series accepts it.
CREATE TABLE price_confirmations (
    series_key    VARCHAR NOT NULL,
    price         DECIMAL(28, 12) NOT NULL,
    confirmed_at  TIMESTAMP NOT NULL,
    note          VARCHAR NOT NULL,
    PRIMARY KEY (series_key, price)
);
