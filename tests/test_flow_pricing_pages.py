"""End to end: the nightly flow offline on the LLM pricing pages (registry → replay → load).

Sources with a real recording load; sources with live URLs only are skipped, not failed.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.flow

RECORDED = {
    "openai_pricing": 403,
    "anthropic_pricing": 70,  # its long-context table names no model: 4 problems, not prices
    "gemini_pricing": 78,
    "deepseek_pricing": 6,
    "cohere_pricing": 14,
    "kimi_pricing": 3,
    "zai_pricing": 49,
    "perplexity_pricing": 10,
}
LIVE_ONLY = ["mistral_pricing", "xai_pricing", "fireworks_pricing"]


@pytest.fixture(scope="module")
def run(tmp_path_factory, shared_data):
    from flows.nightly import nightly

    data_dir = tmp_path_factory.mktemp("deflator-pricing-pages")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DEFLATOR_DATA_DIR", str(data_dir))
        patch.setenv("DEFLATOR_SHARED_DATA", str(shared_data))
        patch.delenv("DEFLATOR_DB", raising=False)
        patch.delenv("DEFLATOR_ARCHIVE", raising=False)
        report = nightly(offline=True, source_names=[*RECORDED, *LIVE_ONLY])
        yield data_dir / "deflator.duckdb", report


def test_recorded_pages_load_and_live_only_pages_are_skipped(run) -> None:
    _, report = run
    by_source = {s.source: s for s in report.sources}
    assert report.status == "ok"
    assert {name: by_source[name].rows_parsed for name in RECORDED} == RECORDED
    assert {name: by_source[name].status for name in RECORDED} == dict.fromkeys(RECORDED, "ok")
    for name in LIVE_ONLY:
        assert (by_source[name].status, by_source[name].error) == ("skipped", "no recording")


def test_price_history_holds_first_party_prices_of_eight_providers(run) -> None:
    from warehouse.connection import connect

    db, _ = run
    con = connect(db, read_only=True)
    try:
        providers = con.execute(
            "select provider, currency, count(*) from price_history "
            "where source like '%_pricing' and leg = 'llm' and valid_to is null "
            "group by all order by all"
        ).fetchall()
        claude = dict(
            con.execute(
                "select component || ' ' || tier, price from price_history "
                "where source = 'anthropic_pricing' and sku = 'claude-sonnet-4-5'"
            ).fetchall()
        )
        ledger = con.execute(
            "select status, error from run_sources where source = 'xai_pricing'"
        ).fetchall()
    finally:
        con.close()
    assert providers == [
        ("anthropic", "USD", 70),
        ("cohere", "USD", 14),
        ("deepseek", "CNY", 6),
        ("google", "USD", 78),
        ("moonshot", "CNY", 3),
        ("openai", "USD", 403),
        ("perplexity", "USD", 10),
        ("zai", "USD", 49),
    ]
    assert {k: str(v) for k, v in claude.items() if k.startswith(("cache", "input"))} == {
        "cache_write standard": "3.750000000000",
        "cache_write cache-1h": "6.000000000000",
        "cached_input standard": "0.300000000000",
        "input standard": "3.000000000000",
    }
    assert ledger == [("skipped", "no recording")]
