"""LiteLLM's price-change history, 2024-01-31 .. 2026-07-24, from the git history of two mirrors.

What it is: ``llm/litellm_price_history.csv``, derived by the project's
``tools/extract_litellm_history.py`` from every commit of two public mirrors of LiteLLM's
``model_prices_and_context_window.json`` (AgentOps-AI/tokencost until 2025-01-14, then
RoCry/llm-api-price): one row per model key when first seen and whenever its (input, output,
cache read) price changed, with ``first_seen_commit_date`` / ``last_seen_commit_date`` of that
price and the mirror ``commit``. Prices in USD per single token (``*_cost_per_token``).

Dates: commit dates are when a *mirror observed* the price, not when the provider changed it
→ ``observed_at`` (midnight UTC of the date); there is no effective date, so a price's history
starts when the mirror first saw it. Rows dated 2024-01-31 are left-censored (start of data).
Each price is observed at its first date and again at its last date (when later), so
``last_observed_at`` says until when the mirror still listed it. ``source_url`` names the
mirror file at the row's commit.

Mapping: as the nightly ``litellm`` source: provider = ``litellm_provider`` (``unknown`` when
the row has none), sku = model = the key, region from the key's path
(:func:`scrapers.sources.litellm.region_of`), input / output / cache read → ``input`` /
``output`` / ``cached_input``, tier ``standard`` (the history keeps no tiered prices).

Known errors are NOT filtered here: they are observed as the map stated them and the warehouse
quarantines them with a reason: per-1M or per-1K values typed into per-token fields (above the
plausibility ceiling), zeroed deprecated or placeholder models (price 0), per-character prices
of Vertex AI's Gemini 1.x and embedding models in per-token fields (``quarantine_rules``), and
moves of more than the step factor. Modes priced in other units (image generation, rerank,
audio, moderation, OCR) are skipped. When a key changed twice on one day, only the day's final
state is kept (the file does not list same-day rows in commit order: the final one is the
price still seen on a later date).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

from schemas.enums import Component, Currency, Leg
from schemas.observation import STANDARD_TIER, FetchedPage
from schemas.units import PER_TOKEN, PriceParseError, normalize, parse_amount
from scrapers.backfill.base import (
    CSV_CONTENT_TYPE,
    Dataset,
    DatasetCollector,
    csv_rows,
    day,
    shared_url,
)
from scrapers.base import ParseResult, Recording, Source
from scrapers.collect import round_to_stored_scale
from scrapers.sources.litellm import region_of

NAME = "litellm_history"
PARSER_VERSION = "1"
PATH = "llm/litellm_price_history.csv"
URL = shared_url(PATH)
CAPTURED_AT = datetime(2026, 7, 24, 18, 23, 43, tzinfo=UTC)  # newest mirror commit read

MIRRORS = {
    "AgentOps-AI/tokencost": "https://github.com/AgentOps-AI/tokencost/blob/{commit}/"
    "tokencost/model_prices.json",
    "RoCry/llm-api-price": "https://github.com/RoCry/llm-api-price/blob/{commit}/"
    "model_prices_and_context_window.json",
}
FIELDS = (
    ("input_cost_per_token", Component.INPUT),
    ("output_cost_per_token", Component.OUTPUT),
    ("cache_read_input_token_cost", Component.CACHED_INPUT),
)
TOKEN_MODES = {"chat", "completion", "responses", "embedding", ""}
_COLUMNS = {
    "model",
    "provider",
    "mode",
    "event",
    "first_seen_commit_date",
    "last_seen_commit_date",
    "commit",
    "source_repo",
    *(field for field, _ in FIELDS),
}


def mirror_url(repo: str, commit: str) -> str | None:
    """The mirror file at a commit, as a browsable URL (None for an unknown mirror)."""
    template = MIRRORS.get(repo)
    return template.format(commit=commit) if template and commit else None


def parse(page: FetchedPage) -> ParseResult:
    """Read the change log into dated per-1M-token observations."""
    out = DatasetCollector(page, source=NAME, leg=Leg.LLM, parser_version=PARSER_VERSION)
    by_key: dict[str, list[tuple[int, dict[str, str]]]] = defaultdict(list)
    for number, row in enumerate(csv_rows(page, _COLUMNS), start=2):
        if row["mode"] not in TOKEN_MODES:
            out.skip(f"mode {row['mode']} not token-priced")
            continue
        by_key[row["model"]].append((number, row))
    for key, rows in by_key.items():
        kept = _latest_per_day(out, rows)
        for index, (number, row) in enumerate(kept):
            following = kept[index + 1][1] if index + 1 < len(kept) else None
            _read_row(out, key, number, row, following)
    return out.result


def _latest_per_day(
    out: DatasetCollector, rows: list[tuple[int, dict[str, str]]]
) -> list[tuple[int, dict[str, str]]]:
    """One row per day and key: the day's final state.

    Rows of one key are ordered by date; rows of the same date (two commits that day) are not
    in commit order in the file, so they are ordered by what they say: ``first_seen`` before
    ``changed``, and a price seen only that day before the one still seen later.
    """
    rows = sorted(
        rows,
        key=lambda item: (
            item[1]["first_seen_commit_date"],
            item[1]["event"] != "first_seen",
            item[1]["last_seen_commit_date"],
            item[0],
        ),
    )
    kept: list[tuple[int, dict[str, str]]] = []
    for number, row in rows:
        if kept and kept[-1][1]["first_seen_commit_date"] == row["first_seen_commit_date"]:
            out.skip("superseded by a later commit the same day")
            kept[-1] = (number, row)
        else:
            kept.append((number, row))
    return kept


def _read_row(
    out: DatasetCollector,
    key: str,
    number: int,
    row: dict[str, str],
    following: dict[str, str] | None,
) -> None:
    provider = row["provider"] or "unknown"
    first, last = row["first_seen_commit_date"], row["last_seen_commit_date"]
    dates = [first]
    # Seen again at its last date, unless the next price was already seen that day.
    if last > first and (following is None or last < following["first_seen_commit_date"]):
        dates.append(last)
    url = mirror_url(row["source_repo"], row["commit"])
    for field, component in FIELDS:
        value = row[field]
        if not value:
            continue
        where = f"row {number} {key}.{field}"
        try:
            amount = parse_amount(value)
            if amount < 0:
                out.problem(value, "negative price", where)
                continue
            price = round_to_stored_scale(normalize(amount, PER_TOKEN))
        except PriceParseError as error:
            out.problem(value, error.reason, where)
            continue
        for when in dates:
            out.dated_price(
                provider=provider,
                sku=key,
                model=key,
                component=component,
                tier=STANDARD_TIER,
                region=region_of(key),
                currency=Currency.USD,
                price=price,
                published_text=value,
                published_unit=f"per token ({field})",
                where=where,
                observed_at=day(when),
                source_url=url,
            )


SOURCE = Source(
    name=NAME,
    leg=Leg.LLM,
    description=(
        "LiteLLM price-change history 2024-01..2026-07 from the git history of two mirrors "
        "(AgentOps-AI/tokencost, RoCry/llm-api-price; upstream BerriAI/litellm, MIT)"
    ),
    urls=(),
    recordings=(
        Recording(url=URL, path=PATH, captured_at=CAPTURED_AT, content_type=CSV_CONTENT_TYPE),
    ),
    parser_version=PARSER_VERSION,
    parse=parse,
)

DATASET = Dataset(
    source=SOURCE,
    provenance=(
        "derived by tools/extract_litellm_history.py from all 664 commits of "
        "https://github.com/AgentOps-AI/tokencost tokencost/model_prices.json (2024-01-31.."
        "2025-01-14, HEAD e7f7c19) and https://github.com/RoCry/llm-api-price "
        "model_prices_and_context_window.json (2025-02-06..2026-07-24, HEAD 8442b93)"
    ),
    license="upstream LiteLLM is MIT; tokencost is MIT; the RoCry mirror has no license file",
    about=(
        "LiteLLM's price map over time: one row per key when first seen and at each change "
        "of input/output/cache-read price. observed_at = the mirror's commit date (no "
        "effective date: the history starts when the mirror saw the price). Known errors "
        "(per-1M values in per-token fields, zeroed models, Vertex per-character prices, "
        "10x jumps) land in quarantine with their reason."
    ),
    cadence_days=1,  # first and last commit seen at each price; mirrors commit about weekly
    stale_after_days=14,
)
