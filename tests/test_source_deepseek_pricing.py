"""The DeepSeek parser: the CNY list on the real Chinese recording, the USD list on a fixture."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from schemas.enums import Currency, Leg
from scrapers.base import ParseResult
from scrapers.registry import all_sources
from scrapers.sources.deepseek_pricing import SOURCE, URL_CNY, URL_USD, page_currency
from tests.pricing_pages import expect, fixture, page, prices, recorded

CAPTURED_AT = datetime(2026, 7, 17, tzinfo=UTC)
COLUMNS = [("cached_input", "standard"), ("input", "standard"), ("output", "standard")]


@pytest.fixture(scope="module")
def cny(shared_data: Path) -> ParseResult:
    return SOURCE.parse(recorded(shared_data, SOURCE))


@pytest.fixture(scope="module")
def usd() -> ParseResult:
    # Hand-built: tests/fixtures/deepseek/deepseek_pricing_en_usd.html (prices cite
    # pricing_page_facts.csv rows 87 and 88).
    page = fixture(
        SOURCE, "deepseek/deepseek_pricing_en_usd.html", URL_USD, datetime(2025, 9, 6, tzinfo=UTC)
    )
    return SOURCE.parse(page)


def test_source_definition() -> None:
    assert all_sources()["deepseek_pricing"] is SOURCE
    assert SOURCE.leg is Leg.LLM
    assert SOURCE.urls == (
        "https://api-docs.deepseek.com/zh-cn/quick_start/pricing",
        "https://api-docs.deepseek.com/quick_start/pricing",
    )
    (recording,) = SOURCE.recordings  # only the Chinese page has a real recording
    assert recording.url == URL_CNY
    assert recording.path == "pages/deepseek/lzc0403_deepseek_pricing_zh.html"
    assert recording.captured_at == CAPTURED_AT


def test_currency_is_the_pages_own() -> None:
    assert page_currency(URL_CNY) is Currency.CNY
    assert page_currency(URL_USD) is Currency.USD


def test_every_cny_price_kept_as_cny(cny: ParseResult) -> None:
    # 百万tokens输入（缓存命中） | 百万tokens输入（缓存未命中） | 百万tokens输出
    # (cached input, input, output), in 元 per 1M tokens.
    assert cny.problems == []
    assert prices(cny) == expect(
        """
        deepseek-v4-flash | 0.02 | 1 | 2
        deepseek-v4-pro | 0.025 | 3 | 6
        """,
        COLUMNS,
    )
    for obs in cny.observations:
        assert obs.currency is Currency.CNY
        assert obs.provider == "deepseek"
        assert obs.observed_at == CAPTURED_AT
        assert obs.published_text.endswith("元")
        assert obs.published_unit == "per 1M tokens"
    # Footnote mark "(1)" after deepseek-v4-flash is not part of the sku.
    assert {o.model for o in cny.observations} == {"deepseek-v4-flash", "deepseek-v4-pro"}


def test_every_usd_price_from_the_english_page(usd: ParseResult) -> None:
    # One price cell spans both model columns (colspan=2): both models get it.
    assert usd.problems == []
    assert prices(usd) == expect(
        """
        deepseek-chat | 0.07 | 0.56 | 1.68
        deepseek-reasoner | 0.07 | 0.56 | 1.68
        """,
        COLUMNS,
    )
    assert {o.currency for o in usd.observations} == {Currency.USD}
    assert usd.skipped == {}


def test_currency_is_never_guessed(shared_data: Path) -> None:
    # The Chinese table served on the English (USD) URL, one cell rewritten with "¥": neither
    # "元" nor "¥" is read as dollars; each cell is a problem naming its text and why.
    body = (shared_data / SOURCE.recordings[0].path).read_bytes()
    body = body.replace("0.02元".encode(), "¥0.02".encode())
    result = SOURCE.parse(page(SOURCE, URL_USD, body, CAPTURED_AT, "text/html"))
    assert result.observations == []
    problems = {p.text: p.reason for p in result.problems}
    assert problems["¥0.02"] == "'¥' on a page whose currency is USD"
    assert problems["3元"] == "currency CNY differs from the page's USD"
    assert len(problems) == 6
    assert {p.url for p in result.problems} == {URL_USD}
