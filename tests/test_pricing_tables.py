"""Generic pricing-table extraction (scrapers/pricing_tables): tables found by meaning.

Real captures from the shared data are used where they show a case; the few inline snippets
carry real prices, each cited (file and line) next to it.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from schemas.enums import Component, Currency
from scrapers.pricing_tables import html_tables, markdown_tables, read_table
from scrapers.pricing_tables.cells import no_price, split_cell
from scrapers.pricing_tables.headers import find_context_tiers, find_unit, read_label
from scrapers.pricing_tables.prose import sentence_prices
from scrapers.sources.anthropic_pricing import SOURCE as ANTHROPIC
from tests.pricing_pages import page, prices, recorded

FACTS = "../shared/data/llm/pricing_page_facts.csv"


def _shared(shared_data: Path, relative: str) -> str:
    return (shared_data / relative).read_text(encoding="utf-8")


def _read(table, currency=Currency.USD, as_of=None):
    return read_table(table, currency=currency, as_of=as_of)


def _found(reading) -> dict[tuple[str | None, str, str], Decimal]:
    return {(c.item, c.component.value, c.tier): c.price.amount for c in reading.prices}


# --- headers: components, units, tiers -------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "components", "tier"),
    [
        ("Input", [Component.INPUT], set()),
        ("Base Input Tokens", [Component.INPUT], set()),
        ("Cached input", [Component.CACHED_INPUT], set()),
        ("Cache Hits & Refreshes", [Component.CACHED_INPUT], set()),
        ("Context caching price", [Component.CACHED_INPUT], set()),
        ("5m Cache Writes", [Component.CACHE_WRITE], set()),
        ("1h Cache Writes", [Component.CACHE_WRITE], {"cache-1h"}),
        ("Output Tokens", [Component.OUTPUT], set()),
        ("Output price (including thinking tokens)", [Component.OUTPUT], set()),
        ("Batch input", [Component.BATCH_INPUT], set()),
        ("Batch output", [Component.BATCH_OUTPUT], set()),
        ("Input price (text, image, video)", [Component.INPUT], set()),
        ("Price per 1M tokens (input and output)", [Component.INPUT, Component.OUTPUT], set()),
        ("输入价格（缓存命中）", [Component.CACHED_INPUT], set()),
        ("输入价格（缓存未命中）", [Component.INPUT], set()),
        ("百万tokens输出", [Component.OUTPUT], set()),
        ("1M INPUT TOKENS (CACHE HIT)", [Component.CACHED_INPUT], set()),
        ("≤ 200K input tokens", [], {"prompt<=200k"}),
        ("> 200K input tokens", [], {"prompt>200k"}),
        # Not list prices per token of the model:
        ("Cached Input Storage", [], set()),
        ("Context caching (storage)", [], set()),
        ("Citation Tokens ($/1M)", [], set()),
        ("Search Queries ($/1K)", [], set()),
        ("Reasoning Tokens ($/1M)", [], set()),
        ("Audio input", [], set()),
        ("Training", [], set()),
        ("Additional input tokens", [], set()),
        ("Tool use system prompt token count", [], set()),
        ("Size: Output resolution", [], set()),
        ("MAX OUTPUT", [], set()),
        ("上下文窗口", [], set()),
        ("Model", [], set()),
    ],
)
def test_headers_name_components_and_tiers(header, components, tier) -> None:
    meaning = read_label(header)
    assert list(meaning.components) == components
    assert set(meaning.tier) == tier


@pytest.mark.parametrize(
    ("text", "per"),
    [
        ("Paid Tier, per 1M tokens in USD", 1_000_000),
        ("Input Tokens ($/1M)", 1_000_000),
        ("Prices per 1M tokens.", 1_000_000),
        ("$3 / MTok", 1_000_000),
        ("Pricing (per million tokens)", 1_000_000),
        ("Input (per 1K tokens)", 1_000),
        ("1M tokens", 1_000_000),
        ("价格 百万tokens输入（缓存命中）", 1_000_000),
    ],
)
def test_token_units_are_recognised(text, per) -> None:
    found = find_unit(text)
    assert found is not None and found.spec is not None
    assert found.spec.per == per


@pytest.mark.parametrize("text", ["Paid Tier, per Image in USD", "Price per second"])
def test_other_units_are_recognised_as_not_token_units(text) -> None:
    found = find_unit(text)
    assert found is not None and found.spec is None


def test_context_thresholds() -> None:
    # Gemini's cell text (pages/gemini/aiadmin_gemini_docs_pricing.md line 115, unescaped).
    assert find_context_tiers("$1.25, prompts <= 200k tokens $2.50, prompts > 200k tokens") == [
        "prompt<=200k",
        "prompt>200k",
    ]
    assert find_context_tiers("gpt-5.5 (<272K)") == ["prompt<272k"]
    assert find_context_tiers("> 131,072 tokens") == ["prompt>131072"]
    assert find_context_tiers("billed at > 5 minutes") == []


# --- cells ------------------------------------------------------------------------------------


NO_PRICE_CELLS = ["Free", "Free of charge", "—", "-", "\\", "Not available", "Contact sales",
                  "Limited-time Free", "N/A", "免费", ""]  # fmt: skip


@pytest.mark.parametrize("text", NO_PRICE_CELLS)
def test_no_price_cells(text) -> None:
    assert no_price(text)


def test_multi_price_cells_are_split_with_their_conditions() -> None:
    # pages/gemini/aiadmin_gemini_docs_pricing.md line 117 (escapes undone by the reader).
    cell = (
        "$0.125, prompts <= 200k tokens $0.25, prompts > 200k "
        "$4.50 / 1,000,000 tokens per hour (storage price)"
    )
    segments = split_cell(cell)
    assert [(s.text, s.tiers, s.skip) for s in segments] == [
        ("$0.125", ("prompt<=200k",), None),
        ("$0.25", ("prompt>200k",), None),
        ("$4.50 / 1,000,000 tokens per hour", (), "storage price (per token-hour) not tracked"),
    ]
    # Line 145: the text price is kept, the audio price skipped.
    text, audio = split_cell("$0.30 (text / image / video) $1.00 (audio)")
    assert (text.text, text.skip) == ("$0.30", None)
    assert audio.skip == "modality not tracked: audio"
    # Line 88: per-image prices are not token prices.
    assert [s.skip for s in split_cell("$12.00 (text and thinking) $0.134 per 1K/2K image")] == [
        None,
        "unit not tracked: per image",
    ]


# --- HTML: spans, footnotes, no-price cells ---------------------------------------------------


def test_html_row_and_column_spans_are_expanded(shared_data: Path) -> None:
    # pages/deepseek/lzc0403_deepseek_pricing_zh.html: colspan labels and model cells, a
    # rowspan "价格" over three price rows, <sup>(1)</sup> after a model id.
    (table,) = html_tables(_shared(shared_data, "pages/deepseek/lzc0403_deepseek_pricing_zh.html"))
    assert table.width == 4
    assert table.header_rows == 1
    assert [c.text for c in table.rows[0]] == [
        "模型",
        "模型",
        "deepseek-v4-flash",
        "deepseek-v4-pro",
    ]
    assert table.rows[0][2].notes == ("(1)",)
    assert table.rows[0][1].origin == (0, 0)  # copied from the colspan cell
    price_rows = [row for row in table.rows if row[0].text == "价格"]
    assert [row[1].text for row in price_rows] == [
        "百万tokens输入（缓存命中）",
        "百万tokens输入（缓存未命中）",
        "百万tokens输出",
    ]
    assert [row[0].origin is None for row in price_rows] == [True, False, False]
    assert table.rows[1][2].text == table.rows[1][3].text == "https://api.deepseek.com"
    reading = _read(table, Currency.CNY)
    assert _found(reading) == {
        ("deepseek-v4-flash", "cached_input", "standard"): Decimal("0.02"),
        ("deepseek-v4-pro", "cached_input", "standard"): Decimal("0.025"),
        ("deepseek-v4-flash", "input", "standard"): Decimal("1"),
        ("deepseek-v4-pro", "input", "standard"): Decimal("3"),
        ("deepseek-v4-flash", "output", "standard"): Decimal("2"),
        ("deepseek-v4-pro", "output", "standard"): Decimal("6"),
    }
    assert {c.price.currency for c in reading.prices} == {Currency.CNY}


def test_footnote_marks_never_reach_a_price(shared_data: Path) -> None:
    # pages/anthropic/ebdevsolutions_anthropic_pricing_table.html: "$0.25 / MTok<sup>1</sup>".
    (table,) = html_tables(
        _shared(shared_data, "pages/anthropic/ebdevsolutions_anthropic_pricing_table.html")
    )
    fable = next(row for row in table.rows if row[0].text.startswith("Claude Fable 5.1"))
    assert fable[4].text == "$0.25 / MTok"
    assert fable[4].notes == ("1",)
    found = _found(_read(table))
    assert found[("Claude Fable 5.1", "cached_input", "standard")] == Decimal("0.25")
    # Markdown: "<sup>3</sup>" (nougentracker catalog) and "^\*^" (Gemini export, line 87).
    (catalog,) = markdown_tables(
        _shared(shared_data, "pages/anthropic/nougentracker_claude_standard_catalog.md")
    )
    sonnet_5 = next(row for row in catalog.rows if row[0].text == "Claude Sonnet 5")
    assert (sonnet_5[1].text, sonnet_5[1].notes) == ("$2 / MTok", ("3",))
    gemini = markdown_tables(_shared(shared_data, "pages/gemini/aiadmin_gemini_docs_pricing.md"))
    assert gemini[2].rows[1][2].text == "$2.00 (text), $0.0011 (image)"
    assert gemini[2].rows[1][2].notes == ("*",)


def test_no_price_cells_are_skipped_never_zero() -> None:
    # Z.ai's free and missing cells (pages/zai/lzc0403_zai_pricing.html: GLM-4.5-Air, GLM-OCR,
    # GLM-4.5-Flash rows) beside Claude's "Contact sales" style and a "$0.00" cell.
    html = """<p>Prices per 1M tokens.</p><table>
    <tr><th>Model</th><th>Input</th><th>Cached Input</th><th>Output</th></tr>
    <tr><td>GLM-4.5-Air</td><td>$0.2</td><td>$0.03</td><td>$1.1</td></tr>
    <tr><td>GLM-OCR</td><td>$0.03</td><td>\\</td><td>$0.03</td></tr>
    <tr><td>GLM-4.5-Flash</td><td>Free</td><td>Limited-time Free</td><td>—</td></tr>
    <tr><td>Enterprise</td><td>Contact sales</td><td>Not available</td><td>$0.00</td></tr>
    </table>"""
    reading = _read(html_tables(html)[0])
    assert _found(reading) == {
        ("GLM-4.5-Air", "input", "standard"): Decimal("0.2"),
        ("GLM-4.5-Air", "cached_input", "standard"): Decimal("0.03"),
        ("GLM-4.5-Air", "output", "standard"): Decimal("1.1"),
        ("GLM-OCR", "input", "standard"): Decimal("0.03"),
        ("GLM-OCR", "output", "standard"): Decimal("0.03"),
    }
    assert reading.skipped == Counter({"no price stated": 6, "zero price: free": 1})
    assert reading.problems == []


# --- Markdown -----------------------------------------------------------------------------------


def test_markdown_tables_with_and_without_outer_pipes(shared_data: Path) -> None:
    # docscraper capture (2025-05-24): "Claude Opus 4| $15 / MTok| …  " rows without pipes
    # at the ends, trailing double spaces; front matter before it.
    tables = markdown_tables(
        _shared(shared_data, "pages/anthropic/docscraper_claude_docs_pricing_2025-05-24.md")
    )
    first = tables[0]
    assert first.line == 90
    assert [c.text for c in first.rows[0]] == [
        "Model",
        "Base Input Tokens",
        "5m Cache Writes",
        "1h Cache Writes",
        "Cache Hits & Refreshes",
        "Output Tokens",
    ]
    assert [c.text for c in first.rows[1]][:2] == ["Claude Opus 4", "$15 / MTok"]
    assert first.headings[-1].title == "Model pricing"


def test_markdown_escapes_headings_and_code_ids(shared_data: Path) -> None:
    tables = markdown_tables(_shared(shared_data, "pages/gemini/aiadmin_gemini_docs_pricing.md"))
    pro = tables[4]  # "## Gemini 2.5 Pro" / "### Standard", line 113
    assert pro.line == 113
    assert [h.title for h in pro.headings] == ["Gemini 2.5 Pro", "Standard"]
    assert pro.section_codes() == ("gemini-2.5-pro",)
    assert pro.rows[1][2].text == "$1.25, prompts <= 200k tokens $2.50, prompts > 200k tokens"
    # Setext headings (=== / ---) of a Jina-style capture.
    perplexity = markdown_tables(
        _shared(shared_data, "pages/perplexity/tokentally_perplexity_pricing_jina.md")
    )
    assert perplexity[1].headings[-1].title == "Token Pricing"


def test_tier_labels_before_identical_tables(shared_data: Path) -> None:
    # pages/openai/tokentally_openai_docs_pricing_jina.md: "Batch", "Flex", "Standard",
    # "Priority" as bare lines before four tables with identical headers.
    tables = markdown_tables(
        _shared(shared_data, "pages/openai/tokentally_openai_docs_pricing_jina.md")
    )
    gpt5 = {}
    for table in tables[:4]:
        for cell in _read(table).prices:
            if cell.item == "gpt-5":
                gpt5[(cell.component.value, cell.tier)] = cell.price.amount
    assert gpt5 == {
        ("batch_input", "standard"): Decimal("0.625"),
        ("cached_input", "batch"): Decimal("0.0625"),
        ("batch_output", "standard"): Decimal("5"),
        ("input", "flex"): Decimal("0.625"),
        ("cached_input", "flex"): Decimal("0.0625"),
        ("output", "flex"): Decimal("5"),
        ("input", "standard"): Decimal("1.25"),
        ("cached_input", "standard"): Decimal("0.125"),
        ("output", "standard"): Decimal("10"),
        ("input", "priority"): Decimal("2.5"),
        ("cached_input", "priority"): Decimal("0.25"),
        ("output", "priority"): Decimal("20"),
    }


def test_off_peak_heading_states_a_tier() -> None:
    # DeepSeek's list before 2025-09-05 (pricing_page_facts.csv line 91: deepseek-chat off-peak
    # discount 0.035 / 0.135 / 0.550 USD per 1M tokens).
    text = """
