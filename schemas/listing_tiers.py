"""The pricing tier a listing's own name states (``openai/gpt-4o:batch`` is a batch price).

Aggregators and price maps publish pricing modes as separate listings of the same model, named
by a suffix or a path prefix: OpenRouter's variants (``:free``, ``:nitro``, ``:floor``,
``:online``, ``:thinking``, ``:extended``, ``:exacto``, ``:beta``; openrouter.ai/docs, "Model
variants"), batch listings (``:batch`` in the sophie / OpenRouter snapshots, ``-batch``),
LiteLLM's mode prefixes (``batch/``, ``flex/``, ``priority/``, ``fast/claude-opus-4-6``) and
Anthropic's fast mode sold as ``claude-…-fast``. Such a price is never the standard list price:
loaded as ``standard`` it would sit in the matched-model indices and the frontier beside (or
instead of) the real list price (the HumanEval ≥ 92 frontier row came from
``openai/gpt-4o:batch``).

:func:`tier_from_listing` is applied to every :class:`~schemas.observation.Observation`, so
every nightly source and every backfill dataset gets the same rule; the sku keeps its name.
Names that merely contain a word are not modes: ``grok-4-fast`` and ``kimi-k2-thinking`` are
models of their own, ``…-v1:0`` is a version, so only the exact forms below count.
"""

from __future__ import annotations

import re

# OpenRouter-style variant suffixes (after a colon) that are pricing modes, and the tier each
# becomes. Anything else after a colon (":0", a fine-tune's base model) is left alone.
COLON_VARIANTS: dict[str, str] = {
    "batch": "batch",
    "flex": "flex",
    "priority": "priority",
    "free": "free",
    "floor": "floor",
    "nitro": "nitro",
    "online": "online",
    "thinking": "thinking",
    "extended": "extended",
    "exacto": "exacto",
    "beta": "beta",
}

# Path prefixes (LiteLLM keys) that name a mode: "batch/gpt-4o", "fast/us/claude-opus-4-6".
PREFIX_MODES: dict[str, str] = {
    "batch": "batch",
    "flex": "flex",
    "priority": "priority",
    "fast": "fast",
}

_COLON = re.compile(r":([a-z]+)$")
_DASH_BATCH = re.compile(r"[-_]batch$")
_CLAUDE_FAST = re.compile(r"claude[\w.-]*-fast$")


def listing_mode(sku: str) -> str | None:
    """The pricing mode a listing's name states, or None for a plain listing.

    Examples:
        >>> listing_mode("openai/gpt-4o:batch"), listing_mode("fast/us/claude-opus-4-6")
        ('batch', 'fast')
        >>> listing_mode("xai/grok-4-fast"), listing_mode("anthropic.claude-v2:1")
        (None, None)
    """
    name = sku.strip().lower()
    colon = _COLON.search(name)
    if colon and colon.group(1) in COLON_VARIANTS:
        return COLON_VARIANTS[colon.group(1)]
    first, _, rest = name.partition("/")
    if rest and first in PREFIX_MODES:
        return PREFIX_MODES[first]
    if _DASH_BATCH.search(name):
        return "batch"
    if _CLAUDE_FAST.search(name):
        return "fast"
    return None


def tier_from_listing(sku: str, tier: str, standard: str = "standard") -> str:
    """The tier to store for a listing: the mode its name states, combined with its own tier.

    A plain listing keeps its tier. A mode listing in the standard tier becomes the mode
    (``batch``); in another tier the two are joined (``batch+prompt>200k``), the form the
    sources already use; a tier that already names the mode is left as it is.
    """
    mode = listing_mode(sku)
    if mode is None:
        return tier
    if tier == standard:
        return mode
    if mode in tier.split("+"):
        return tier
    return f"{mode}+{tier}"
