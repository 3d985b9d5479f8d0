-- Issue 16. (1) The run ledger counts skipped sources apart: `sources_ok` counted every
-- source that did not fail, so an offline run with 22 ok and 8 skipped (no recording) said
-- 30 ok. Rows written before this migration keep their old counts, and 0 skipped.
ALTER TABLE runs ADD COLUMN sources_skipped INTEGER DEFAULT 0;

-- (2) Source kinds are declared on each source's class (scrapers/base.py SourceKind) and
-- written into source_kinds by exact name whenever a warehouse is opened
-- (warehouse/source_kinds.py); the LIKE pattern '%\_pricing' made every *_pricing source a
-- first-party page, third-party scrapes (lambda_pricing, denvr_pricing) included. A third-party
-- scrape is a copy of a provider's own page made and published by someone else: the
-- provider's number, but taken at a time and by a parser deflator does not control; it ranks
-- below both first-party kinds and above the aggregators' own listings. The ranks after
-- first_party_api move down by one to make room (lower wins; only their order is used).
DELETE FROM source_kinds WHERE source LIKE '%\%%' ESCAPE '\';
UPDATE source_kind_ranks SET rank = rank + 1 WHERE kind IN ('aggregator', 'dataset');
INSERT INTO source_kind_ranks
SELECT 'third_party_scrape', 3,
       'a copy of a provider''s own price page scraped and published by a third party'
WHERE NOT EXISTS (SELECT 1 FROM source_kind_ranks WHERE kind = 'third_party_scrape');
