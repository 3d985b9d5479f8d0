"""OpenRouter's public model listing (``GET https://openrouter.ai/api/v1/models``).

What it is: every model OpenRouter resells, one entry per model id, with the price OpenRouter
charges (``provider`` is therefore always ``"openrouter"``, the seller; the upstream lab is
only part of the id). Prices are in ``pricing``: strings holding USD per *single token*
(``prompt``, ``completion``, ``input_cache_read``, ``input_cache_write``,
``input_cache_write_1h``), plus fields in other units (``web_search`` and ``request`` per call,
``image`` per image, ``audio``/``input_audio_cache``/``image_token``/``image_output``/
``internal_reasoning``/``audio_output`` for other token kinds). ``pricing.overrides`` lists
tiered prices: entries with ``min_prompt_tokens`` hold the prices above that prompt length.

Mapping: ``prompt`` → input, ``completion`` → output, ``input_cache_read`` → cached_input,
``input_cache_write`` → cache_write, ``input_cache_write_1h`` → cache_write tier ``cache-1h``.
An override with ``min_prompt_tokens`` N yields the same components with tier ``prompt>{N/1000}k``
(raw N when not a whole number of thousands). Every price goes through
``schemas.units.normalize(value, PER_TOKEN)`` into USD per 1M tokens, exactly (the JSON is
decoded with Decimal, and ``published_text`` keeps the field text as published).

Known traps and how they are handled (skips are counted in ``ParseResult.skipped``):

* ``:free`` ids are zero-priced, rate-limited twins of a paid model → ``free variant``.
* Routers (``openrouter/auto`` and friends) publish ``-1``: the price depends on the model
  routed to → ``variable price (router)`` (any negative value).
* ``"0"`` is a free model or a placeholder, never a list price →
  ``zero price: free or placeholder``.
* Fields that are not per-token input/output/cache prices → ``unit not tracked: <field>``.
* Overrides keyed by a time-of-day window (``utc_start``/``utc_end``, DeepSeek peak pricing)
  are not a context tier; their meaning is not documented in the listing →
  ``time-window override not tracked``.
* OpenRouter's price for a model moves with provider routing; the listing is what OpenRouter
  quotes at capture time, nothing more.
* The listing covers every output modality. Speech, transcription, image, video and rerank
  models reuse ``prompt``/``completion`` for other units (``openai/whisper-1`` "0.006" is $ per
  audio minute, TTS models charge per character), so only models whose
  ``architecture.output_modalities`` include ``text`` or ``embeddings`` are read; the others
  count as ``output <modalities> not token-priced``.
* Some values are long decimals of a fraction (Gemini cache writes derived from an hourly
  storage charge, "0.0000000833333333333333"): the stored price is rounded half-even to
  ``PRICE_SCALE`` (12) decimals of USD per 1M tokens; ``published_text`` keeps the exact text.
* ``:batch`` (and other ``:`` variants) are separate skus with their own prices; they are kept
  as published under their own id.

A value that is not a number becomes a ParseProblem; the same price key twice in one page keeps
the first and reports a ParseProblem when the prices differ.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from schemas.enums import Component, Currency, Leg
from schemas.observation import GLOBAL_REGION, STANDARD_TIER, FetchedPage
from schemas.units import PER_TOKEN, PriceParseError, normalize, parse_amount
from scrapers.base import ParseResult, Recording, Source, SourceKind
from scrapers.collect import PageCollector, round_to_stored_scale
from scrapers.json_numbers import loads_exact, published_text

NAME = "openrouter"
URL = "https://openrouter.ai/api/v1/models"
PARSER_VERSION = "1"
PROVIDER = "openrouter"

# pricing field -> (component, tier)
_FIELDS: dict[str, tuple[Component, str]] = {
    "prompt": (Component.INPUT, STANDARD_TIER),
    "completion": (Component.OUTPUT, STANDARD_TIER),
    "input_cache_read": (Component.CACHED_INPUT, STANDARD_TIER),
    "input_cache_write": (Component.CACHE_WRITE, STANDARD_TIER),
    "input_cache_write_1h": (Component.CACHE_WRITE, "cache-1h"),
}
# Models whose output is one of these are priced per token in prompt/completion. Speech and
# transcription models put per-second, per-minute or per-character prices in the same fields.
_TOKEN_PRICED_OUTPUTS = {"text", "embeddings"}
# Keys of an override entry that describe its condition, not a price.
_OVERRIDE_CONDITIONS = {"min_prompt_tokens", "utc_start", "utc_end"}


def _tier_above(min_prompt_tokens: int, base_tier: str) -> str:
    above = (
        f"prompt>{min_prompt_tokens // 1000}k"
        if min_prompt_tokens % 1000 == 0
        else f"prompt>{min_prompt_tokens}"
    )
    if base_tier == STANDARD_TIER:
        return above
    return "+".join(sorted({base_tier, above}))


def _price(
    out: PageCollector,
    *,
    sku: str,
    model: str | None,
    field: str,
    label: str,
    value: object,
    component: Component,
    tier: str,
) -> None:
    where = f"{sku}.{field}"
    try:
        amount = parse_amount(value)
        if amount < 0:
            out.skip("variable price (router)")
            return
        if amount == 0:
            out.skip("zero price: free or placeholder")
            return
        price = round_to_stored_scale(normalize(amount, PER_TOKEN))
    except PriceParseError as error:
        out.problem(value, error.reason, where)
        return
    out.price(
        provider=PROVIDER,
        sku=sku,
        model=model,
        component=component,
        tier=tier,
        region=GLOBAL_REGION,
        currency=Currency.USD,
        price=price,
        published_text=published_text(value),
        published_unit=f"per token ({label})",
        where=where,
    )


def parse(page: FetchedPage) -> ParseResult:
    """Read OpenRouter's model listing into per-1M-token observations."""
    try:
        document = loads_exact(page.text())
    except (json.JSONDecodeError, UnicodeDecodeError, LookupError) as error:
        raise ValueError(f"{NAME}: body is not valid JSON: {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("data"), list):
        raise ValueError(f"{NAME}: expected an object with a 'data' list of models")

    out = PageCollector(page, source=NAME, leg=Leg.LLM, parser_version=PARSER_VERSION)
    for index, entry in enumerate(document["data"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or not entry["id"]:
            out.problem(
                json.dumps(entry, default=str)[:200], "model entry without an id", f"data[{index}]"
            )
            continue
        _parse_model(out, entry)
    return out.result


def _parse_model(out: PageCollector, entry: dict[str, Any]) -> None:
    sku: str = entry["id"]
    name = entry.get("name")
    model = name if isinstance(name, str) and name else None
    if sku.endswith(":free"):
        out.skip("free variant")
        return
    outputs = _output_modalities(entry)
    if outputs is not None and not outputs & _TOKEN_PRICED_OUTPUTS:
        out.skip(f"output {'+'.join(sorted(outputs))} not token-priced")
        return
    pricing = entry.get("pricing")
    if not isinstance(pricing, dict):
        out.problem(str(pricing), "no pricing object", sku)
        return
    for field, value in pricing.items():
        if field == "overrides":
            continue
        if field not in _FIELDS:
            out.skip(f"unit not tracked: {field}")
            continue
        component, tier = _FIELDS[field]
        _price(
            out,
            sku=sku,
            model=model,
            field=field,
            label=field,
            value=value,
            component=component,
            tier=tier,
        )
    overrides = pricing.get("overrides") or []
    if not isinstance(overrides, list):
        out.problem(str(overrides), "overrides is not a list", f"{sku}.overrides")
        return
    for index, override in enumerate(overrides):
        _parse_override(out, sku, model, index, override)


def _output_modalities(entry: dict[str, Any]) -> set[str] | None:
    architecture = entry.get("architecture")
    if not isinstance(architecture, dict):
        return None
    outputs = architecture.get("output_modalities")
    if not isinstance(outputs, list) or not outputs:
        return None
    return {str(modality) for modality in outputs}


def _parse_override(
    out: PageCollector, sku: str, model: str | None, index: int, override: object
) -> None:
    where = f"{sku}.overrides[{index}]"
    if not isinstance(override, dict):
        out.problem(str(override), "override is not an object", where)
        return
    if "min_prompt_tokens" not in override:
        if "utc_start" in override or "utc_end" in override:
            out.skip("time-window override not tracked")
        else:
            out.problem(
                json.dumps(override, default=str), "override with an unknown condition", where
            )
        return
    threshold = override["min_prompt_tokens"]
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold <= 0:
        out.problem(str(threshold), "min_prompt_tokens is not a positive integer", where)
        return
    for field, value in override.items():
        if field in _OVERRIDE_CONDITIONS:
            continue
        if field not in _FIELDS:
            out.skip(f"unit not tracked: {field}")
            continue
        component, base_tier = _FIELDS[field]
        _price(
            out,
            sku=sku,
            model=model,
            field=f"overrides[{index}].{field}",
            label=f"{field}, min_prompt_tokens {threshold}",
            value=value,
            component=component,
            tier=_tier_above(threshold, base_tier),
        )


SOURCE = Source(
    name=NAME,
    kind=SourceKind.AGGREGATOR,
    leg=Leg.LLM,
    description="OpenRouter model listing: USD per token for every model it resells",
    urls=(URL,),
    recordings=(
        Recording(
            url=URL,
            path="llm/openrouter/openrouter_models_2026-08-18.json",
            captured_at=datetime(2026, 8, 18, 20, 1, 54, tzinfo=UTC),
            content_type="application/json",
        ),
    ),
    parser_version=PARSER_VERSION,
    parse=parse,
)
