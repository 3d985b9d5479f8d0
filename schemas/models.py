"""Model identity: one canonical id per model across its many listings.

A model is sold under many names: first-party ids (``gpt-4o``), dated snapshots
(``gpt-4o-2024-08-06``), cloud listings (``azure/gpt-4o``, ``bedrock/us.anthropic.claude-3-5-
sonnet-20241022-v2:0``, ``vertex_ai/claude-3-5-sonnet@20240620``), OpenRouter ids
(``openai/gpt-4o``) and the names datasets print ("GPT-4o", "Claude-3.5-Sonnet-2024-06").
:class:`ModelCatalog` maps each (provider, listing id) to one canonical ``model_id``, or to
nothing: a listing that matches no rule is reported (``deflator models --unmatched``), never
guessed.

The matching rules are data, reviewed by people, in ``schemas/data/``:

* ``models.csv``: the catalog (model_id, developer, family, open_weights, release_date,
  context_window, note). A model's own id is an alias of itself.
* ``model_aliases.csv``: provider, listing, model_id, variant, note. ``provider`` ``*`` means
  any provider; ``variant`` ``true`` marks a listing that is a variant of the model (a
  quantized or "turbo" serving, a reasoning-effort preset) rather than the model itself.
  Listings are compared by their *match key* (below), so one row covers ``Claude 3.5 Sonnet``,
  ``claude-3.5-sonnet`` and ``claude-3-5-sonnet``.
* ``providers.csv``: provider name as sources write it → the organization that sells there
  (``gemini`` → google, ``bedrock`` → amazon), to tell first-party listings from resellers.

Normalization (:func:`normalization_steps`) turns a listing into progressively shorter
candidates; the first candidate whose match key has an alias wins, so a reviewed alias for a
longer form always beats a rule. The steps, in order:

1. ``path``: keep the last ``/`` segment (strips ``azure/``, ``bedrock/us-east-1/``,
   ``vertex_ai/``, ``openai/``, ``accounts/fireworks/models/`` …).
2. ``region``: strip a Bedrock cross-region prefix (``us.``, ``eu.``, ``apac.``, ``global.``…).
3. ``vendor``: strip a Bedrock vendor prefix (``anthropic.``, ``meta.``, ``amazon.``…).
4. ``version``: strip a Bedrock version suffix (``-v1:0``, ``-v2``, ``:0``) or an OpenRouter
   variant (``:thinking``, ``:beta``, ``:extended``, ``:free``…).
5. ``date``: strip a snapshot suffix: ``-2024-08-06``, ``-20240806``, ``@20240620``, ``-2024-06``
   (year-month, datasets), ``-05-20`` (month-day), ``-09-2025`` (month-year), ``-0613``
   (OpenAI month-day), ``-2407`` (Mistral year-month), ``-001`` / ``@001`` (Google versions),
   ``@2405`` (Vertex), ``-latest``, ``@default``.

The match key of a candidate is lower case with ``.``, ``_``, spaces, parentheses and repeated
dashes folded to single ``-``, Fireworks' ``3p1`` read as ``3.1``, and a dash between a letter
and a following digit: ``Claude 3.5 Sonnet`` and ``claude-3-5-sonnet`` share the key
``claude-3-5-sonnet``, ``llama3-1-70b-instruct`` and ``Llama 3.1 70B Instruct`` the key
``llama-3-1-70b-instruct``.

A listing matched after a ``version`` or ``date`` step is a *variant* (a dated snapshot or a
routing variant) of its model; the precedence view prefers listings that name the model
itself. Moving pointers that name no one model (``deepseek-chat``, ``gemini-flash-latest``)
and other products (``gpt-4o-audio-preview``, fine-tunes ``ft:…``) are left unmatched.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path

ANY_PROVIDER = "*"

_I = re.IGNORECASE
_REGION_PREFIX = re.compile(r"^(?:us-gov|us|eu|apac|ap|au|jp|ca|global)\.", _I)
_VENDOR_PREFIX = re.compile(
    r"^(?:anthropic|meta|amazon|mistral|cohere|ai21|deepseek|qwen|openai|writer|google|"
    r"moonshotai|moonshot|minimax|nvidia|twelvelabs|stability|zai|xai|luma)\.",
    _I,
)
# Bedrock versions ("-v1:0" always; a bare "-v1" only on a vendor-prefixed id, since
# "deepseek-v3" is a model) and OpenRouter variants (":thinking", ":beta", ":free"…).
_VERSION_SUFFIX = re.compile(r"(?:-v\d+:\d+|:\d+|:[a-z][a-z0-9-]*)$", _I)
_BEDROCK_BARE_VERSION = re.compile(r"-v\d+$", _I)
_DATE_SUFFIXES = (
    re.compile(r"[-@]20\d\d-?[01]\d-?[0-3]\d$"),  # -2024-08-06, -20240806, @20240620
    re.compile(r"-20\d\d-[01]\d$"),  # -2024-06 (year-month, dataset names)
    re.compile(r"-[01]\d-[0-3]\d$"),  # -05-20 (month-day, Google previews)
    re.compile(r"-[01]\d-20\d\d$"),  # -09-2025 (month-year, Google previews)
    re.compile(r"-(?:0[1-9]|1[0-2])[0-3]\d$"),  # -0613, -1106 (OpenAI month-day)
    re.compile(r"-2[3-9](?:0[1-9]|1[0-2])$"),  # -2407 (Mistral year-month)
    re.compile(r"[-@]0\d\d$"),  # -001, @002 (Google versions)
    re.compile(r"@2[3-9](?:0[1-9]|1[0-2])$"),  # @2405 (Vertex year-month)
    re.compile(r"[-@](?:latest|default)$", _I),
)
_KEY_SEPARATORS = re.compile(r"[\s._(),]+|-{2,}")
_LETTER_THEN_DIGIT = re.compile(r"(?<=[a-z])(?=\d)")
_FIREWORKS_POINT = re.compile(r"(?<=\d)p(?=\d)")  # Fireworks writes 3.1 as "3p1"


@dataclass(frozen=True)
class ModelFacts:
    """One model of the catalog (``schemas/data/models.csv``)."""

    model_id: str
    developer: str
    family: str
    open_weights: bool | None
    release_date: date | None
    context_window: int | None
    note: str = ""


@dataclass(frozen=True)
class Alias:
    """One reviewed matching rule (``schemas/data/model_aliases.csv``)."""

    provider: str
    listing: str
    model_id: str
    note: str = ""
    variant: bool = False


@dataclass(frozen=True)
class Match:
    """How a listing resolved: the model, the rule that matched, and whether it is a variant.

    Attributes:
        model_id: The canonical model.
        rule: ``alias`` (a reviewed alias row) or ``model id`` (the catalog's own id), followed
            by the normalization steps applied, e.g. ``model id after path+date``.
        variant: The listing is a dated snapshot or routing variant of the model (a
            ``version`` or ``date`` step was needed).
        key: The match key that matched.
    """

    model_id: str
    rule: str
    variant: bool
    key: str


@dataclass(frozen=True)
class BenchmarkScore:
    """One capability score as a source published it.

    Attributes:
        model_name: The model as the source names it (resolved to a model id on load).
        benchmark: Stable benchmark id (``mmlu``, ``gpqa_diamond``, ``humaneval``,
            ``math_500``, ``math_level_5``, ``chatbot_arena_elo``…).
        score: The score as published (percent for accuracy benchmarks, Elo points).
        source: The deflator source that published it.
        date: The date the source attaches to the row (release or price date), if any.
        provider: Provider context for resolving ``model_name`` (``*`` when none).
    """

    model_name: str
    benchmark: str
    score: Decimal
    source: str
    date: date | None
    provider: str = ANY_PROVIDER


def match_key(text: str) -> str:
    """The form listings are compared in: lower case, separators folded to single dashes,
    Fireworks' ``p`` read as a point (``k2p5`` is ``k2.5``), and a dash between a letter and
    the digit after it (``llama3-1`` and ``llama-3.1`` agree).

    >>> match_key("Claude 3.5 Sonnet")
    'claude-3-5-sonnet'
    >>> match_key("GPT-3 175B (davinci)")
    'gpt-3-175b-davinci'
    >>> match_key("meta.llama3-1-70b-instruct")
    'meta-llama-3-1-70b-instruct'
    >>> match_key("kimi-k2p5")
    'kimi-k-2-5'
    """
    key = _KEY_SEPARATORS.sub("-", text.strip().lower().replace("_", "-"))
    key = _FIREWORKS_POINT.sub("-", key)
    key = _LETTER_THEN_DIGIT.sub("-", key)
    return _KEY_SEPARATORS.sub("-", key).strip("-")


def normalization_steps(listing: str) -> list[tuple[str, str]]:
    """The candidates a listing is tried as, from the listing itself to its shortest form.

    Returns (steps applied, candidate) pairs; steps are ``+``-joined names (empty for the
    listing as written).

    >>> normalization_steps("bedrock/us.anthropic.claude-3-5-sonnet-20241022-v2:0")[-1]
    ('path+region+vendor+version+date', 'claude-3-5-sonnet')
    """
    current = listing.strip()
    steps: list[str] = []
    found = [("", current)]

    def advance(step: str, value: str) -> None:
        nonlocal current
        if value and value != current:
            current = value
            if step not in steps:
                steps.append(step)
            found.append(("+".join(steps), current))

    advance("path", current.rstrip("/").rsplit("/", 1)[-1])
    advance("region", _REGION_PREFIX.sub("", current, count=1))
    vendor_prefixed = bool(_VENDOR_PREFIX.match(current))
    advance("vendor", _VENDOR_PREFIX.sub("", current, count=1))
    for _ in range(2):  # "-v1:0", then a variant such as ":thinking"
        advance("version", _VERSION_SUFFIX.sub("", current, count=1))
    if vendor_prefixed:
        advance("version", _BEDROCK_BARE_VERSION.sub("", current, count=1))
    for _ in range(3):  # "-2024-08-06", then "-latest"…
        for pattern in _DATE_SUFFIXES:
            stripped = pattern.sub("", current, count=1)
            if stripped != current:
                advance("date", stripped)
                break
    return found


class ModelCatalog:
    """The reviewed catalog and aliases, and the resolver that applies them."""

    def __init__(
        self,
        models: Iterable[ModelFacts],
        aliases: Iterable[Alias],
        providers: dict[str, str] | None = None,
    ) -> None:
        self.models: dict[str, ModelFacts] = {}
        for model in models:
            if model.model_id in self.models:
                raise ValueError(f"model {model.model_id!r} is listed twice")
            self.models[model.model_id] = model
        self.aliases = list(aliases)
        self.providers = dict(providers or {})
        self._by_key: dict[tuple[str, str], tuple[str, str, bool]] = {}
        for model in self.models.values():
            self._add(ANY_PROVIDER, model.model_id, model.model_id, "model id", False)
        for alias in self.aliases:
            if alias.model_id not in self.models:
                raise ValueError(
                    f"alias {alias.provider}/{alias.listing} names unknown model {alias.model_id}"
                )
            self._add(alias.provider, alias.listing, alias.model_id, "alias", alias.variant)

    def _add(self, provider: str, listing: str, model_id: str, kind: str, variant: bool) -> None:
        key = (provider, match_key(listing))
        known = self._by_key.get(key)
        if known is not None and known[0] != model_id:
            raise ValueError(
                f"{listing!r} (key {key[1]!r}, provider {provider}) maps to both "
                f"{known[0]} and {model_id}"
            )
        if known is None or (variant and not known[2]):
            self._by_key[key] = (model_id, kind, variant)

    @classmethod
    def load(cls, folder: Path | None = None) -> ModelCatalog:
        """The catalog from ``folder`` (default: the reviewed files shipped in schemas/data)."""
        return _load(str(folder) if folder is not None else None)

    def resolve(self, provider: str, listing: str) -> Match | None:
        """The model a provider's listing names, or None when no rule matches."""
        for steps, candidate in normalization_steps(listing):
            key = match_key(candidate)
            for scope in (provider, ANY_PROVIDER):
                hit = self._by_key.get((scope, key))
                if hit is None:
                    continue
                model_id, kind, marked = hit
                rule = f"{kind} after {steps}" if steps else kind
                variant = marked or "version" in steps or "date" in steps
                return Match(model_id=model_id, rule=rule, variant=variant, key=key)
        return None

    def organization(self, provider: str) -> str | None:
        """The organization selling under a provider name, if the providers file knows it."""
        return self.providers.get(provider)


@cache
def _load(folder: str | None) -> ModelCatalog:
    if folder is None:
        base = resources.files("schemas").joinpath("data")
        read = lambda name: base.joinpath(name).read_text(encoding="utf-8")  # noqa: E731
    else:
        read = lambda name: (Path(folder) / name).read_text(encoding="utf-8")  # noqa: E731
    models = [_model(row) for row in _rows(read("models.csv"))]
    aliases = [
        Alias(
            provider=r["provider"],
            listing=r["listing"],
            model_id=r["model_id"],
            note=r.get("note", ""),
            variant=r.get("variant", "").lower() == "true",
        )
        for r in _rows(read("model_aliases.csv"))
    ]
    providers = {r["provider"]: r["organization"] for r in _rows(read("providers.csv"))}
    return ModelCatalog(models, aliases, providers)


def _rows(text: str) -> list[dict[str, str]]:
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(lines)]


def _model(row: dict[str, str]) -> ModelFacts:
    weights = row["open_weights"].lower()
    return ModelFacts(
        model_id=row["model_id"],
        developer=row["developer"],
        family=row["family"],
        open_weights={"true": True, "false": False}.get(weights),
        release_date=date.fromisoformat(row["release_date"]) if row["release_date"] else None,
        context_window=int(row["context_window"]) if row["context_window"] else None,
        note=row.get("note", ""),
    )
