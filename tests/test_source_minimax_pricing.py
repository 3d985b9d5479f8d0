"""MiniMax pay-as-you-go prices on the real captures (pages-history/minimax/, read in place)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from schemas.enums import Currency, Leg
from scrapers.registry import all_sources
from scrapers.sources.minimax_pricing import SOURCE, URL_CNY, URL_USD, page_currency
from tests.pricing_pages import expect, page, prices, recorded

COLUMNS = [
    ("input", "standard"),
    ("output", "standard"),
    ("cached_input", "standard"),
    ("cache_write", "standard"),
]

# petehsu_payg-en_2025-12-20.md lines 11-12: Model | Input | Output | Prompt caching Read |
# Prompt caching Write, USD per M tokens.
USD = """
minimax-m2 | $0.3 | $1.2 | $0.03 | $0.375
minimax-m2-stable | $0.3 | $1.2 | $0.03 | $0.375
"""

# petehsu_payg-zh_2025-12-20.md lines 11-12: 模型 | 输入价格 | 输出价格 | 缓存读取 | 缓存写入,
# 元/百万 tokens.
CNY = """
minimax-m2 | 2.1 | 8.4 | 0.21 | 2.625
minimax-m2-stable | 2.1 | 8.4 | 0.21 | 2.625
"""


def test_source_definition() -> None:
    assert all_sources()["minimax_pricing"] is SOURCE
    assert SOURCE.leg is Leg.LLM
    assert SOURCE.urls == (URL_USD, URL_CNY)
    assert [r.path for r in SOURCE.recordings] == [
        "pages-history/minimax/petehsu_payg-en_2025-12-20.md",
        "pages-history/minimax/petehsu_payg-zh_2025-12-20.md",
    ]
    # MANIFEST.csv: captured_at 2025-12-20T00:00:17+00:00 for both.
    assert {r.captured_at for r in SOURCE.recordings} == {
        datetime(2025, 12, 20, 0, 0, 17, tzinfo=UTC)
    }


@pytest.mark.parametrize(
    ("index", "rows", "currency"), [(0, USD, Currency.USD), (1, CNY, Currency.CNY)]
)
def test_every_token_price_on_the_page(
    shared_data: Path, index: int, rows: str, currency: Currency
) -> None:
    result = SOURCE.parse(recorded(shared_data, SOURCE, index))
    assert result.problems == []
    assert prices(result) == expect(rows, COLUMNS)
    for obs in result.observations:
        assert (obs.provider, obs.currency, obs.published_unit) == (
            "minimax",
            currency,
            "per 1M tokens",
        )
    # The description under the model id never reaches the sku or the model name.
    assert {o.model for o in result.observations} == {"MiniMax-M2", "MiniMax-M2-Stable"}


def test_speech_video_music_and_image_prices_are_skipped_by_reason(shared_data: Path) -> None:
    result = SOURCE.parse(recorded(shared_data, SOURCE, 0))
    assert result.skipped == {
        "modality not tracked: audio": 1,  # "$3 per voice" under "## Audio"
        "modality not tracked: video": 8,
        "unit not tracked: per minutes": 1,  # "$0.03/up-to-5 minutes music"
        "table without prices": 1,  # rate limits
    }
    assert len(result.observations) == 8


def test_a_site_without_a_known_currency_is_an_error(shared_data: Path) -> None:
    assert page_currency(URL_CNY) is Currency.CNY
    body = recorded(shared_data, SOURCE, 0).body
    other = page(SOURCE, "https://example.com/pay-as-you-go.md", body,
                 datetime(2025, 12, 20, tzinfo=UTC), "text/markdown")  # fmt: skip
    with pytest.raises(ValueError, match="no known currency"):
        SOURCE.parse(other)


def test_a_cache_column_renamed_out_of_the_vocabulary_is_reported(shared_data: Path) -> None:
    # The Chinese page with "缓存读取" (cache read) renamed: its bare amounts are under a
    # "元/百万 tokens" header, so they are prices no header explains: reported, not dropped.
    recording = recorded(shared_data, SOURCE, 1)
    renamed = recording.model_copy(
        update={"body": recording.body.replace("缓存读取".encode(), "读取费".encode())}
    )
    result = SOURCE.parse(renamed)
    (problem,) = result.problems
    assert problem.text == "读取费 元/百万 tokens"
    assert problem.reason.startswith("column header not understood")
    assert ("minimax-m2", "cached_input", "standard") not in prices(result)
    assert prices(result)[("minimax-m2", "input", "standard")] == Decimal("2.1")
