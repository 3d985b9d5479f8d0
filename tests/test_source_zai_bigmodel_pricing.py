"""bigmodel.cn (Zhipu, CNY) on its real capture (pages-history/zai/, read in place)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from schemas.enums import Currency, Leg
from scrapers.base import ParseResult
from scrapers.registry import all_sources
from scrapers.sources.zai_bigmodel_pricing import SOURCE, URL, range_tiers
from tests.pricing_pages import prices, recorded

# lzc0403_bigmodel-pricing_2026-07-17.html, "旗舰模型" tables (el-table header + body), 元 per
# million tokens: model | 上下文 | 输入单价 | 输出单价 | 缓存命中 (缓存存储 is "限时免费").
FLAGSHIP = {
    ("glm-5.2", "input", "standard"): "8",  # "GLM-5.2 新品", context 1M
    ("glm-5.2", "output", "standard"): "28",
    ("glm-5.2", "cached_input", "standard"): "2",
    ("glm-5.1", "input", "prompt<32k"): "6",  # 输入长度 [0, 32)
    ("glm-5.1", "input", "prompt>=32k"): "8",  # 输入长度 [32+)
    ("glm-5.1", "output", "prompt>=32k"): "28",
    ("glm-5.1", "cached_input", "prompt<32k"): "1.3",
    ("glm-4.7", "output", "output<200+prompt<32k"): "8",  # 输出长度 [0, 0.2)
    ("glm-4.7", "output", "output>=200+prompt<32k"): "14",  # 输出长度 [0.2+)
    ("glm-4.7", "input", "prompt<200k+prompt>=32k"): "4",  # 输入长度 [32, 200)
    ("glm-4.5-air", "output", "prompt<128k+prompt>=32k"): "8",
    ("glm-4.7-flashx", "input", "standard"): "0.5",  # context 200K
    ("glm-5v-turbo", "output", "prompt>=32k"): "26",
    ("glm-4.6v-flashx", "cached_input", "prompt<128k+prompt>=32k"): "0.03",
    ("glm-4.5v", "input", "prompt<64k+prompt>=32k"): "4",
}


@pytest.fixture(scope="module")
def result(shared_data: Path) -> ParseResult:
    return SOURCE.parse(recorded(shared_data, SOURCE))


def test_source_definition() -> None:
    assert all_sources()["zai_bigmodel_pricing"] is SOURCE
    assert (SOURCE.leg, SOURCE.urls) == (Leg.LLM, (URL,))
    (recording,) = SOURCE.recordings
    assert recording.path == "pages-history/zai/lzc0403_bigmodel-pricing_2026-07-17.html"
    assert recording.captured_at == datetime(2026, 7, 17, 6, 22, 4, tzinfo=UTC)  # MANIFEST.csv


def test_flagship_prices(result: ParseResult) -> None:
    assert result.problems == []
    found = prices(result)
    assert {key: found[key] for key in FLAGSHIP} == {k: Decimal(v) for k, v in FLAGSHIP.items()}
    # 11 priced models (GLM-4.7-Flash and GLM-4.6V-Flash are free): 22 rows x 3 components.
    assert len(found) == 66
    assert {o.sku for o in result.observations} == {
        "glm-5.2", "glm-5.1", "glm-5-turbo", "glm-5", "glm-4.7", "glm-4.5-air",
        "glm-4.7-flashx", "glm-5v-turbo", "glm-4.6v", "glm-4.6v-flashx", "glm-4.5v",
    }  # fmt: skip
    for obs in result.observations:
        assert (obs.provider, obs.currency, obs.published_unit) == (
            "zhipu",
            Currency.CNY,
            "per 1M tokens",
        )
        assert obs.published_text.endswith("元")


def test_the_new_badge_never_reaches_a_sku(result: ParseResult) -> None:
    assert not [o.sku for o in result.observations if "新" in o.sku or "新" in (o.model or "")]


def test_what_is_not_read_and_why(result: ParseResult) -> None:
    assert result.skipped == {
        "no price stated": 6,  # 限时免费 / 免费 cells of priced models
        "one 单价 (unit price) for input and output together: neither component": 7,
        "search tool per call, not a token price": 1,
        "knowledge-base storage, not a token price": 1,
        "fine-tuning and its deployment, not a token list price": 2,
        "private instance per compute unit and day, not a token list price": 6,
        "private cloud package, not a token list price": 2,
        "on-premises solution, not a token list price": 2,
    }


@pytest.mark.parametrize(
    ("text", "tiers"),
    [
        ("1M", []),
        ("200K", []),
        ("/", []),
        ("输入长度 [0, 32)", ["prompt<32k"]),
        ("输入长度 [32+)", ["prompt>=32k"]),
        ("输入长度 [0, 32)\n输出长度 [0.2+)", ["prompt<32k", "output>=200"]),
        ("about 32K or more", None),  # not understood: a problem, never the standard tier
    ],
)
def test_length_ranges(text: str, tiers: list[str] | None) -> None:
    assert range_tiers(text) == tiers


def test_two_rows_of_one_model_without_their_ranges_conflict(shared_data: Path) -> None:
    # Without the length range the two GLM-5.1 rows are two prices for one key: the source
    # fails instead of keeping the first.
    page = recorded(shared_data, SOURCE)
    body = page.body.replace("输入长度".encode(), "长度".encode())
    with pytest.raises(ValueError, match=r"conflicting prices for zhipu glm-5\.1 input"):
        SOURCE.parse(page.model_copy(update={"body": body}))
