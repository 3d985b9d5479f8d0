"""The model/benchmark tables behind Epoch AI's 2025 price-trend insight.

What it is: two CSV files of https://github.com/epoch-research/llm-benchmark-efficiency at
commit 34b9233 (2025-03-13): ``aa_data_with_math5.csv`` (models priced and scored by
Artificial Analysis) and ``epoch_ai_price_data_not_in_aa_with_benchmarks.csv`` (Epoch's own
rows for models AA does not cover). Columns: Model Name, Release Date, USD per 1M Tokens,
MMLU, GPQA Diamond, HumanEval, MATH-500, LMSys Chatbot Arena ELO, MATH 5 (MATH level 5).

Prices: "USD per 1M Tokens" is ONE blended price (AA style: 3 input tokens to 1 output
token), so it is stored as component ``blended``, never as input or output. "Release Date" is
the release date or, for a later row of the same model, the date of a price change
(GPT-3 175B (davinci): $60 on 2021-11-20 and 2022-08-31, $20 from 2022-09-01): it is the
``effective_date``; the observation time is the files' commit (2025-03-13). Rows of the same
model with later dates are price points of one series, not duplicates.

Mapping: provider ``artificial_analysis`` for the AA file, ``epoch`` for the other (the
publisher of the blend, not a seller); sku = model = Model Name as written.

Benchmarks: every non-empty score becomes a :class:`~schemas.models.BenchmarkScore` dated by
the row's date; names map to ``mmlu``, ``gpqa_diamond``, ``humaneval``, ``math_500``,
``chatbot_arena_elo`` and ``math_level_5``. Speed and latency columns are not read.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from schemas.enums import Component, Currency, Leg
from schemas.models import BenchmarkScore
from schemas.observation import GLOBAL_REGION, STANDARD_TIER, FetchedPage
from schemas.units import PER_1M_TOKENS, PriceParseError, normalize, parse_amount
from scrapers.backfill.base import CSV_CONTENT_TYPE, Dataset, DatasetCollector, csv_rows
from scrapers.base import ParseResult, Recording, Source
from scrapers.collect import round_to_stored_scale

NAME = "epoch_benchmark_tables"
PARSER_VERSION = "1"
COMMIT = "34b923314338360d1b1bbed6ec30d9299e54fdae"
_BASE = f"https://raw.githubusercontent.com/epoch-research/llm-benchmark-efficiency/{COMMIT}/data"
AA_URL = f"{_BASE}/aa_data_with_math5.csv"
EPOCH_URL = f"{_BASE}/epoch_ai_price_data_not_in_aa_with_benchmarks.csv"
CAPTURED_AT = datetime(2025, 3, 13, tzinfo=UTC)  # commit date; time of day not recorded

PROVIDER_OF = {AA_URL: "artificial_analysis", EPOCH_URL: "epoch"}
BENCHMARKS = {
    "MMLU": "mmlu",
    "GPQA Diamond": "gpqa_diamond",
    "HumanEval": "humaneval",
    "MATH-500": "math_500",
    "LMSys Chatbot Arena ELO": "chatbot_arena_elo",
    "MATH 5": "math_level_5",
}
_COLUMNS = {"Model Name", "Release Date", "USD per 1M Tokens", *BENCHMARKS}


def _provider(page: FetchedPage) -> str:
    try:
        return PROVIDER_OF[page.url]
    except KeyError:
        raise ValueError(f"{NAME}: no recording is served at {page.url}") from None


def parse(page: FetchedPage) -> ParseResult:
    """Read one table's blended prices into dated observations."""
    provider = _provider(page)
    out = DatasetCollector(page, source=NAME, leg=Leg.LLM, parser_version=PARSER_VERSION)
    for number, row in enumerate(csv_rows(page, _COLUMNS), start=2):
        where = f"row {number}"
        name, text = row["Model Name"], row["USD per 1M Tokens"]
        if not text:
            out.skip("no price")
            continue
        try:
            effective = date.fromisoformat(row["Release Date"])
        except ValueError:
            out.problem(row["Release Date"], "date is not an ISO date", where)
            continue
        try:
            price = round_to_stored_scale(normalize(text, PER_1M_TOKENS))
        except PriceParseError as error:
            out.problem(text, error.reason, where)
            continue
        out.dated_price(
            provider=provider,
            sku=name,
            model=name,
            component=Component.BLENDED,
            tier=STANDARD_TIER,
            region=GLOBAL_REGION,
            currency=Currency.USD,
            price=price,
            published_text=text,
            published_unit="USD per 1M tokens, blended 3:1 input:output",
            where=where,
            observed_at=page.fetched_at,
            effective_date=effective,
        )
    return out.result


def benchmarks(page: FetchedPage) -> list[BenchmarkScore]:
    """Every score in one table, dated by its row."""
    _provider(page)
    scores: list[BenchmarkScore] = []
    seen: set[tuple[str, str, date | None]] = set()
    for row in csv_rows(page, _COLUMNS):
        try:
            when: date | None = date.fromisoformat(row["Release Date"])
        except ValueError:
            when = None
        for column, benchmark in BENCHMARKS.items():
            if not row[column]:
                continue
            key = (row["Model Name"], benchmark, when)
            if key in seen:
                continue
            seen.add(key)
            scores.append(
                BenchmarkScore(
                    model_name=row["Model Name"],
                    benchmark=benchmark,
                    score=parse_amount(row[column]),
                    source=NAME,
                    date=when,
                )
            )
    return scores


SOURCE = Source(
    name=NAME,
    leg=Leg.LLM,
    description=(
        "Epoch AI / Artificial Analysis model tables: blended USD per 1M tokens and benchmark "
        f"scores, 2021-11..2025-02 (epoch-research/llm-benchmark-efficiency @{COMMIT[:7]}; "
        "no license file: attribute Epoch AI and Artificial Analysis)"
    ),
    urls=(AA_URL, EPOCH_URL),
    recordings=(
        Recording(
            url=AA_URL,
            path="llm/epoch_llm_benchmark_efficiency/aa_data_with_math5.csv",
            captured_at=CAPTURED_AT,
            content_type=CSV_CONTENT_TYPE,
        ),
        Recording(
            url=EPOCH_URL,
            path="llm/epoch_llm_benchmark_efficiency/epoch_ai_price_data_not_in_aa_with_benchmarks.csv",
            captured_at=CAPTURED_AT,
            content_type=CSV_CONTENT_TYPE,
        ),
    ),
    parser_version=PARSER_VERSION,
    parse=parse,
)

DATASET = Dataset(
    source=SOURCE,
    provenance=(
        "https://github.com/epoch-research/llm-benchmark-efficiency data/aa_data_with_math5.csv "
        f"and data/epoch_ai_price_data_not_in_aa_with_benchmarks.csv at commit {COMMIT} "
        "(2025-03-13)"
    ),
    license=(
        "no LICENSE file in the repository; attribute to Epoch AI (and Artificial Analysis for "
        "the aa_* table)"
    ),
    about=(
        "Epoch AI's model tables: one blended (3:1) USD per 1M tokens price per model and "
        "date (component 'blended'; a later row of the same model is a price change), and "
        "MMLU, GPQA Diamond, HumanEval, MATH-500, MATH level 5 and Chatbot Arena Elo into "
        "the benchmarks table. effective_date = the row's date; observed_at = the commit "
        "(2025-03-13)."
    ),
    benchmarks=benchmarks,
    cadence_days=92,  # a database revised every few months
    stale_after_days=183,
)
