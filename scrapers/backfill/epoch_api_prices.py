"""Epoch AI's API price database export ("API prices - full view", 2025-02-05).

What it is: one row per price component of a model at an API vendor, transcribed by Epoch AI
from the vendor's pricing page, with the page's archived copy (web.archive.org, archive.is,
archive.ph) in "Archived price link". Columns used: Price ("$2.50000"), Price Unit
("$/1M input tokens"), Model, Model Version (the vendor's id when given, e.g.
``gpt-4o-2024-08-06``), Fine Tuned Model, Price date, Organization (model developer /
API vendor).

Dates: "Price date" is when the price took effect (or, where Epoch did not know, when it was
read) → ``effective_date``. The observation time is the archived capture's timestamp when the
link is a web.archive.org snapshot (``/web/20211120082310/``), else the price date itself.
So GPT-3 davinci is $60 per 1M tokens from 2021-11-20 and $20 from 2022-09-01, each point
carrying the archived page it was read from as ``source_url``.

Mapping: provider = the API vendor (lower-case slug; the developer when the vendor is
empty), sku = Model Version when given (snapshots and context variants have their own
prices), else Model; model = Model. Units: "$/1M input tokens" → input, "… output …" →
output, "$/1M tokens (input or output)" → both input and output, "cashed tokens" (sic) →
cached input, "(for > 128k tokens)" → tier ``prompt>128k`` ("<= 128k" is standard),
"$/1M embedding tokens" → input.

Skipped, counted by reason: fine-tuned model prices, per-character prices (TTS,
"$/1M characters"), per-minute, per-month, per-image and training-token prices, context-cache
storage per hour. The "50% off for batch submission" tag is not turned into batch prices (a
derived price is not a published one).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from schemas.enums import Component, Currency, Leg
from schemas.observation import GLOBAL_REGION, STANDARD_TIER, FetchedPage
from schemas.units import PER_1M_TOKENS, PriceParseError, parse_price
from scrapers.backfill.base import (
    CSV_CONTENT_TYPE,
    Dataset,
    DatasetCollector,
    csv_rows,
    day,
)
from scrapers.base import ParseResult, Recording, Source

NAME = "epoch_api_prices"
PARSER_VERSION = "1"
COMMIT = "1eee4d291d5cb4449becab901c873d4fb790fade"
URL = (
    "https://raw.githubusercontent.com/epoch-research/llm-benchmark-efficiency/"
    f"{COMMIT}/data/API%20prices%20-%20full%20view.csv"
)
PATH = "llm/epoch_llm_benchmark_efficiency/epoch_api_prices_full_view_2025-02-05.csv"
CAPTURED_AT = datetime(2025, 2, 6, 0, 24, 18, tzinfo=UTC)  # 2025-02-05T19:24:18-05:00

_COLUMNS = {
    "Price",
    "Price Unit",
    "Model",
    "Fine Tuned Model",
    "Price date",
    "Model Version",
    "Organization (model developer)",
    "Organization (API vendor)",
    "Archived price link",
}
_WAYBACK = re.compile(r"web\.archive\.org/web/(\d{14})")
_ABOVE = re.compile(r"\(for\s*>\s*(\d+)k tokens\)")

# Vendor names as Epoch writes them → provider slugs used across deflator.
_VENDORS = {
    "openai": "openai",
    "google": "google",
    "google deepmind": "google",
    "anthropic": "anthropic",
    "amazon": "amazon",
    "deepinfra": "deepinfra",
    "deepseek": "deepseek",
    "fireworks ai": "fireworks",
    "mistral ai": "mistral",
    "cohere": "cohere",
    "reka ai": "reka",
    "ai21 labs": "ai21",
    "groq": "groq",
    "together": "together",
    "lepton ai": "lepton",
    "perplexity": "perplexity",
    "cerebras systems": "cerebras",
    "replicate": "replicate",
    "databricks": "databricks",
    "octoai": "octoai",
    "stability ai": "stability",
    "midjourney": "midjourney",
    "meta ai": "meta",
    "gray swan": "gray-swan",
}


def provider_slug(vendor: str, developer: str) -> str | None:
    """The provider for a row: the API vendor, else the (first) developer, as a slug."""
    name = vendor or developer.split(",")[0]
    name = name.strip().lower()
    if not name:
        return None
    return _VENDORS.get(name, re.sub(r"[^a-z0-9]+", "-", name).strip("-"))


def components_of(unit: str) -> tuple[list[Component], str] | str:
    """The components and tier a "Price Unit" names, or the reason it is not a token price."""
    text = unit.lower()
    if not text.startswith("$/1m"):
        return f"unit not tracked: {unit}"
    if "characters" in text:
        return "per-character price: not a token price"
    if "per hour" in text:
        return f"unit not tracked: {unit} (context-cache storage)"
    if "training" in text:
        return f"unit not tracked: {unit}"
    above = _ABOVE.search(text)
    tier = f"prompt>{above.group(1)}k" if above else STANDARD_TIER
    if "cashed" in text or "cached" in text:
        return [Component.CACHED_INPUT], tier
    if "input or output" in text:
        return [Component.INPUT, Component.OUTPUT], tier
    if "input" in text or "embedding" in text:
        return [Component.INPUT], tier
    if "output" in text:
        return [Component.OUTPUT], tier
    return f"unit not tracked: {unit}"


def observed_at(link: str, price_date: date) -> datetime:
    """The archived capture's time for a web.archive.org link, else the price date."""
    match = _WAYBACK.search(link)
    if match:
        return datetime.strptime(match.group(1), "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    return day(price_date.isoformat())


def parse(page: FetchedPage) -> ParseResult:
    """Read the Epoch export into dated per-1M-token observations."""
    out = DatasetCollector(page, source=NAME, leg=Leg.LLM, parser_version=PARSER_VERSION)
    for number, row in enumerate(csv_rows(page, _COLUMNS), start=2):
        where = f"row {number}"
        if row["Fine Tuned Model"]:
            out.skip("fine-tuned model price")
            continue
        mapped = components_of(row["Price Unit"])
        if isinstance(mapped, str):
            out.skip(mapped)
            continue
        components, tier = mapped
        sku = row["Model Version"] or row["Model"]
        provider = provider_slug(
            row["Organization (API vendor)"], row["Organization (model developer)"]
        )
        if not sku or provider is None:
            out.problem(row["Price"], "row names no model or no vendor", where)
            continue
        try:
            price_date = date.fromisoformat(row["Price date"])
        except ValueError:
            out.problem(row["Price date"], "price date is not an ISO date", where)
            continue
        try:
            parsed = parse_price(row["Price"], PER_1M_TOKENS, Currency.USD)
        except PriceParseError as error:
            out.problem(row["Price"], error.reason, where)
            continue
        link = row["Archived price link"]
        for component in components:
            out.dated_price(
                provider=provider,
                sku=sku,
                model=row["Model"] or None,
                component=component,
                tier=tier,
                region=GLOBAL_REGION,
                currency=parsed.currency,
                price=parsed.amount,
                published_text=row["Price"],
                published_unit=row["Price Unit"],
                where=where,
                observed_at=observed_at(link, price_date),
                effective_date=price_date,
                source_url=link if link.startswith("http") else None,
            )
    return out.result


SOURCE = Source(
    name=NAME,
    leg=Leg.LLM,
    description=(
        "Epoch AI API price database export, 2021-11..2025-02, with archived page links "
        f"(epoch-research/llm-benchmark-efficiency @{COMMIT[:7]}; no license file: attribute "
        "Epoch AI)"
    ),
    urls=(URL,),
    recordings=(
        Recording(url=URL, path=PATH, captured_at=CAPTURED_AT, content_type=CSV_CONTENT_TYPE),
    ),
    parser_version=PARSER_VERSION,
    parse=parse,
)

DATASET = Dataset(
    source=SOURCE,
    provenance=(
        "https://github.com/epoch-research/llm-benchmark-efficiency "
        f'"data/API prices - full view.csv" at commit {COMMIT} (2025-02-05); the '
        '"Price sheet document" column was dropped'
    ),
    license="no LICENSE file in the repository; attribute to Epoch AI",
    about=(
        "Epoch AI's API price database: one row per price component, with the archived "
        "pricing page. effective_date = 'Price date'; observed_at = the web.archive.org "
        "capture time (else the price date). Skips fine-tuned, per-character, image and "
        "training prices."
    ),
    cadence_days=92,  # a database revised every few months
    stale_after_days=183,
)
