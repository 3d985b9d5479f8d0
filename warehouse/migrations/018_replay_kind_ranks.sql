-- One order for every source kind (lower wins in prices_in_force). Migrations 012 and 017 were
-- written at the same time: 012 put replayed first-party captures at rank 2 (tied with live
-- first-party APIs) and replayed aggregator captures at 4, then 017 moved the live aggregators
-- to 4 as well. A tie is broken by the lower price, so an old capture could hide tonight's
-- price rise. Each replay now ranks just below its live kind, and every rank is distinct.
UPDATE source_kind_ranks SET rank = CASE kind
    WHEN 'first_party_page' THEN 1
    WHEN 'first_party_api' THEN 2
    WHEN 'first_party_page_history' THEN 3
    WHEN 'third_party_scrape' THEN 4
    WHEN 'aggregator' THEN 5
    WHEN 'aggregator_history' THEN 6
    WHEN 'dataset' THEN 7
    ELSE rank END;
