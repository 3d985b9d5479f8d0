"""LiteLLM's model cost map (``model_prices_and_context_window.json`` in BerriAI/litellm).

What it is: a community-maintained JSON object, one key per model as LiteLLM routes it
(``gpt-4o``, ``azure/eu/gpt-4o-2024-08-06``, ``bedrock/us-east-1/meta.llama3-8b-instruct-v1:0``,
``gemini/gemini-2.5-pro``…), each a dict with ``litellm_provider``, ``mode`` and prices in USD
per *single token*: ``input_cost_per_token``, ``output_cost_per_token``,
``cache_read_input_token_cost``, ``cache_creation_input_token_cost``,
``input_cost_per_token_batches`` / ``output_cost_per_token_batches``, and tiered variants with
suffixes ``_priority``, ``_flex``, ``_above_<N>k_tokens`` and (cache writes) ``_above_1hr``.
The mirror the recording comes from adds a top-level ``"last_updated"`` string; upstream has a
``"sample_spec"`` documentation entry. Both are skipped.

Mapping: provider = ``litellm_provider``, sku = model = the key. Input/output/cached/cache-write/
batch fields map to the matching components; suffixes become tiers (``priority``, ``flex``,
``prompt>200k``, ``cache-1h``), joined in sorted order with "+" (``priority+prompt>272k``).
DeepSeek's ``input_cost_per_token_cache_hit`` is cached input. A few entries (Dashscope,
Volcengine) carry no top-level prices but a ``tiered_pricing`` list of prompt-length ranges:
the range starting at 0 is the standard tier, a range starting at N is ``prompt>{N/1000}k``.
Prices go through ``schemas.units.normalize(value, PER_TOKEN)`` into USD per 1M tokens,
exactly (Decimal decoding; ``published_text`` keeps the number as written, e.g. "1.25e-05").
Region is ``global`` unless a path segment of the key names an AWS region
(``bedrock/us-east-1/…``), a GCP region (``us-central1``), an Azure region (``eastus2``) or an
Azure data zone (``azure/us/…``, ``azure/eu/…``, priced about 10% above global).

Known traps and how they are handled:

* Unit errors: some entries carry a per-1M or per-1K value in a per-token field, which gives an
  absurd per-1M price (≥ $1000). The parser does not filter magnitudes: it reports what the map
  says and the warehouse's plausibility rule quarantines those observations.
* Zeroed prices: deprecated, local (Ollama, LM Studio) and placeholder models are priced 0 → not
  a list price, counted as ``zero price: free or placeholder``. A negative price is a
  ParseProblem.
* Modes priced in other units (image_generation, audio_speech, audio_transcription, realtime,
  rerank, search, ocr, video_generation, moderation…) → ``mode <x> not token-priced``; only
  chat, completion, responses, embedding (and entries without a mode that have per-token
  prices, e.g. Fireworks size classes) are read.
* Per-character / per-second / per-image / per-pixel / per-query fields, audio/image/reasoning
  token prices and Databricks DBU prices → ``unit not tracked: <field>``. (Databricks'
  ``input_cost_per_token`` is LiteLLM's own DBU × $0.070 conversion; it is kept as published.)
* Provisioned-throughput Bedrock keys (``…/1-month-commitment/…``) carry only per-second
  prices, so they yield nothing.
* ``regional_processing_uplift_multiplier_*`` (OpenAI data-residency uplift) is a multiplier,
  not a price, and is not applied.
* The same price key twice in an entry (``cache_read_input_token_cost`` and
  ``input_cost_per_token_cache_hit``) keeps one and reports a ParseProblem if they differ.
* Values with more decimals than the store keeps (12, in USD per 1M tokens) are rounded
  half-even; ``published_text`` keeps them exactly.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from schemas.enums import Component, Currency, Leg
from schemas.observation import GLOBAL_REGION, STANDARD_TIER, FetchedPage
from schemas.units import PER_TOKEN, PriceParseError, normalize, parse_amount
from scrapers.base import ParseResult, Recording, Source, SourceKind
from scrapers.collect import PageCollector, round_to_stored_scale
from scrapers.json_numbers import loads_exact, published_text

NAME = "litellm"
URL = "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json"
PARSER_VERSION = "1"

_NOT_ENTRIES = {"sample_spec", "last_updated"}
_TOKEN_MODES = {"chat", "completion", "responses", "embedding"}

# Field stems, longest first so the DeepSeek alias wins over its prefix.
_BASES: tuple[tuple[str, Component], ...] = (
    ("input_cost_per_token_cache_hit", Component.CACHED_INPUT),
    ("cache_creation_input_token_cost", Component.CACHE_WRITE),
    ("cache_read_input_token_cost", Component.CACHED_INPUT),
    ("output_cost_per_token", Component.OUTPUT),
    ("input_cost_per_token", Component.INPUT),
)
_ALIASES = {"input_cost_per_token_cache_hit"}
_BATCH_OF = {Component.INPUT: Component.BATCH_INPUT, Component.OUTPUT: Component.BATCH_OUTPUT}
_SUFFIX = re.compile(r"_(batches|priority|flex|above_1hr|above_(\d+)k_tokens)")

# Region path segments.
_AWS_REGION = re.compile(
    r"(?:us|eu|ap|sa|ca|me|af|il|mx)(?:-gov)?-"
    r"(?:north|south|east|west|central|northeast|southeast|northwest|southwest)-\d+"
)
_GCP_REGION = re.compile(
    r"(?:us|europe|asia|australia|northamerica|southamerica|me|africa)-"
    r"(?:north|south|east|west|central|northeast|southeast|northwest|southwest)\d+"
)
_AZURE_REGION = re.compile(
    r"(?:east|west|north|south|central|northcentral|southcentral|westcentral)"
    r"(?:us|europe|asia|india)\d?"
    r"|(?:sweden|france|uk|japan|australia|canada|brazil|korea|switzerland|norway|germany|uae"
    r"|qatar|poland|italy|spain|mexico|israel|southafrica|newzealand|taiwan|indonesia)"
    r"(?:central|east|west|north|south|southeast)\d?"
)
_AZURE_DATA_ZONES = {"us", "eu"}


def _threshold_tier(tokens: int) -> str:
    return f"prompt>{tokens // 1000}k" if tokens % 1000 == 0 else f"prompt>{tokens}"


def _join_tiers(tiers: set[str]) -> str:
    tiers = tiers - {STANDARD_TIER}
    return "+".join(sorted(tiers)) if tiers else STANDARD_TIER


def classify_field(field: str) -> tuple[Component, str] | None:
    """The component and tier a LiteLLM per-token field holds, or None when not tracked.

    >>> classify_field("output_cost_per_token_above_272k_tokens_priority")
    (<Component.OUTPUT: 'output'>, 'priority+prompt>272k')
    """
    for stem, component in _BASES:
        if not field.startswith(stem):
            continue
        rest = field[len(stem) :]
        if stem in _ALIASES and rest:
            return None
        tiers: set[str] = set()
        while rest:
            match = _SUFFIX.match(rest)
            if match is None:
                return None
            kind = match.group(1)
            if kind == "batches":
                if component not in _BATCH_OF:
                    return None
                component = _BATCH_OF[component]
            elif kind == "above_1hr":
                if component is not Component.CACHE_WRITE:
                    return None
                tiers.add("cache-1h")
            elif match.group(2) is not None:
                tiers.add(f"prompt>{int(match.group(2))}k")
            else:
                tiers.add(kind)
            rest = rest[match.end() :]
        return component, _join_tiers(tiers)
    return None


def region_of(key: str) -> str:
    """The region a key names in a path segment (``bedrock/us-east-1/…``), else ``global``."""
    segments = key.split("/")[:-1]
    for segment in segments[1:] if len(segments) > 1 else segments:
        if (
            _AWS_REGION.fullmatch(segment)
            or _GCP_REGION.fullmatch(segment)
            or _AZURE_REGION.fullmatch(segment)
        ):
            return segment
    if len(segments) >= 2 and segments[0].startswith("azure") and segments[1] in _AZURE_DATA_ZONES:
        return segments[1]
    return GLOBAL_REGION


def _is_price_field(field: str) -> bool:
    return "cost" in field


def _price(
    out: PageCollector,
    *,
    provider: str,
    sku: str,
    region: str,
    field: str,
    value: object,
    component: Component,
    tier: str,
) -> None:
    where = f"{sku}.{field}"
    try:
        amount = parse_amount(value)
        if amount < 0:
            out.problem(value, "negative price", where)
            return
        if amount == 0:
            out.skip("zero price: free or placeholder")
            return
        price = round_to_stored_scale(normalize(amount, PER_TOKEN))
    except PriceParseError as error:
        out.problem(value, error.reason, where)
        return
    out.price(
        provider=provider,
        sku=sku,
        model=sku,
        component=component,
        tier=tier,
        region=region,
        currency=Currency.USD,
        price=price,
        published_text=published_text(value),
        published_unit=f"per token ({field})",
        where=where,
    )


def parse(page: FetchedPage) -> ParseResult:
    """Read LiteLLM's cost map into per-1M-token observations."""
    try:
        document = loads_exact(page.text())
    except (json.JSONDecodeError, UnicodeDecodeError, LookupError) as error:
        raise ValueError(f"{NAME}: body is not valid JSON: {error}") from error
    if not isinstance(document, dict):
        raise ValueError(
            f"{NAME}: expected a JSON object keyed by model, got {type(document).__name__}"
        )
    if not any(isinstance(entry, dict) for entry in document.values()):
        raise ValueError(f"{NAME}: no model entries (objects) in the cost map")

    out = PageCollector(page, source=NAME, leg=Leg.LLM, parser_version=PARSER_VERSION)
    for key, entry in document.items():
        if key in _NOT_ENTRIES or not isinstance(entry, dict):
            out.skip("not a model entry")
            continue
        _parse_entry(out, key, entry)
    return out.result


