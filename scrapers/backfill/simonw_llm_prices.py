"""simonw/llm-prices: the vendor price files behind llm-prices.com, with from/to dates.

What it is: ``data/<vendor>.json`` of https://github.com/simonw/llm-prices at commit 723ef0b
(2026-08-05), byte for byte: ``{"vendor": ..., "models": [{"id", "name", "price_history":
[{"input", "output", "input_cached", "from_date", "to_date"}]}]}`` in USD per 1M tokens;
``from_date`` inclusive, ``to_date`` exclusive, null = open-ended or unknown.

Dates: every price is observed at the commit (2026-08-06T01:25:35Z). ``from_date`` is the
date the price took effect → ``effective_date``; an entry without one starts at the
observation. An entry that ended (``to_date``) before the commit and has no ``from_date``
cannot be placed in time and is skipped; one whose ``to_date`` lies after the commit (a price
change announced ahead) is in force at the observation and is followed by the entry that
starts at its ``to_date``.

Mapping: provider = the file's vendor (``openai``, ``anthropic``, ``meta-ai``…), sku = id,
model = name; ``input`` / ``output`` / ``input_cached`` → ``input`` / ``output`` /
``cached_input``. Context tiers are separate ids named ``… >200k`` with an id ending
``-200k``: they become tier ``prompt>200k`` of the base id ("≤200k" is standard).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from typing import Any

from schemas.enums import Component, Currency, Leg
from schemas.observation import GLOBAL_REGION, STANDARD_TIER, FetchedPage
from schemas.units import PER_1M_TOKENS, PriceParseError, normalize, parse_amount
from scrapers.backfill.base import JSON_CONTENT_TYPE, Dataset, DatasetCollector
from scrapers.base import ParseResult, Recording, Source
from scrapers.collect import round_to_stored_scale
from scrapers.json_numbers import loads_exact, published_text

NAME = "simonw_llm_prices"
PARSER_VERSION = "1"
COMMIT = "723ef0bd3a6254436e9fe8d7f05d4d787e99f4c5"
CAPTURED_AT = datetime(2026, 8, 6, 1, 25, 35, tzinfo=UTC)  # 2026-08-05T18:25:35-07:00
VENDORS = (
    "amazon",
    "anthropic",
    "deepseek",
    "google",
    "meta-ai",
    "minimax",
    "mistral",
    "moonshot-ai",
    "openai",
    "qwen",
    "xai",
)
FIELDS = (
    ("input", Component.INPUT),
    ("output", Component.OUTPUT),
    ("input_cached", Component.CACHED_INPUT),
)
_ABOVE = re.compile(r">\s*(\d+)k\b", re.IGNORECASE)


def url_of(vendor: str) -> str:
    return f"https://raw.githubusercontent.com/simonw/llm-prices/{COMMIT}/data/{vendor}.json"


def tier_and_sku(model_id: str, name: str) -> tuple[str, str]:
    """The tier a model entry prices and the id of the model it belongs to."""
    above = _ABOVE.search(name)
    if above is None:
        return STANDARD_TIER, model_id
    threshold = above.group(1)
    suffix = f"-{threshold}k"
    base = model_id[: -len(suffix)] if model_id.endswith(suffix) else model_id
    return f"prompt>{threshold}k", base


def parse(page: FetchedPage) -> ParseResult:
    """Read one vendor file into observations dated by their from_date."""
    try:
        document = loads_exact(page.text())
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValueError(f"{NAME}: body is not valid JSON: {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("models"), list):
        raise ValueError(f"{NAME}: expected an object with a 'models' list")
    vendor = document.get("vendor")
    if not isinstance(vendor, str) or not vendor:
        raise ValueError(f"{NAME}: the file names no vendor")
    out = DatasetCollector(page, source=NAME, leg=Leg.LLM, parser_version=PARSER_VERSION)
    for index, entry in enumerate(document["models"]):
        if not isinstance(entry, dict) or not entry.get("id"):
            out.problem(str(entry)[:200], "model entry without an id", f"models[{index}]")
            continue
        for number, price in enumerate(entry.get("price_history") or []):
            _read_price(out, vendor, entry, number, price)
    return out.result


def _read_price(
    out: DatasetCollector, vendor: str, entry: dict[str, Any], number: int, price: dict
) -> None:
    model_id, name = str(entry["id"]), str(entry.get("name") or entry["id"])
    where = f"{model_id}.price_history[{number}]"
    try:
        start = date.fromisoformat(price["from_date"]) if price.get("from_date") else None
        end = date.fromisoformat(price["to_date"]) if price.get("to_date") else None
    except (TypeError, ValueError):
        out.problem(str(price), "from_date / to_date is not an ISO date", where)
        return
    if start is None and end is not None and end <= out.page.fetched_at.date():
        out.skip("ended before the capture with no from_date: cannot be placed in time")
        return
    tier, sku = tier_and_sku(model_id, name)
    for field, component in FIELDS:
        value = price.get(field)
        if value is None:
            continue
        try:
            amount = round_to_stored_scale(normalize(parse_amount(value), PER_1M_TOKENS))
        except PriceParseError as error:
            out.problem(published_text(value), error.reason, f"{where}.{field}")
            continue
        out.dated_price(
            provider=vendor,
            sku=sku,
            model=name,
            component=component,
            tier=tier,
            region=GLOBAL_REGION,
            currency=Currency.USD,
            price=amount,
            published_text=published_text(value),
            published_unit=f"USD per 1M tokens ({field})",
            where=f"{where}.{field}",
            observed_at=out.page.fetched_at,
            effective_date=start,
        )


SOURCE = Source(
    name=NAME,
    leg=Leg.LLM,
    description=(
        f"simonw/llm-prices vendor files @{COMMIT[:7]} (2026-08-05): USD per 1M tokens with "
        "from/to dates, 11 vendors (no license file: attribute Simon Willison / llm-prices.com)"
    ),
    urls=tuple(url_of(vendor) for vendor in VENDORS),
    recordings=tuple(
        Recording(
            url=url_of(vendor),
            path=f"llm/llm_prices_simonw/{vendor}.json",
            captured_at=CAPTURED_AT,
            content_type=JSON_CONTENT_TYPE,
        )
        for vendor in VENDORS
    ),
    parser_version=PARSER_VERSION,
    parse=parse,
)

DATASET = Dataset(
    source=SOURCE,
    provenance=f"https://github.com/simonw/llm-prices data/*.json at commit {COMMIT} (2026-08-05)",
    license="no LICENSE file in the repository; attribute to Simon Willison / llm-prices.com",
    about=(
        "simonw/llm-prices: per-vendor price histories in USD per 1M tokens. effective_date "
        "= from_date; observed_at = the commit (2026-08-05). '>200k' entries become tier "
        "prompt>200k; closed entries without a from_date are skipped."
    ),
    cadence_days=31,  # vendor files edited by hand when prices change
    stale_after_days=62,
)
