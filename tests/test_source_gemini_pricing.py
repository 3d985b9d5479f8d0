"""The Gemini API pricing-page parser on its real recording (Markdown export, read in place)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from schemas.enums import Currency, Leg
from scrapers.base import ParseResult
from scrapers.registry import all_sources
from scrapers.sources.gemini_pricing import SOURCE, URL, page_locale
from tests.pricing_pages import page, prices, recorded

CAPTURED_AT = datetime(2025, 11, 21, tzinfo=UTC)

# Every Paid Tier token price of pages/gemini/aiadmin_gemini_docs_pricing.md, as published
# (USD per 1M tokens): sku (the section's model id) | component | tier | price. Batch tables'
# input/output are batch_input/batch_output, their context caching is cached_input "batch".
PAGE = """
gemini-3-pro-preview | input | prompt<=200k | 2.00
gemini-3-pro-preview | input | prompt>200k | 4.00
gemini-3-pro-preview | output | prompt<=200k | 12.00
gemini-3-pro-preview | output | prompt>200k | 18.00
gemini-3-pro-preview | cached_input | prompt<=200k | 0.20
gemini-3-pro-preview | cached_input | prompt>200k | 0.40
gemini-3-pro-preview | batch_input | prompt<=200k | 1.00
gemini-3-pro-preview | batch_input | prompt>200k | 2.00
gemini-3-pro-preview | batch_output | prompt<=200k | 6.00
gemini-3-pro-preview | batch_output | prompt>200k | 9.00
gemini-3-pro-preview | cached_input | batch+prompt<=200k | 0.20
gemini-3-pro-preview | cached_input | batch+prompt>200k | 0.40
gemini-3-pro-image-preview | input | standard | 2.00
gemini-3-pro-image-preview | output | standard | 12.00
gemini-3-pro-image-preview | batch_input | standard | 1.00
gemini-3-pro-image-preview | batch_output | standard | 6.00
gemini-2.5-pro | input | prompt<=200k | 1.25
gemini-2.5-pro | input | prompt>200k | 2.50
gemini-2.5-pro | output | prompt<=200k | 10.00
gemini-2.5-pro | output | prompt>200k | 15.00
gemini-2.5-pro | cached_input | prompt<=200k | 0.125
gemini-2.5-pro | cached_input | prompt>200k | 0.25
gemini-2.5-pro | batch_input | prompt<=200k | 0.625
gemini-2.5-pro | batch_input | prompt>200k | 1.25
gemini-2.5-pro | batch_output | prompt<=200k | 5.00
gemini-2.5-pro | batch_output | prompt>200k | 7.50
gemini-2.5-pro | cached_input | batch+prompt<=200k | 0.125
gemini-2.5-pro | cached_input | batch+prompt>200k | 0.25
gemini-2.5-flash | input | standard | 0.30
gemini-2.5-flash | output | standard | 2.50
gemini-2.5-flash | cached_input | standard | 0.03
gemini-2.5-flash | batch_input | standard | 0.15
gemini-2.5-flash | batch_output | standard | 1.25
gemini-2.5-flash | cached_input | batch | 0.03
gemini-2.5-flash-preview-09-2025 | input | standard | 0.30
gemini-2.5-flash-preview-09-2025 | output | standard | 2.50
gemini-2.5-flash-preview-09-2025 | cached_input | standard | 0.03
gemini-2.5-flash-preview-09-2025 | batch_input | standard | 0.15
gemini-2.5-flash-preview-09-2025 | batch_output | standard | 1.25
gemini-2.5-flash-preview-09-2025 | cached_input | batch | 0.03
gemini-2.5-flash-lite | input | standard | 0.10
gemini-2.5-flash-lite | output | standard | 0.40
gemini-2.5-flash-lite | cached_input | standard | 0.01
gemini-2.5-flash-lite | batch_input | standard | 0.05
gemini-2.5-flash-lite | batch_output | standard | 0.20
gemini-2.5-flash-lite | cached_input | batch | 0.01
gemini-2.5-flash-lite-preview-09-2025 | input | standard | 0.10
gemini-2.5-flash-lite-preview-09-2025 | output | standard | 0.40
gemini-2.5-flash-lite-preview-09-2025 | cached_input | standard | 0.01
gemini-2.5-flash-lite-preview-09-2025 | batch_input | standard | 0.05
gemini-2.5-flash-lite-preview-09-2025 | batch_output | standard | 0.20
gemini-2.5-flash-lite-preview-09-2025 | cached_input | batch | 0.01
gemini-2.5-flash-native-audio-preview-09-2025 | input | standard | 0.50
gemini-2.5-flash-native-audio-preview-09-2025 | output | standard | 2.00
gemini-2.5-flash-image | input | standard | 0.30
gemini-2.5-flash-image | batch_input | standard | 0.15
gemini-2.5-flash-preview-tts | input | standard | 0.50
gemini-2.5-flash-preview-tts | batch_input | standard | 0.25
gemini-2.5-pro-preview-tts | input | standard | 1.00
gemini-2.5-pro-preview-tts | batch_input | standard | 0.50
gemini-2.0-flash | input | standard | 0.10
gemini-2.0-flash | output | standard | 0.40
gemini-2.0-flash | cached_input | standard | 0.025
gemini-2.0-flash | batch_input | standard | 0.05
gemini-2.0-flash | batch_output | standard | 0.20
gemini-2.0-flash | cached_input | batch | 0.025
gemini-2.0-flash-lite | input | standard | 0.075
gemini-2.0-flash-lite | output | standard | 0.30
gemini-2.0-flash-lite | batch_input | standard | 0.0375
gemini-2.0-flash-lite | batch_output | standard | 0.15
gemini-embedding-001 | input | standard | 0.15
gemini-embedding-001 | batch_input | standard | 0.075
gemini-robotics-er-1.5-preview | input | standard | 0.30
gemini-robotics-er-1.5-preview | output | standard | 2.50
gemini-2.5-computer-use-preview-10-2025 | input | prompt<=200k | 1.25
gemini-2.5-computer-use-preview-10-2025 | input | prompt>200k | 2.50
gemini-2.5-computer-use-preview-10-2025 | output | prompt<=200k | 10.00
gemini-2.5-computer-use-preview-10-2025 | output | prompt>200k | 15.00
"""


def _expected(rows: str) -> dict[tuple[str, str, str], Decimal]:
    found = {}
    for line in rows.strip().splitlines():
        sku, component, tier, price = (cell.strip() for cell in line.split("|"))
        found[(sku, component, tier)] = Decimal(price)
    return found


EXPECTED = _expected(PAGE)


@pytest.fixture(scope="module")
def result(shared_data: Path) -> ParseResult:
    return SOURCE.parse(recorded(shared_data, SOURCE))


def test_source_definition() -> None:
    assert all_sources()["gemini_pricing"] is SOURCE
    assert SOURCE.leg is Leg.LLM
    assert SOURCE.urls == ("https://ai.google.dev/gemini-api/docs/pricing.md.txt",)
    (recording,) = SOURCE.recordings
    assert recording.path == "pages/gemini/aiadmin_gemini_docs_pricing.md"
    assert recording.captured_at == CAPTURED_AT


def test_every_price_on_the_page(result: ParseResult) -> None:
    assert result.problems == []
    assert len(EXPECTED) == 78
    assert prices(result) == EXPECTED


def test_what_is_skipped_and_why(result: ParseResult) -> None:
    # Storage per token-hour (12 caching rows), audio/image modalities, per-image outputs,
    # "Not available" cells of the paid tier, tables of per-image / per-second / no prices.
    assert result.skipped == {
        "storage price (per token-hour) not tracked": 12,
        "modality not tracked: audio": 26,
        "modality not tracked: audio / video": 1,
        "modality not tracked: image": 2,
        "unit not tracked: per image": 6,
        "no price stated": 2,
        "table without prices": 8,
        "unit not tracked: per prompts": 1,
    }
    assert all(obs.price > 0 for obs in result.observations)


def test_provenance(result: ParseResult) -> None:
    for obs in result.observations:
        assert (obs.provider, obs.currency, obs.source_url) == ("google", Currency.USD, URL)
        assert obs.observed_at == CAPTURED_AT
    pro = [o for o in result.observations if o.sku == "gemini-2.5-pro"]
    assert {o.model for o in pro} == {"Gemini 2.5 Pro"}
    assert {o.published_text for o in pro if o.tier == "prompt>200k"} >= {"$2.50", "$15.00"}


def test_the_live_html_layout_reads_the_same_way(shared_data: Path) -> None:
    # pages/gemini/nougentracker_gemini_pricing_excerpt.html: the live page's own markup
    # (h2 + <code> model id + h3 "Standard" + table.pricing-table), raw "<=" / ">".
    body = (shared_data / "pages/gemini/nougentracker_gemini_pricing_excerpt.html").read_bytes()
    html = SOURCE.parse(page(SOURCE, URL, body, CAPTURED_AT, "text/html"))
    assert html.problems == []
    assert prices(html) == {
        ("gemini-3.5-flash", "input", "standard"): Decimal("1.5"),
        ("gemini-3.5-flash", "output", "standard"): Decimal("9"),
        ("gemini-3.5-flash", "cached_input", "standard"): Decimal("0.15"),
        ("gemini-3.1-flash-lite", "input", "standard"): Decimal("0.25"),
        ("gemini-3.1-flash-lite", "output", "standard"): Decimal("1.5"),
        ("gemini-3.1-flash-lite", "cached_input", "standard"): Decimal("0.025"),
        ("gemini-2.5-pro", "input", "prompt<=200k"): Decimal("1.25"),
        ("gemini-2.5-pro", "input", "prompt>200k"): Decimal("2.5"),
        ("gemini-2.5-pro", "output", "prompt<=200k"): Decimal("10"),
        ("gemini-2.5-pro", "output", "prompt>200k"): Decimal("15"),
        ("gemini-2.5-pro", "cached_input", "prompt<=200k"): Decimal("0.125"),
        ("gemini-2.5-pro", "cached_input", "prompt>200k"): Decimal("0.25"),
    }


@pytest.mark.parametrize(
    ("fetched", "dated_inputs"),
    [
        # "$0.75 through December 31, 2026. / $1.50 starting January 1, 2027."
        # Read before the change: the current price, and the scheduled one with its date.
        (
            datetime(2026, 9, 1, tzinfo=UTC),
            {None: Decimal("0.75"), datetime(2027, 1, 1).date(): Decimal("1.5")},
        ),
        # Read after it: the expired price is gone, the new one carries its date.
        (datetime(2027, 1, 2, tzinfo=UTC), {datetime(2027, 1, 1).date(): Decimal("1.5")}),
    ],
)
def test_dated_prices_follow_the_page_date(
    shared_data: Path, fetched: datetime, dated_inputs: dict
) -> None:
    # pages/gemini/nougentracker_gemini_standard_catalog.html (34 model sections, HTML).
    body = (shared_data / "pages/gemini/nougentracker_gemini_standard_catalog.html").read_bytes()
    result = SOURCE.parse(page(SOURCE, URL, body, fetched, "text/html"))
    assert result.problems == []
    inputs = {
        o.effective_date: o.price
        for o in result.observations
        if (o.sku, o.component.value, o.tier) == ("gemini-3.8-flash", "input", "standard")
    }
    assert inputs == dated_inputs
    assert (result.skipped["expired price"] > 0) == (fetched.year == 2027)
    found = {
        (o.sku, o.component.value, o.tier): o.price
        for o in result.observations
        if o.effective_date is None
    }
    assert found[("gemini-2.5-pro", "input", "prompt>200k")] == Decimal("2.5")


def test_a_machine_translated_capture_is_detected_by_its_own_front_matter(
    shared_data: Path,
) -> None:
    # pages-history/gemini/nickcollect_pricing-fr_2026-06-22.md served under the English URL:
    # its front matter ("source_url: …pricing?hl=fr") still says what it is.
    body = (shared_data / "pages-history/gemini/nickcollect_pricing-fr_2026-06-22.md").read_bytes()
    translated = page(SOURCE, URL, body, CAPTURED_AT, "text/markdown")
    assert page_locale(translated) == "fr"
    result = SOURCE.parse(translated)
    assert result.observations == []
    assert [p.reason for p in result.problems] == [
        "machine-translated page (hl=fr): only the English page is read"
    ]
    # The English recording, and the English HTML catalog (which links its translations), are
    # read as English.
    assert page_locale(recorded(shared_data, SOURCE)) is None
    html = (shared_data / "pages/gemini/nougentracker_gemini_standard_catalog.html").read_bytes()
    assert page_locale(page(SOURCE, URL, html, CAPTURED_AT, "text/html")) is None
