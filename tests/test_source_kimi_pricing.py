"""The Kimi (Moonshot AI) parser on its real recording: a CNY list, a billing-unit column."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from schemas.enums import Currency, Leg
from scrapers.registry import all_sources
from scrapers.sources.kimi_pricing import SOURCE, URL
from tests.pricing_pages import expect, prices, recorded


def test_source_definition() -> None:
    assert all_sources()["kimi_pricing"] is SOURCE
    assert SOURCE.leg is Leg.LLM
    assert SOURCE.urls == ("https://platform.kimi.com/docs/pricing/chat-k26",)
    (recording,) = SOURCE.recordings
    assert recording.path == "pages/kimi/lzc0403_kimi_k26_pricing_zh.html"
    assert recording.captured_at == datetime(2026, 7, 17, tzinfo=UTC)


def test_every_price_in_cny(shared_data: Path) -> None:
    # 模型 | 计费单位 (1M tokens) | 输入价格（缓存命中） | 输入价格（缓存未命中） | 输出价格
    # | 上下文窗口: model, billing unit, cached input, input, output, context window.
    result = SOURCE.parse(recorded(shared_data, SOURCE))
    assert result.problems == []
    assert prices(result) == expect(
        "kimi-k2.6 | ¥1.10 | ¥6.50 | ¥27.00",
        [("cached_input", "standard"), ("input", "standard"), ("output", "standard")],
    )
    for obs in result.observations:
        assert (obs.provider, obs.currency, obs.source_url) == ("moonshot", Currency.CNY, URL)
        assert obs.published_text.startswith("¥")
        assert obs.published_unit == "per 1M tokens"  # from the 计费单位 column


def test_a_badge_beside_the_model_never_reaches_the_sku(shared_data: Path) -> None:
    # The real page with a "推荐" (recommended) badge beside the model id, as the issue saw on
    # a Kimi row: the same sku, the same prices.
    page = recorded(shared_data, SOURCE)
    old = b"<td>kimi-k2.6</td>"
    assert page.body.count(old) == 1
    badged = page.body.replace(old, "<td>kimi-k2.6 <span>推荐</span></td>".encode())
    result = SOURCE.parse(page.model_copy(update={"body": badged}))
    assert result.problems == []
    assert prices(result) == prices(SOURCE.parse(page))
    assert {o.model for o in result.observations} == {"kimi-k2.6"}