## Off-peak discount (UTC 16:30-00:30)

| Model | 1M input tokens (cache hit) | 1M input tokens (cache miss) | 1M output tokens |
| --- | --- | --- | --- |
| deepseek-chat | $0.035 | $0.135 | $0.550 |
"""
    (table,) = markdown_tables(text)
    assert _found(_read(table)) == {
        ("deepseek-chat", "cached_input", "off-peak"): Decimal("0.035"),
        ("deepseek-chat", "input", "off-peak"): Decimal("0.135"),
        ("deepseek-chat", "output", "off-peak"): Decimal("0.55"),
    }


def test_per_1k_tokens_header_is_converted_exactly() -> None:
    # GPT-4 (gpt-4-0314) as openai.com/pricing published it in 2023: $0.03 / $0.06 per 1K
    # tokens = 30 / 60 per 1M (pricing_page_facts.csv line 53).
    text = """
| Model | Input (per 1K tokens) | Output (per 1K tokens) |
|---|---|---|
| gpt-4-0314 | $0.03 | $0.06 |
"""
    (table,) = markdown_tables(text)
    reading = _read(table)
    assert _found(reading) == {
        ("gpt-4-0314", "input", "standard"): Decimal("30"),
        ("gpt-4-0314", "output", "standard"): Decimal("60"),
    }
    assert {c.price.published_unit for c in reading.prices} == {"per 1K tokens"}
    assert {c.price.published_amount for c in reading.prices} == {Decimal("0.03"), Decimal("0.06")}


def test_components_named_inside_cells_and_tiers_in_headers(shared_data: Path) -> None:
    # Claude's long-context table: "≤ 200K input tokens | > 200K input tokens" over
    # "Input: $3 / MTok" cells (xiaoyuge capture, lines 97-100).
    tables = markdown_tables(
        _shared(shared_data, "pages/anthropic/xiaoyuge886_claude_docs_pricing.md")
    )
    long_context = tables[2]
    assert _found(_read(long_context)) == {
        (None, "input", "prompt<=200k"): Decimal("3"),
        (None, "input", "prompt>200k"): Decimal("6"),
        (None, "output", "prompt<=200k"): Decimal("15"),
        (None, "output", "prompt>200k"): Decimal("22.5"),
    }


def test_worked_examples_without_a_unit_are_not_prices(shared_data: Path) -> None:
    # Perplexity's "Component | Cost" cost examples (lines 187-210): no unit anywhere.
    tables = markdown_tables(
        _shared(shared_data, "pages/perplexity/tokentally_perplexity_pricing_jina.md")
    )
    example = _read(tables[2])
    assert example.prices == [] and example.problems == []
    # Its "**Total** | **$0.0057**" row makes it a bill, not a price list: not read at all
    # (else "Cost" would be a column no header explains).
    assert example.skipped == {"worked example (a calculation), not a price list": 1}


def test_dated_prices() -> None:
    # pages/gemini/nougentracker_gemini_standard_catalog.html, Gemini 3.8 Flash input cell.
    html = """<h2>Gemini 3.8 Flash</h2><code>gemini-3.8-flash</code><table>
    <thead><tr><th></th><th>Free Tier</th><th>Paid Tier, per 1M tokens in USD</th></tr></thead>
    <tr><td>Input price</td><td>Free of charge</td>
    <td>$0.75 through December 31, 2026.<br>$1.50 starting January 1, 2027.</td></tr></table>"""
    (table,) = html_tables(html)
    before = _read(table, as_of=date(2026, 9, 1))
    # The current price, and the scheduled one with its date (never in force before it).
    assert [(c.price.amount, c.effective_date) for c in before.prices] == [
        (Decimal("0.75"), None),
        (Decimal("1.5"), date(2027, 1, 1)),
    ]
    after = _read(table, as_of=date(2027, 1, 5))
    assert [(c.price.amount, c.effective_date) for c in after.prices] == [
        (Decimal("1.5"), date(2027, 1, 1))
    ]


# --- bad input: reported with page, text and reason; nothing stored as zero ------------------


def _new_problems(shared_data: Path, bad):
    """Problems of an altered recording that the recording itself does not have (the 2026-01
    long-context table names no model: its four prices are problems on the recording too)."""
    known = {
        (p.text, p.reason, p.where)
        for p in ANTHROPIC.parse(recorded(shared_data, ANTHROPIC)).problems
    }
    return [p for p in bad.problems if (p.text, p.reason, p.where) not in known]


def _altered(shared_data: Path, old: str, new: str):
    recording = ANTHROPIC.recordings[0]
    body = (shared_data / recording.path).read_text(encoding="utf-8")
    assert old in body
    return page(
        ANTHROPIC,
        recording.url,
        body.replace(old, new, 1).encode(),
        recording.captured_at,
        recording.content_type,
    )


def test_unknown_unit_is_a_problem_with_page_text_and_reason(shared_data: Path) -> None:
    good = ANTHROPIC.parse(recorded(shared_data, ANTHROPIC))
    bad = ANTHROPIC.parse(
        _altered(
            shared_data, "| Claude Opus 4.5 | $5 / MTok |", "| Claude Opus 4.5 | $5 / fortnight |"
        )
    )
    (problem,) = _new_problems(shared_data, bad)
    assert problem.url == ANTHROPIC.recordings[0].url
    assert problem.text == "$5 / fortnight"
    assert problem.reason == "unknown unit 'fortnight'"
    assert problem.where.startswith("table 1, row 2, line 25, column 2")
    assert "Claude Opus 4.5" in problem.where
    # Only that price is missing; nothing was stored in its place.
    expected = prices(good)
    del expected[("claude-opus-4-5", "input", "standard")]
    assert prices(bad) == expected


def test_unreadable_price_cell_is_a_problem(shared_data: Path) -> None:
    bad = ANTHROPIC.parse(
        _altered(
            shared_data, "| $25 / MTok |\n| Claude Opus 4.1", "| ask us / MTok |\n| Claude Opus 4.1"
        )
    )
    (problem,) = _new_problems(shared_data, bad)
    assert (problem.text, problem.reason) == ("ask us / MTok", "no amount in a price cell")
    assert ("claude-opus-4-5", "output", "standard") not in prices(bad)
    assert all(obs.price > 0 for obs in bad.observations)


def test_page_without_tables_gives_no_prices_and_does_not_raise() -> None:
    empty = page(ANTHROPIC, ANTHROPIC.urls[0], b"# Pricing\n\nSee our sales team.\n",
                 datetime(2026, 1, 22, tzinfo=UTC), "text/markdown")  # fmt: skip
    result = ANTHROPIC.parse(empty)
    assert result.observations == [] and result.problems == []
    assert result.skipped == {"page without tables": 1}


def test_page_that_is_not_text_is_a_problem_not_a_crash() -> None:
    garbage = page(ANTHROPIC, ANTHROPIC.urls[0], b"\xff\xfe\x00<table>\x9c",
                   datetime(2026, 1, 22, tzinfo=UTC), "text/html; charset=utf-8")  # fmt: skip
    result = ANTHROPIC.parse(garbage)
    assert result.observations == []
    (problem,) = result.problems
    assert problem.reason.startswith("page is not text")
    assert problem.where == "page"


def test_prices_in_sentences() -> None:
    # pages/cohere/tokentally_cohere_pricing_jina.md line 381.
    (inp, out) = sentence_prices(
        "Command R+ 08-2024 pricing is $2.50/1M tokens for input and $10.00/1M tokens for output"
    )
    assert (inp.subject, inp.component, inp.text) == (
        "Command R+ 08-2024",
        Component.INPUT,
        "$2.50/1M tokens",
    )
    assert (out.component, out.text) == (Component.OUTPUT, "$10.00/1M tokens")
    assert sentence_prices("Your bill is issued when you reach $250 in outstanding balances.") == []


def test_caption_states_the_mode() -> None:
    # Claude Haiku 3 batch prices, pricing_page_facts.csv line 84 ($0.125 / $0.625 per MTok).
    html = """<table><caption>Batch API</caption>
    <tr><th>Model</th><th>Input</th><th>Output</th></tr>
    <tr><td>Claude Haiku 3</td><td>$0.125 / MTok</td><td>$0.625 / MTok</td></tr></table>"""
    (table,) = html_tables(html)
    assert table.caption == "Batch API"
    assert _found(_read(table)) == {
        ("Claude Haiku 3", "batch_input", "standard"): Decimal("0.125"),
        ("Claude Haiku 3", "batch_output", "standard"): Decimal("0.625"),
    }


def test_a_continuation_row_with_its_own_tier_keeps_the_model_above() -> None:
    # Hand-written (no capture has this shape in Markdown): the xAI layout of
    # tests/fixtures/xai/ (grok-4.5 $2.00 / $4.00 by context tier, from llm_prices_simonw)
    # written without a rowspan: the second row's first cell is empty, its second a tier.
    (table,) = markdown_tables(
        "| Model | Context | Input |\n| --- | --- | --- |\n"
        "| grok-4.5 | ≤ 200K tokens | $2.00 / 1M tokens |\n"
        "|  | > 200K tokens | $4.00 / 1M tokens |\n"
        "| Platform / Region | | |\n"
        "|  | eu-west | $5.00 / 1M tokens |\n"
    )
    found = _found(_read(table))
    assert found[("grok-4.5", "input", "prompt<=200k")] == Decimal("2.00")
    assert found[("grok-4.5", "input", "prompt>200k")] == Decimal("4.00")
    # A row whose other label cell names something ("eu-west") is not a continuation: its
    # item is its own, never the row above's.
    assert found[("eu-west", "input", "standard")] == Decimal("5.00")