def _parse_entry(out: PageCollector, key: str, entry: dict[str, Any]) -> None:
    mode = entry.get("mode")
    tiered = entry.get("tiered_pricing")
    if mode is None:
        if not any(classify_field(field) for field in entry) and not tiered:
            out.skip("no mode and no per-token price")
            return
    elif mode not in _TOKEN_MODES:
        out.skip(f"mode {mode} not token-priced")
        return
    provider = entry.get("litellm_provider")
    if not isinstance(provider, str) or not provider:
        out.problem(str(provider), "no litellm_provider", key)
        return
    region = region_of(key)

    # Aliases last, so the canonical field is the one kept when both are present.
    fields = sorted(entry, key=lambda field: field in _ALIASES)
    for field in fields:
        if field == "tiered_pricing" or not _is_price_field(field):
            continue
        mapped = classify_field(field)
        if mapped is None:
            out.skip(f"unit not tracked: {field}")
            continue
        component, tier = mapped
        _price(
            out,
            provider=provider,
            sku=key,
            region=region,
            field=field,
            value=entry[field],
            component=component,
            tier=tier,
        )
    if tiered is not None:
        _parse_tiered(out, key, provider, region, tiered)


def _parse_tiered(out: PageCollector, key: str, provider: str, region: str, tiered: object) -> None:
    if not isinstance(tiered, list):
        out.problem(str(tiered), "tiered_pricing is not a list", f"{key}.tiered_pricing")
        return
    for index, band in enumerate(tiered):
        where = f"{key}.tiered_pricing[{index}]"
        bounds = band.get("range") if isinstance(band, dict) else None
        start: Decimal | None = None
        if isinstance(bounds, list) and bounds:
            try:
                start = parse_amount(bounds[0])
            except PriceParseError:
                start = None
        if start is None or start < 0 or start != start.to_integral_value():
            out.problem(json.dumps(band, default=str), "tier without a token range", where)
            continue
        assert isinstance(band, dict)
        band_tier = _threshold_tier(int(start)) if start > 0 else STANDARD_TIER
        for field, value in band.items():
            if field == "range" or not _is_price_field(field):
                continue
            mapped = classify_field(field)
            if mapped is None:
                out.skip(f"unit not tracked: {field}")
                continue
            component, tier = mapped
            _price(
                out,
                provider=provider,
                sku=key,
                region=region,
                field=f"tiered_pricing[{index}].{field}",
                value=value,
                component=component,
                tier=_join_tiers({tier, band_tier}),
            )


SOURCE = Source(
    name=NAME,
    kind=SourceKind.AGGREGATOR,
    leg=Leg.LLM,
    description="LiteLLM model cost map: USD per token for ~2,500 models across ~100 providers",
    urls=(URL,),
    recordings=(
        Recording(
            url=URL,
            path="llm/litellm_snapshot/model_prices_and_context_window_2026-07-24.json",
            captured_at=datetime(2026, 7, 24, 18, 23, 43, tzinfo=UTC),
            content_type="application/json",
        ),
    ),
    parser_version=PARSER_VERSION,
    parse=parse,
)
