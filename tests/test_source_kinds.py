"""Source kinds are declared on the source classes and the precedence reads them (issue 16).

Before, ``source_kinds`` held LIKE patterns: ``aws_s3_price_list``, ``azure_blob_retail`` and
``eia_electricity`` ranked ``unknown``, and ``lambda_pricing`` / ``denvr_pricing`` (third-party
scrapes published on GitHub) ranked as first-party pages because their names end in _pricing.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from scrapers.backfill.registry import all_datasets
from scrapers.base import SourceKind
from scrapers.registry import all_sources, undeclared_kinds
from warehouse.connection import connect
from warehouse.load import SourceOutcome, load_run

NAMED = {
    "aws_s3_price_list": ("first_party_api", 2),
    "azure_blob_retail": ("first_party_api", 2),
    "eia_electricity": ("first_party_page", 1),
    "lambda_pricing": ("third_party_scrape", 4),  # migration 018: below replayed captures
    "denvr_pricing": ("third_party_scrape", 4),
}


def test_every_source_declares_its_kind():
    sources = all_sources()
    assert len(sources) >= 30
    assert undeclared_kinds(sources.values()) == []
    kinds = {name: dataset.kind for name, dataset in all_datasets().items()}
    # the pages-history replays are dated captures of live pages, ranked below their live kind
    assert kinds.pop("page_history") is SourceKind.FIRST_PARTY_PAGE_HISTORY
    assert kinds.pop("page_history_aggregators") is SourceKind.AGGREGATOR_HISTORY
    assert set(kinds.values()) == {SourceKind.DATASET}


def test_a_source_without_a_kind_is_reported_by_name():
    lambda_source = all_sources()["lambda_pricing"]
    bare = dataclasses.replace(lambda_source, name="new_source", kind=None)
    assert undeclared_kinds([lambda_source, bare]) == ["new_source"]


def test_the_named_sources_have_their_kind_on_the_class():
    sources = all_sources()
    assert {name: str(sources[name].kind) for name in NAMED} == {
        name: kind for name, (kind, _) in NAMED.items()
    }
    assert sources["openrouter"].kind is SourceKind.AGGREGATOR
    assert sources["openai_pricing"].kind is SourceKind.FIRST_PARTY_PAGE


def test_the_warehouse_ranks_each_source_by_its_declared_kind(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    try:
        # No pattern is left: every row is one source's exact name.
        assert con.execute(
            "SELECT count(*) FROM source_kinds WHERE source LIKE '%\\%%' ESCAPE '\\'"
        ).fetchone() == (0,)
        declared = dict(con.execute("SELECT source, kind FROM source_kinds").fetchall())
        assert {name: str(s.kind) for name, s in all_sources().items()}.items() <= declared.items()
        assert declared["epoch_api_prices"] == "dataset"
        # The view the marts read, on a run that names the five sources.
        outcomes = [SourceOutcome(name, "compute", "skipped", "no recording") for name in NAMED]
        load_run(con, "run1", "offline", datetime(2026, 12, 1, tzinfo=UTC), outcomes)
        ranked = con.execute(
            "SELECT source, kind, kind_rank FROM source_kind_of WHERE source IN "
            "(SELECT source FROM run_sources)"
        ).fetchall()
    finally:
        con.close()
    assert {source: (kind, rank) for source, kind, rank in ranked} == NAMED


def test_a_changed_declaration_is_written_on_the_next_connect(tmp_path):
    db = tmp_path / "w.duckdb"
    con = connect(db)
    con.execute("UPDATE source_kinds SET kind = 'first_party_page' WHERE source = 'lambda_pricing'")
    con.close()
    con = connect(db)
    kind = con.execute("SELECT kind FROM source_kinds WHERE source = 'lambda_pricing'").fetchone()
    con.close()
    assert kind == ("third_party_scrape",)
