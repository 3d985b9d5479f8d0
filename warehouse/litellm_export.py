"""Write the first-party prices in force as LiteLLM's cost map (``model_prices_and_context_
window.json``), so a LiteLLM user can price calls with prices deflator checks every night.

What is written (docs/litellm-export.md):

- Prices: the ``prices_in_force`` view's choice (first-party page > first-party API, the
  developer's own listing first), only first-party sources, USD, region ``global``. CNY lists
  are left out: LiteLLM's map is USD, and a converted price would move with the exchange rate
  while claiming to be a list price.
- Keys as LiteLLM names them: the provider's model id, bare for OpenAI, Anthropic and Cohere
  (``gpt-4o``, ``claude-sonnet-4-5``, ``command-r-plus-08-2024``), prefixed with the
  provider's LiteLLM route elsewhere (``gemini/gemini-2.5-pro``, ``deepseek/…``,
  ``xai/…``, ``zai/glm-4.6``, ``perplexity/sonar``, ``moonshot/…``), as LiteLLM's own map
  does (the 2026-07-24 snapshot in the shared data).
- Fields, USD per single token (deflator's per-1M price / 10^6, exact): components map to
  ``input_cost_per_token``, ``output_cost_per_token``, ``cache_read_input_token_cost``,
  ``cache_creation_input_token_cost``, ``input_cost_per_token_batches``,
  ``output_cost_per_token_batches``; tiers to LiteLLM's suffixes ``_priority``, ``_flex``,
  ``_above_<N>k_tokens`` (``prompt>200k``) and ``_above_1hr`` (``cache-1h`` cache writes).
  ``prompt<=<N>k`` is the base price when the listing has no ``standard`` one. Tiers LiteLLM
  has no field for (``batch`` cache reads, combined tiers) are counted as skipped, not bent.
- Plus ``litellm_provider``, ``mode`` (``embedding`` for embedding models, else ``chat``) and,
  outside LiteLLM's schema but ignored by it, ``deflator_source`` and ``deflator_valid_from``.

Numbers are written as exact decimal literals (``2.5e-06`` is written ``0.0000025``), so
LiteLLM's parser in deflator (scrapers/sources/litellm.py) reads back the same Decimals.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb

from warehouse.sqlfiles import sql

PER_MILLION = Decimal(1_000_000)

# deflator provider → (litellm_provider, key prefix); "" = bare model id (LiteLLM's own map).
PROVIDERS: dict[str, tuple[str, str]] = {
    "openai": ("openai", ""),
    "anthropic": ("anthropic", ""),
    "cohere": ("cohere_chat", ""),
    "google": ("gemini", "gemini/"),
    "deepseek": ("deepseek", "deepseek/"),
    "mistral": ("mistral", "mistral/"),
    "xai": ("xai", "xai/"),
    "zai": ("zai", "zai/"),
    "perplexity": ("perplexity", "perplexity/"),
    "moonshot": ("moonshot", "moonshot/"),
    "groq": ("groq", "groq/"),
    "fireworks": ("fireworks_ai", "fireworks_ai/"),
    "together": ("together_ai", "together_ai/"),
}

FIELD_OF = {
    "input": "input_cost_per_token",
    "output": "output_cost_per_token",
    "cached_input": "cache_read_input_token_cost",
    "cache_write": "cache_creation_input_token_cost",
    "batch_input": "input_cost_per_token_batches",
    "batch_output": "output_cost_per_token_batches",
}
_PROMPT_ABOVE = re.compile(r"prompt>(\d+)k")
_PROMPT_UP_TO = re.compile(r"prompt<=(\d+)k")


@dataclass
class LitellmExport:
    """What the export wrote and what it left out, by reason."""

    models: int = 0
    prices: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    entries: dict[str, dict] = field(default_factory=dict)


def key_of(provider: str, sku: str) -> tuple[str, str]:
    """LiteLLM's key and ``litellm_provider`` for a listing (unknown providers: ``p/sku``)."""
    litellm_provider, prefix = PROVIDERS.get(provider, (provider, f"{provider}/"))
    return f"{prefix}{sku}", litellm_provider


def field_of(component: str, tier: str) -> str | None:
    """LiteLLM's field for a component in a tier, or None when LiteLLM has none for it."""
    base = FIELD_OF.get(component)
    if base is None:
        return None
    if tier == "standard" or _PROMPT_UP_TO.fullmatch(tier):
        return base
    if component.startswith("batch_"):
        return None  # LiteLLM's batch fields have no tiered variants
    if tier in ("priority", "flex"):
        return f"{base}_{tier}"
    match = _PROMPT_ABOVE.fullmatch(tier)
    if match:
        return f"{base}_above_{int(match.group(1))}k_tokens"
    if tier == "cache-1h" and component == "cache_write":
        return f"{base}_above_1hr"
    return None


def per_token(price_per_million: Decimal) -> str:
    """USD per 1M tokens as an exact per-token decimal literal: 2.5 → ``0.0000025``."""
    return format((price_per_million / PER_MILLION).normalize(), "f")


def build(con: duckdb.DuckDBPyConnection) -> LitellmExport:
    """The cost map of the first-party prices in force in ``con``.

    A field's price is the listing's own tier's; ``prompt<=Nk`` fills the base field only
    where the listing has no ``standard`` price. Two different prices left for one field
    (which would need a guess) write neither, and are counted in ``skipped``.
    """
    out = LitellmExport()
    candidates: dict[tuple[str, str], list[tuple[int, Decimal]]] = {}
    meta: dict[str, dict] = {}
    for provider, sku, component, tier, price, source, valid_from in con.execute(
        sql("litellm_prices")
    ).fetchall():
        name = field_of(component, tier)
        if name is None:
            out.skipped[f"no LiteLLM field for {component} in tier {tier}"] += 1
            continue
        key, litellm_provider = key_of(provider, sku)
        rank = 1 if _PROMPT_UP_TO.fullmatch(tier) else 0
        candidates.setdefault((key, name), []).append((rank, price))
        meta.setdefault(
            key,
            {
                "litellm_provider": litellm_provider,
                "mode": "embedding" if "embed" in sku else "chat",
                "deflator_source": source,
                "deflator_valid_from": valid_from.date().isoformat(),
            },
        )
    for (key, name), found in sorted(candidates.items()):
        best = min(rank for rank, _ in found)
        prices = {price for rank, price in found if rank == best}
        if len(prices) > 1:
            out.skipped[f"two prices for one field ({key} {name})"] += 1
            continue
        out.entries.setdefault(key, dict(meta[key]))[name] = Decimal(per_token(prices.pop()))
        out.prices += 1
    out.models = len(out.entries)
    return out


def _value(value: object) -> str:
    """A JSON value; a Decimal as its exact decimal literal (json's floats would round)."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return json.dumps(value, ensure_ascii=False)


def dumps(entries: dict[str, dict]) -> str:
    """The cost map as JSON (keys sorted, 4-space indent), every price exact."""
    blocks = []
    for key in sorted(entries):
        fields = ",\n".join(
            f"        {json.dumps(name)}: {_value(value)}" for name, value in entries[key].items()
        )
        blocks.append(f"    {json.dumps(key, ensure_ascii=False)}: {{\n{fields}\n    }}")
    return "{\n" + ",\n".join(blocks) + "\n}\n"


def export_litellm(con: duckdb.DuckDBPyConnection, out_file: Path | str) -> LitellmExport:
    """Write the cost map to ``out_file`` (through a temporary file renamed into place)."""
    result = build(con)
    target = Path(out_file)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    temporary.write_text(dumps(result.entries), encoding="utf-8")
    os.replace(temporary, target)
    return result
