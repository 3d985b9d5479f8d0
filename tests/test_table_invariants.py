"""The invariants of the shared table reader, each shown on a real capture.

Captures are read in place from ``pages-history/`` (dated versions of real pricing pages, see
its MANIFEST.csv and each provider's PROVENANCE.md). Where a test alters a capture (a heading
removed, a header renamed) the change is made on the real bytes in memory, to show what the
parser does with the next layout change nobody has seen yet.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from schemas.enums import Currency, Leg
from schemas.observation import FetchedPage
from scrapers.base import ParseResult, Source
from scrapers.collect import PageCollector
from scrapers.pricing_tables.html import html_tables
from scrapers.pricing_tables.items import read_item
from scrapers.pricing_tables.markdown import markdown_tables
from scrapers.pricing_tables.output import PriceConflict, read_page, record
from scrapers.pricing_tables.reader import read_table
from scrapers.registry import all_sources
from scrapers.sources.gemini_pricing import SHARED_SECTION

HISTORY = "pages-history"

# Today's parser of each provider whose captures are replayed here.
SOURCES = {
    "anthropic": "anthropic_pricing",
    "gemini": "gemini_pricing",
    "kimi": "kimi_pricing",
    "xai": "xai_pricing",
    "lambda": "lambda_pricing",
    "runpod": "runpod_gpu_types",
}


def _manifest(shared_data: Path) -> dict[str, dict[str, str]]:
    with (shared_data / HISTORY / "MANIFEST.csv").open(encoding="utf-8") as handle:
        return {row["file"]: row for row in csv.DictReader(handle)}


def _page(shared_data: Path, file: str, *, body: bytes | None = None, at: datetime | None = None):
    row = _manifest(shared_data)[file]
    source = all_sources()[SOURCES[row["provider"]]]
    page = FetchedPage(
        source=source.name,
        url=row["url"],
        status=200,
        headers={"content-type": row["content_type"]},
        body=body
        if body is not None
        else (shared_data / HISTORY / row["provider"] / file).read_bytes(),
        fetched_at=at or datetime.fromisoformat(row["captured_at"]),
        replayed=True,
    )
    return source, page


def _parse(shared_data: Path, file: str, **kwargs) -> ParseResult:
    source, page = _page(shared_data, file, **kwargs)
    return source.parse(page)


def _altered(
    shared_data: Path, file: str, old: str, new: str, **kwargs
) -> tuple[Source, FetchedPage]:
    text = (shared_data / HISTORY / "anthropic" / file).read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    return _page(shared_data, file, body=text.replace(old, new).encode(), **kwargs)


def _prices(result: ParseResult) -> dict[tuple, Decimal]:
    found: dict[tuple, Decimal] = {}
    for obs in result.observations:
        key = (obs.sku, obs.component.value, obs.tier, obs.effective_date)
        assert key not in found, f"two prices for {key}"
        found[key] = obs.price
    return found


# --- conflicting values are never resolved by order -------------------------------------------

JULY = "costiash_pricing_2026-07-24T2141Z.md"
SONNET_5_SEPTEMBER = (
    "| Claude Sonnet 5 starting September 1, 2026                                        "
    "                            | $3 / MTok         |"
)


def test_two_prices_for_one_key_fail_the_source_naming_both_cells(shared_data: Path) -> None:
    # The July page dates its second Sonnet 5 row ("starting September 1, 2026"). Without the
    # date, the page gives two prices for claude-sonnet-5 input with nothing to say which
    # applies: the source fails, naming both cells, instead of keeping the first.
    source, page = _altered(
        shared_data,
        JULY,
        SONNET_5_SEPTEMBER,
        SONNET_5_SEPTEMBER.replace("starting September 1, 2026", "                          "),
    )
    with pytest.raises(PriceConflict) as raised:
        source.parse(page)
    message = str(raised.value)
    assert message.startswith(
        "anthropic_pricing: conflicting prices for anthropic claude-sonnet-5 input tier standard"
    )
    assert "'$2 / MTok' at table 1, row 11, line 26, column 2" in message
    assert "'$3 / MTok' at table 1, row 12, line 27, column 2" in message
    assert message.endswith("(and 4 more)")  # the other four list components of the row


def test_a_dated_row_keeps_both_prices_as_what_they_are(shared_data: Path) -> None:
    found = _prices(_parse(shared_data, JULY))
    # "Claude Sonnet 5 through August 31, 2026": the current price, no date of its own.
    assert found[("claude-sonnet-5", "input", "standard", None)] == Decimal("2")
    assert found[("claude-sonnet-5", "output", "standard", None)] == Decimal("10")
    # "… starting September 1, 2026": scheduled, effective that day (valid_from in the future).
    september = date(2026, 9, 1)
    assert found[("claude-sonnet-5", "input", "standard", september)] == Decimal("3")
    assert found[("claude-sonnet-5", "output", "standard", september)] == Decimal("15")
    assert found[("claude-sonnet-5", "batch_input", "standard", september)] == Decimal("1.5")
    # The date never reaches the sku.
    assert {sku for sku, *_ in found if "sonnet-5" in sku} == {"claude-sonnet-5"}


def test_a_price_through_a_past_day_is_expired(shared_data: Path) -> None:
    # The same page read on 2026-09-02: only the September price is left for Sonnet 5.
    result = _parse(shared_data, JULY, at=datetime(2026, 9, 2, tzinfo=UTC))
    sonnet_5 = {k: v for k, v in _prices(result).items() if k[0] == "claude-sonnet-5"}
    assert sonnet_5[("claude-sonnet-5", "input", "standard", date(2026, 9, 1))] == Decimal("3")
    assert all(effective == date(2026, 9, 1) for *_, effective in sonnet_5)
    assert result.skipped["expired price"] == 7  # 5 list + 2 batch cells of the August row


def test_any_table_source_fails_at_a_conflict_even_with_a_plain_collector(
    shared_data: Path,
) -> None:
    # Sources not yet on TableCollector (OpenAI, DeepSeek, Mistral…) record through the same
    # record(): the second price for a key raises at once, naming both cells.
    _, page = _page(shared_data, JULY)
    (reading, *_) = read_page(
        page,
        PageCollector(page, source="x", leg=Leg.LLM, parser_version="1"),
        currency=Currency.USD,
    )
    opus, sonnet = (
        next(c for c in reading.prices if c.item == name and c.component.value == "input")
        for name in ("Claude Opus 5", "Claude Sonnet 5")
    )
    out = PageCollector(page, source="plain", leg=Leg.LLM, parser_version="1")
    record(out, opus, provider="anthropic", sku="same", model=None)
    record(out, opus, provider="anthropic", sku="same", model=None)  # the same price: kept once
    with pytest.raises(PriceConflict, match=r"'\$5 / MTok' at table 1, row 4.*'\$2 / MTok'"):
        record(out, sonnet, provider="anthropic", sku="same", model=None)
    assert len(out.result.observations) == 1


def test_a_conversion_that_lost_its_model_headings_stores_nothing(shared_data: Path) -> None:
    # pages/gemini/tokentally_gemini_pricing_jina.md: the converter dropped most model
    # headings, so 23 tables stand under "### Enterprise" (a plan) and an embeddings table
    # ("Input price | $0.15") under "Veo 3". Read by section, 15 prices were stored under a sku
    # "enterprise" (main before this change). A table that shares its section with another
    # names no model: every price is a problem, none is stored.
    source = all_sources()["gemini_pricing"]
    body = (shared_data / "pages/gemini/tokentally_gemini_pricing_jina.md").read_bytes()
    page = FetchedPage(source=source.name, url=source.urls[0], status=200,
                       headers={"content-type": "text/markdown"}, body=body,
                       fetched_at=datetime(2025, 11, 21, tzinfo=UTC))  # fmt: skip
    result = source.parse(page)
    assert result.observations == []
    reasons = [p.reason for p in result.problems]
    assert reasons.count(SHARED_SECTION) == 65
    veo = [p for p in result.problems if "line 294" in p.where]
    assert [(p.text, p.reason) for p in veo] == [("$0.15", SHARED_SECTION)]


# --- no model from nearby text; continuation rows by the table's structure --------------------

FAST_NO_MODEL = "costiash_pricing_2026-02-17.md"


def test_a_table_that_names_no_model_gets_none(shared_data: Path) -> None:
    # "### Fast mode pricing": "Context window | Input | Output" with rows "≤ 200K input
    # tokens" $30 / $150 and "> 200K input tokens" $60 / $225. The prose above it names Opus
    # 4.6; the table does not. Its four prices are problems, never Opus 4.6's.
    result = _parse(shared_data, FAST_NO_MODEL)
    assert [(p.text, p.reason) for p in result.problems] == [
        ("$30 / MTok", "no model named for this price"),
        ("$150 / MTok", "no model named for this price"),
        ("$60 / MTok", "no model named for this price"),
        ("$225 / MTok", "no model named for this price"),
    ]
    found = _prices(result)
    # The real long-context prices of Opus 4.6 (its own table) are kept, not "duplicates".
    assert found[("claude-opus-4-6", "input", "prompt<=200k", None)] == Decimal("5")
    assert found[("claude-opus-4-6", "input", "prompt>200k", None)] == Decimal("10")
    assert found[("claude-opus-4-6", "output", "prompt<=200k", None)] == Decimal("25")
    assert found[("claude-opus-4-6", "output", "prompt>200k", None)] == Decimal("37.5")
    assert not {p for p in found.values() if p in {Decimal(60), Decimal(150), Decimal(225)}}


def test_the_2025_long_context_table_without_a_model_column_is_reported(shared_data: Path) -> None:
    # "When using Claude Sonnet 4 or Sonnet 4.5 …" is prose; the table has no Model column.
    result = _parse(shared_data, "costiash_pricing_2025-11-05.md")
    assert [p.text for p in result.problems] == [
        "$3 / MTok",
        "$6 / MTok",
        "$15 / MTok",
        "$22.50 / MTok",
    ]
    assert not [key for key in _prices(result) if key[2].startswith("prompt")]


def test_a_continuation_row_belongs_to_the_row_above_in_its_table(shared_data: Path) -> None:
    # "| Claude Opus 4.6 | Input: $5 | Input: $10 |" then "|  | Output: $25 | Output: $37.50 |",
    # then "| Claude Sonnet 4.6 / 4.5 / 4 | Input: $3 | Input: $6 |" and its own "|  | …" row.
    found = _prices(_parse(shared_data, "costiash_pricing_2026-02-17.md"))
    assert found[("claude-opus-4-6", "output", "prompt>200k", None)] == Decimal("37.5")
    for sku in ("claude-sonnet-4-6", "claude-sonnet-4-5", "claude-sonnet-4"):
        assert found[(sku, "input", "prompt>200k", None)] == Decimal("6")
        assert found[(sku, "output", "prompt>200k", None)] == Decimal("22.5")
    assert not [sku for sku, *_ in found if sku.endswith(("-4-5-4", "-4-6-4-5-4"))]


def test_the_february_long_context_rows_go_to_their_own_models(shared_data: Path) -> None:
    # 2026-02-05, lines 101-104: "Claude Opus 4.6" + continuation, "Claude Sonnet 4.5 / 4" +
    # continuation. Before: the Opus continuation went to Sonnet 4.5 and 4 (conflicting with
    # their own row) and "Claude Sonnet 4.5 / 4" became the sku claude-sonnet-4-5-4.
    result = _parse(shared_data, "costiash_pricing_2026-02-05.md")
    assert result.problems == []
    found = _prices(result)
    assert found[("claude-opus-4-6", "output", "prompt<=200k", None)] == Decimal("25")
    assert found[("claude-opus-4-6", "output", "prompt>200k", None)] == Decimal("37.5")
    for sku in ("claude-sonnet-4-5", "claude-sonnet-4"):
        assert found[(sku, "input", "prompt<=200k", None)] == Decimal("3")
        assert found[(sku, "output", "prompt<=200k", None)] == Decimal("15")
        assert found[(sku, "output", "prompt>200k", None)] == Decimal("22.5")
    assert "claude-sonnet-4-5-4" not in {sku for sku, *_ in found}


def test_a_continuation_row_with_no_row_above_names_no_model(shared_data: Path) -> None:
    # The same table with the Opus label blanked: its first row and its continuation name no
    # model. Nothing borrows one from the heading or from the Sonnet row below.
    source, page = _altered(
        shared_data,
        FAST_NO_MODEL,
        "| Claude Opus 4.6 | Input: $5 / MTok |",
        "|  | Input: $5 / MTok |",
    )
    result = source.parse(page)
    orphans = [p for p in result.problems if "table 4" in p.where]
    assert [p.text for p in orphans] == [
        "$5 / MTok",
        "$10 / MTok",
        "$25 / MTok",
        "$37.50 / MTok",
    ]
    assert ("claude-opus-4-6", "input", "prompt>200k", None) not in _prices(result)


# --- price columns whose header is not understood are reported --------------------------------


def test_a_renamed_price_column_is_reported_with_its_header(shared_data: Path) -> None:
    # The August page with "Output Tokens" renamed: the column is reported, not dropped.
    file = "jokerrun_pricing_2026-08-13.md"
    text = (shared_data / HISTORY / "anthropic" / file).read_text(encoding="utf-8")
    header = next(line for line in text.splitlines() if "Base Input Tokens" in line)
    source, page = _altered(
        shared_data, file, header, header.replace("Output Tokens", "Generated Tokens")
    )
    result = source.parse(page)
    (problem,) = result.problems
    assert problem.text == "Generated Tokens"
    assert problem.reason.startswith("column header not understood")
    assert ("claude-opus-5", "output", "standard", None) not in _prices(result)


def test_a_translated_table_is_reported_by_the_shared_reader(shared_data: Path) -> None:
    # Japanese machine translation: "有料階層、100 万トークンあたりの料金（米ドル）" heads the
    # paid-tier column and "入力価格" names the input row; neither is understood. Read with
    # the shared reader alone, the column is reported with its header, not dropped.
    text = (shared_data / HISTORY / "gemini/nickcollect_pricing-ja_2026-05-11.md").read_text()
    (first, *_) = markdown_tables(text)
    reading = read_table(first, currency=Currency.USD)
    assert reading.prices == []
    assert [p.text for p in reading.problems] == ["有料階層、100 万トークンあたりの料金（米ドル）"]


# --- pricing modes are tiers ------------------------------------------------------------------


def test_fast_mode_and_batch_are_tiers_never_the_list_price(shared_data: Path) -> None:
    found = _prices(_parse(shared_data, JULY))
    # "Claude Opus 5 / Claude Opus 4.8 | $10 / MTok | $50 / MTok" under "### Fast mode pricing".
    for sku in ("claude-opus-5", "claude-opus-4-8"):
        assert found[(sku, "input", "fast", None)] == Decimal("10")
        assert found[(sku, "output", "fast", None)] == Decimal("50")
        assert found[(sku, "input", "standard", None)] == Decimal("5")
        assert found[(sku, "batch_input", "standard", None)] == Decimal("2.5")


def test_a_fast_mode_table_without_its_heading_conflicts_and_fails(shared_data: Path) -> None:
    # Without the heading that says which mode applies, $10 and $5 are two standard prices
    # for Opus 5 input: a conflict, never the first one kept.
    source, page = _altered(shared_data, JULY, "### Fast mode pricing", "### Speed")
    with pytest.raises(PriceConflict, match="claude-opus-5 input tier standard"):
        source.parse(page)


def test_the_models_overview_summary_is_never_read_as_a_price_list(shared_data: Path) -> None:
    # 2026-07-23: "Claude Sonnet 5 | $3 / input MTok $15 / output MTok4", footnote 4 saying
    # the $2 / $10 introductory price applies through August 31. Read as a list it would store
    # $3 as Sonnet 5's current price; it is reported instead, table by table.
    result = _parse(shared_data, "costiash_models-overview_2026-07-23.md")
    assert result.observations == []
    assert [p.where for p in result.problems] == ["table 1 (line 23)", "table 2 (line 121)"]
    assert all(p.reason.startswith("a model comparison table") for p in result.problems)
    assert result.problems[0].text.startswith("Feature | Claude Fable 5 | Claude Opus 4.8")


# --- several models per cell, badges out of skus ----------------------------------------------


@pytest.mark.parametrize(
    ("label", "names"),
    [
        ("Claude Opus 5 / Claude Opus 4.8", ("Claude Opus 5", "Claude Opus 4.8")),
        ("Claude Sonnet 4.5 / 4", ("Claude Sonnet 4.5", "Claude Sonnet 4")),
        (
            "Claude Sonnet 4.6 / 4.5 / 4",
            ("Claude Sonnet 4.6", "Claude Sonnet 4.5", "Claude Sonnet 4"),
        ),
        ("Claude Sonnet 3.7 (deprecated)", ("Claude Sonnet 3.7",)),
        ("kimi-k2.6 推荐", ("kimi-k2.6",)),  # the badge the issue saw on a Kimi row
        ("GPT-5 New", ("GPT-5",)),
        ("Model X Beta¹", ("Model X",)),
        ("Claude Haiku 3 †", ("Claude Haiku 3",)),
    ],
)
def test_item_labels(label: str, names: tuple[str, ...]) -> None:
    assert read_item(label).names == names


def test_a_bare_version_with_no_family_is_a_problem_not_a_guess() -> None:
    item = read_item("Flagship / 4")
    assert item.names == () and item.problem


def test_a_badge_on_a_real_row_never_reaches_the_name(shared_data: Path) -> None:
    # bigmodel.cn: "GLM-5.2" with a "新品" (new) badge in the same cell.
    text = (shared_data / HISTORY / "zai/lzc0403_bigmodel-pricing_2026-07-17.html").read_text()
    cell = next(
        c.text for t in html_tables(text) for row in t.rows for c in row if "新品" in c.text
    )
    assert cell.split() == ["GLM-5.2", "新品"]
    assert read_item(cell).names == ("GLM-5.2",)


# --- every capture replayed through today's parser --------------------------------------------

# (observations, problems) per capture, or the error that fails the source. Models-overview
# pages: their two comparison tables are reported, not read (see the test below);
# Gemini captures are machine translations (hl=…): one problem each, nothing read;
# Lambda and RunPod captures are HTML excerpts, not the JSON these sources read: they fail.
REPLAY = {
    "costiash_models-overview_2025-11-05.md": (0, 2),
    "costiash_models-overview_2025-11-22.md": (0, 2),
    "costiash_models-overview_2025-12-05.md": (0, 2),
    "costiash_models-overview_2026-02-05.md": (0, 2),
    "costiash_models-overview_2026-02-17.md": (0, 2),
    "costiash_models-overview_2026-02-19T2118Z.md": (0, 2),
    "costiash_models-overview_2026-03-13.md": (0, 2),
    "costiash_models-overview_2026-03-30.md": (0, 2),
    "costiash_models-overview_2026-04-07.md": (0, 2),
    "costiash_models-overview_2026-04-14.md": (0, 2),
    "costiash_models-overview_2026-04-18.md": (0, 2),
    "costiash_models-overview_2026-05-11.md": (0, 2),
    "costiash_models-overview_2026-07-23.md": (0, 2),
    "jokerrun_models-overview_2026-08-06.md": (0, 2),
    "jokerrun_models-overview_2026-08-13.md": (0, 2),
    "costiash_pricing_2025-11-05.md": (63, 4),
    "costiash_pricing_2025-11-18.md": (63, 4),
    "costiash_pricing_2025-11-24.md": (70, 4),
    "costiash_pricing_2026-02-05.md": (89, 0),
    "costiash_pricing_2026-02-17.md": (100, 4),
    "costiash_pricing_2026-03-05.md": (100, 2),
    "costiash_pricing_2026-03-13T1820Z.md": (92, 2),
    "costiash_pricing_2026-03-19.md": (92, 2),
    "costiash_pricing_2026-03-27.md": (92, 2),
    "costiash_pricing_2026-04-07T1830Z.md": (84, 2),
    "costiash_pricing_2026-04-08T0044Z.md": (84, 2),
    "costiash_pricing_2026-04-10.md": (84, 2),
    "jokerrun_pricing_2026-04-15.md": (84, 2),
    "costiash_pricing_2026-04-18.md": (91, 2),
    "costiash_pricing_2026-05-11.md": (91, 2),
    "costiash_pricing_2026-07-24T1849Z.md": (118, 0),
    "costiash_pricing_2026-07-24T2141Z.md": (116, 0),
    "jokerrun_pricing_2026-08-07.md": (116, 0),
    "jokerrun_pricing_2026-08-12.md": (109, 0),
    "jokerrun_pricing_2026-08-13.md": (109, 0),
    "nickcollect_pricing-it_2026-05-05.md": (0, 1),
    "nickcollect_pricing-vi_2026-05-05.md": (0, 1),
    "nickcollect_pricing-ja_2026-05-11.md": (0, 1),
    "nickcollect_pricing-ar_2026-05-25.md": (0, 1),
    "nickcollect_pricing-vi_2026-06-08.md": (0, 1),
    "nickcollect_pricing-fr_2026-06-22.md": (0, 1),
    "nickcollect_pricing-he_2026-07-06.md": (0, 1),
    "nickcollect_pricing-es-419_2026-07-27.md": (0, 1),
    "nickcollect_pricing-ar_2026-08-10.md": (0, 1),
    # Kimi's web-search tool price (¥0.03 per call, unit column "1 次"): not a token price.
    "petehsu_pricing-tools_2025-12-20.md": (0, 0),
    # xAI's crawl lost the per-token table (PROVENANCE): a token parser returns nothing.
    "petehsu_models_2025-12-20.md": (0, 0),
    "wayback_gpu-cloud-excerpt_2023-09-09.html": "lambda_pricing: body is not valid JSON",
    "wayback_gpu-cloud-excerpt_2026-01-09.html": "lambda_pricing: body is not valid JSON",
    "wayback_pricing-excerpt_2023-09-29.html": "runpod_gpu_types: body is not valid JSON",
    "wayback_pricing-excerpt_2026-08-10.html": "runpod_gpu_types: body is not valid JSON",
}


REPLAY_FILES = tuple(REPLAY)


def test_the_replay_list_covers_every_capture_of_these_providers(shared_data: Path) -> None:
    listed = {f for f, row in _manifest(shared_data).items() if row["provider"] in SOURCES}
    assert listed == set(REPLAY)


@pytest.mark.parametrize("file", sorted(REPLAY))
def test_every_capture_parses_completely_or_fails_clearly(shared_data: Path, file: str) -> None:
    expected = REPLAY[file]
    if isinstance(expected, str):
        with pytest.raises(ValueError, match=expected):
            _parse(shared_data, file)
        return
    result = _parse(shared_data, file)
    assert (len(result.observations), len(result.problems)) == expected
    # Nothing unexplained: every price-like cell is an observation, a problem or a skip reason.
    if not result.observations and not result.problems:
        assert result.skipped
    for problem in result.problems:
        assert problem.text and problem.reason and problem.where
    _prices(result)  # one price per key


def test_anthropic_captures_agree_with_each_other(shared_data: Path) -> None:
    # Every price key read from the 20 pricing captures (2025-11 -> 2026-08) has one price in
    # all of them: no capture stores a price the others contradict.
    seen: dict[tuple, set[Decimal]] = defaultdict(set)
    files = [f for f in REPLAY if "_pricing_" in f and not f.startswith("nickcollect")]
    for file in files:
        for key, price in _prices(_parse(shared_data, file)).items():
            seen[key].add(price)
    assert len(files) == 20
    assert {key: prices for key, prices in seen.items() if len(prices) > 1} == {}
    assert seen[("claude-opus-4-6", "output", "prompt>200k", None)] == {Decimal("37.5")}
    assert seen[("claude-opus-4-6", "input", "prompt>200k", None)] == {Decimal("10")}
    assert seen[("claude-opus-4-1", "input", "standard", None)] == {Decimal("15")}
    assert seen[("claude-haiku-4-5", "cached_input", "standard", None)] == {Decimal("0.1")}
    assert len(seen) == 155


@pytest.mark.parametrize(
    "file", sorted(f for f in REPLAY_FILES if f.startswith("nickcollect_pricing-"))
)
def test_a_machine_translated_gemini_page_is_one_clear_problem(
    shared_data: Path, file: str
) -> None:
    result = _parse(shared_data, file)
    assert result.observations == []
    (problem,) = result.problems
    locale = file.split("_")[1].removeprefix("pricing-")
    assert problem.reason == f"machine-translated page (hl={locale}): only the English page is read"
