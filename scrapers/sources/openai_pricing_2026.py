"""OpenAI's 2026 pricing page: ``developers.openai.com/api/docs/pricing`` (Astro, tabbed).

In 2026 OpenAI moved its pricing to a docs site built with Astro. Each section ("Flagship
models", "Cyber models", "Realtime and audio generation models", …) holds a content switcher
whose panes are tabs (``data-content-switcher-pane`` with ``data-value`` standard / batch /
flex / fast), and each pane holds an ``<astro-island>`` whose ``props`` attribute is the
table's complete data in Astro's serialisation (``[0, value]`` for a value, ``[1, [...]]``
for an array). The server-rendered ``<table>`` inside an island shows only the first rows
(the rest are expanded in the browser), so the props are read for the rows; the rendered
table is read as well where it carries prices the props do not (the long-context columns of
the flagship tables) and, for the other tables, as a check: every price the two give for one
key must agree.

Mapping (the project's vocabulary, as the older layouts of this page are read):

* tabs: Standard → ``standard``; Batch → ``batch_input`` / ``batch_output`` components and
  tier ``batch`` for cached input and cache writes; Flex → tier ``flex``; "Fast mode"
  (``data-value="fast"``, aliased from ``priority`` by the page, which says "Priority
  processing was renamed Fast mode on July 30, 2026") → tier ``priority``. A tab the parser
  does not know is a problem, never read as standard.
* columns: Input, Cached input, Cache writes (``cache_write``), Output ("Output / cost" in the
  realtime table). Short context (≤272K input tokens) is the list price; Long context is tier
  ``prompt>272k``, its threshold read from the page's own definition of "Long context" (the
  cyber table's header tooltip, ">272K input tokens"). A model named "gpt-5.5 (<272K context
  length)" is sku ``gpt-5.5`` at its short-context (list) price.
* Modality rows (realtime, image generation): the "Text" row is read; "Audio" and "Image"
  rows are another modality's tokens, counted as skipped.
* The flagship tables' props rows carry no header: a row of 5 values is model | input |
  cached input | cache writes | output (checked against the rendered table's header), a row
  of 4 has no cache-write column. A row whose prices do not read that way (cached input above
  input, cache writes outside input..2×input, output below input) is a problem, so a row that
  gains or loses a value cannot shift prices into the wrong components.
* A model label names one model id (a badge or note other than the context length makes it
  a problem); "gpt-a / gpt-b" gives one sku per model at the same prices.
* ``published_text`` is the value as the page holds it: the props number (``5``, ``0.0375``)
  or the rendered cell (``$5.00``); the unit is the section's "Prices per 1M tokens.".
* A price written in the page's text outside its tables is a problem (none on the 2026-08-21
  capture).

Not read, counted as skipped by reason: video generation (per second), transcription
(per minute, token prices of unstated modality), tools (per call, per GB), fine-tuning,
per-character TTS prices, "Free" moderation, "-" cells. Anything else that looks like a price
and is not understood (an unknown section, tab, column, modality, island component, model
label or cell) is a parse problem naming where it is and its text. Two cells that give one
(sku, component, tier) different prices fail the page (:class:`PriceConflict`), each conflict
reported naming both cells: nothing of such a page is stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby

from bs4 import BeautifulSoup, Tag

from schemas.enums import Component, Currency
from schemas.observation import GLOBAL_REGION
from schemas.units import CanonicalUnit, NotAPrice, PriceParseError, parse_price, parse_unit
from scrapers.base import PriceConflict
from scrapers.collect import PageCollector, round_to_stored_scale
from scrapers.json_numbers import JsonNumber, published_text
from scrapers.pricing_tables.headers import find_context_tiers, normalize
from scrapers.pricing_tables.html import html_tables
from scrapers.sources.astro_islands import island_props, price_like_values, visible_text

PROVIDER = "openai"
STANDARD = "standard"

# Tab value (data-value of a pane or a switcher option) -> pricing mode.
TABS = {"standard": STANDARD, "batch": "batch", "flex": "flex", "fast": "priority"}
# Sections read, and sections deliberately not read (why).
READ_SECTIONS = frozenset(
    {
        "flagship models",
        "cyber models",
        "realtime and audio generation models",
        "image generation models",
        "specialized models",
    }
)
SKIPPED_SECTIONS = {
    "video generation models": "priced per second",
    "transcription models": "priced per minute; token prices of unstated modality",
    "tools": "priced per call or per GB",
    "finetuning": "fine-tuned model and training prices",
}
COLUMNS = {
    "input": Component.INPUT,
    "cached input": Component.CACHED_INPUT,
    "cache writes": Component.CACHE_WRITE,
    "output": Component.OUTPUT,
    "output / cost": Component.OUTPUT,
}
# The flagship tables' props rows, by length (the component's header is not in the props).
TEXT_TOKEN_COLUMNS = {
    5: ("Input", "Cached input", "Cache writes", "Output"),
    4: ("Input", "Cached input", "Output"),
}
MODALITIES_SKIPPED = frozenset({"audio", "image"})
SHORT_CONTEXT, LONG_CONTEXT = "short context", "long context"

_MODEL_ID = re.compile(r"^[a-z0-9][a-z0-9.\-]*$")
_CONTEXT_NOTE = re.compile(r"^(?P<id>\S+)\s*\((?:<|≤)\s*(?P<size>\d+)k context length\)$", re.I)
_META = re.compile(r"^prices (per .+?)(?: unless noted)?\.?$", re.I)
_META_CLASS = re.compile(r"pricing-(?:section|switcher)-meta")
_PRICE_LIKE = re.compile(r"\d")
_PROSE_PRICE = re.compile(r"[$€£¥]\s?\d")
_NON_TOKEN = re.compile(
    r"/\s*((?:1m\s+|1k\s+)?(?:characters?|minutes?|seconds?|hours?|calls?|gb))\b"
)


def is_2026_layout(text: str) -> bool:
    """Whether a page is the 2026 Astro layout (pricing tables as ``astro-island`` props)."""
    return "<astro-island" in text and "content-switcher-pane" in text


@dataclass(frozen=True)
class Candidate:
    """One price read off the page, before the page-wide agreement check."""

    sku: str
    model: str
    component: Component
    tier: str
    price: Decimal
    text: str
    where: str


@dataclass
class _Island:
    section: str
    tab: str
    mode: str
    unit: str | None
    name: str

    def where(self, detail: str) -> str:
        return f"{self.section} [{self.tab} tab] {self.name}: {detail}"


def parse_2026(text: str, out: PageCollector) -> None:
    """Read the 2026 page's every section and tab into ``out`` (observations, problems, skips).

    Raises:
        PriceConflict: two cells of the page give one key different prices.
    """
    soup = BeautifulSoup(text, "html.parser")  # lxml moves the <p> out of <h2><p>
    article = soup.find("article", id="mainContent")
    if not isinstance(article, Tag):
        out.problem(text[:200], "no <article id=mainContent> on a 2026-layout page", "page")
        return
    candidates: list[Candidate] = []
    long_context = _long_context_tiers(article, out)
    islands = article.find_all("astro-island")
    for island in islands:
        candidates += _read_island(island, out, long_context)
    _report_prose_prices(article, islands, out)
    _record_agreed(out, candidates)


def _report_prose_prices(article: Tag, islands: list[Tag], out: PageCollector) -> None:
    """A price written in the page's text outside its tables is not read: say so."""
    for node in [*islands, *article.find_all(["style", "script"])]:
        node.extract()
    text = " ".join(article.get_text(" ", strip=True).split())
    for match in _PROSE_PRICE.finditer(text):
        snippet = text[max(0, match.start() - 60) : match.end() + 60]
        out.problem(snippet, "price in the page's text, outside its tables: not read", "prose")


def _read_island(island: Tag, out: PageCollector, long_context: str | None) -> list[Candidate]:
    url = str(island.get("component-url", ""))
    name = str(island.get("component-export", ""))
    try:
        props = island_props(island)
    except ValueError as error:  # json.JSONDecodeError is one
        out.problem(str(island.get("props", ""))[:200], f"island props not readable: {error}", url)
        return []
    if not isinstance(props, dict):
        out.problem(str(props)[:200], "island props are not an object", url)
        return []
    if "SwitcherSelector" in url:
        for option in props.get("options", []):
            if not isinstance(option, dict) or option.get("value") not in TABS:
                out.problem(str(option), "tab not known", f"switcher {props.get('id')}")
        return []
    heading = island.find_previous(["h2", "h3"])
    section = heading.get_text(" ", strip=True) if heading else ""
    pane = island.find_parent(attrs={"data-content-switcher-pane": True})
    tab = str(pane.get("data-value")) if pane else STANDARD
    context = _Island(section, tab, TABS.get(tab, ""), _unit_of(island, heading), name)
    title = section.lower()
    if title in SKIPPED_SECTIONS:
        for _cell in price_like_values(props):
            out.skip(f"section not tracked: {section} ({SKIPPED_SECTIONS[title]})")
        return []
    if title not in READ_SECTIONS:
        out.problem(_first_price(props), f"section not known: {section!r}", context.where("props"))
        return []
    if tab not in TABS:
        out.problem(tab, f"tab not known: {tab!r}", context.where("pane"))
        return []
    if context.unit is None:
        out.problem(section, "no unit stated for this section", context.where("meta"))
        return []
    footnote = props.get("allModelsFootnote")
    if footnote and "uplift" in visible_text(footnote):
        out.skip("regional processing (data residency) uplift stated as a percentage")
    if name == "TextTokenPricingTables":
        return _text_token_tables(island, props, context, out, long_context)
    if name == "GroupedPricingTable":
        found = _grouped_table(props, context, out, long_context)
        return found + _rendered_grouped_table(island, context, out, long_context)
    out.problem(_first_price(props), f"table component not known: {name!r}", context.where(url))
    return []


def _text_token_tables(
    island: Tag, props: dict, ctx: _Island, out: PageCollector, long_context: str | None
) -> list[Candidate]:
    found: list[Candidate] = []
    rendered = island.find("table")
    if rendered is None:
        out.problem(ctx.section, "no rendered table to check the columns against", ctx.where(""))
        return []
    tables = html_tables(str(rendered))
    if len(tables) != 1 or len(tables[0].rows) < 2:
        out.problem(ctx.section, "rendered table not of two header rows", ctx.where("table"))
        return []
    table = tables[0]
    groups, labels = (tuple(c.text for c in row) for row in table.rows[:2])
    short = tuple(
        label for group, label in zip(groups, labels, strict=True) if group == "Short context"
    )
    if short != TEXT_TOKEN_COLUMNS[5]:
        out.problem(" | ".join(labels), "rendered header differs from the props layout", ctx.name)
        return []
    for index, row in enumerate(props.get("rows", []), start=1):
        columns = TEXT_TOKEN_COLUMNS.get(len(row)) if isinstance(row, list) else None
        where = ctx.where(f"props row {index}")
        if columns is None:
            out.problem(str(row), "row layout not known (model and 3 or 4 prices)", where)
            continue
        cells = _row(
            out, ctx, visible_text(row[0]), list(zip(columns, row[1:], strict=True)), where
        )
        misread = _misread(cells)
        if misread:
            out.problem(str(row), f"row does not read as {' | '.join(columns)}: {misread}", where)
            continue
        found += cells
    for index, row in enumerate(table.rows[2:], start=3):
        cells = [
            (f"{group} {label}", cell.text)
            for group, label, cell in zip(groups[1:], labels[1:], row[1:], strict=True)
        ]
        where = ctx.where(f"rendered table row {index}")
        found += _row(out, ctx, row[0].text, cells, where, long_context)
    return found


def _misread(cells: list[Candidate]) -> str | None:
    """Why a header-less props row cannot be the columns it was taken as, or None.

    Its columns are known only by its length, so the row must read the way every OpenAI token
    price does: cached input below input, cache writes from input up to twice it (1.25× on
    this page), output not below input. A row that gained or lost a value fails here instead
    of shifting prices into the wrong components.
    """
    by = {c.component.value.removeprefix("batch_"): c.price for c in cells}
    base = by.get("input")
    if base is None:
        return None
    if "cached_input" in by and by["cached_input"] > base:
        return "cached input above input"
    if "cache_write" in by and not base <= by["cache_write"] <= 2 * base:
        return "cache writes not between input and twice input"
    if "output" in by and by["output"] < base:
        return "output below input"
    return None


def _rendered_grouped_table(
    island: Tag, ctx: _Island, out: PageCollector, long_context: str | None
) -> list[Candidate]:
    """The prices the island's rendered table prints (its first rows), read like its props.

    They are candidates like the props' own, so a printed price that differs from the data is
    a conflict. What it skips is already counted from the props; its problems are reported.
    """
    rendered = island.find("table")
    tables = html_tables(str(rendered)) if rendered is not None else []
    if len(tables) != 1 or not 1 <= tables[0].header_rows <= 2:
        out.problem(ctx.section, "rendered table not of one or two header rows", ctx.where(""))
        return []
    table = tables[0]
    head = table.header_rows
    props: dict = {
        "headings": [cell.text for cell in table.rows[head - 1]],
        "groups": [
            {"model": row[0].text, "rows": [[cell.text for cell in row[1:]]]}
            for row in table.rows[head:]
        ],
    }
    if head == 2:
        props["headingGroups"] = [
            {"label": label, "colSpan": len(list(run))}
            for label, run in groupby(cell.text for cell in table.rows[0])
        ]
    shadow = PageCollector(
        out.page, source=out.source, leg=out.leg, parser_version=out.parser_version
    )
    rendered_ctx = _Island(ctx.section, ctx.tab, ctx.mode, ctx.unit, f"{ctx.name} rendered")
    found = _grouped_table(props, rendered_ctx, shadow, long_context)
    out.result.problems.extend(shadow.result.problems)
    return found


def _grouped_table(
    props: dict, ctx: _Island, out: PageCollector, long_context: str | None
) -> list[Candidate]:
    labels = [visible_text(h) for h in props.get("headingLabels") or props.get("headings", [])]
    groups = _group_labels(props, len(labels))
    headers = [f"{g} {label}".strip() for g, label in zip(groups, labels, strict=True)]
    lowered = [label.lower() for label in labels]
    by_category = lowered[:1] == ["category"]
    modality = "modality" in lowered
    found: list[Candidate] = []
    for group in props.get("groups", []):
        for index, row in enumerate(group.get("rows", []), start=1):
            if not isinstance(row, list) or not row:
                out.problem(str(row), "row is not a list of cells", ctx.where("group"))
                continue
            model = row[0] if by_category else group.get("model")
            values = list(row[1:] if by_category else row)
            names = headers[2:] if by_category else headers[1:]
            where = ctx.where(f"group {group.get('model')!r} row {index}")
            if len(values) != len(names):
                out.problem(str(row), "row width differs from the header", where)
                continue
            cells = list(zip(names, values, strict=True))
            if modality:
                kind = visible_text(cells.pop(0)[1]).lower()
                if kind in MODALITIES_SKIPPED:
                    for _ in (c for c in cells if _is_price_like(c[1])):
                        out.skip(f"another modality: {kind} tokens")
                    continue
                if kind != "text":
                    out.problem(kind, "modality not known", where)
                    continue
            found += _row(out, ctx, visible_text(model), cells, where, long_context)
    return found


def _row(
    out: PageCollector,
    ctx: _Island,
    label: str,
    cells: list[tuple[str, object]],
    where: str,
    long_context: str | None = None,
) -> list[Candidate]:
    """The prices of one row: ``cells`` are (column header, value) pairs."""
    skus = _skus(label)
    if not skus:
        if any(_is_price_like(value) for _, value in cells):
            out.problem(label, "model name not understood", where)
        return []
    found = []
    for header, value in cells:
        cell_where = f"{where}, {header!r}"
        column = _column(header, long_context)
        if column is None:
            if _is_price_like(value):
                out.problem(f"{header}: {visible_text(value)}", "column not understood", cell_where)
            continue
        component, context_tier = column
        price = _price(out, value, ctx.unit or "", cell_where)
        if price is None:
            continue
        final, tier = _with_mode(component, ctx.mode, context_tier)
        for sku in skus:
            found.append(Candidate(sku, label, final, tier, price, visible_text(value), cell_where))
    return found


def _column(header: str, long_context: str | None) -> tuple[Component, str | None] | None:
    """What a column header names: (component, context tier part) or None."""
    norm = " ".join(header.lower().split())
    context: str | None = None
    if norm.startswith(SHORT_CONTEXT):
        norm = norm.removeprefix(SHORT_CONTEXT).strip()
    elif norm.startswith(LONG_CONTEXT):
        if long_context is None:
            return None
        norm, context = norm.removeprefix(LONG_CONTEXT).strip(), long_context
    component = COLUMNS.get(norm)
    return (component, context) if component else None


def _with_mode(component: Component, mode: str, context: str | None) -> tuple[Component, str]:
    parts = {context} if context else set()
    if mode == "batch" and component is Component.INPUT:
        component = Component.BATCH_INPUT
    elif mode == "batch" and component is Component.OUTPUT:
        component = Component.BATCH_OUTPUT
    elif mode != STANDARD:
        parts.add(mode)
    return component, "+".join(sorted(parts)) if parts else STANDARD


def _price(out: PageCollector, value: object, unit: str, where: str) -> Decimal | None:
    """A cell's price in USD per 1M tokens, or None (skip or problem already handed over)."""
    if value is None or visible_text(value).strip() in {"", "-", "—"}:
        out.skip("no price stated")
        return None
    if isinstance(value, int | JsonNumber):
        text, hint = f"${published_text(value)}", unit
    else:
        text, hint = visible_text(value), unit
        non_token = _NON_TOKEN.search(text.lower())
        if non_token:
            out.skip(f"unit not tracked: per {non_token.group(1)}")
            return None
    try:
        parsed = parse_price(text, hint, Currency.USD)
    except NotAPrice:
        out.skip(f"not a price: {text}")
        return None
    except PriceParseError as error:
        out.problem(text, error.reason, where)
        return None
    if parsed.unit is not CanonicalUnit.PER_1M_TOKENS:
        out.problem(text, f"not a token price ({parsed.published_unit})", where)
        return None
    return round_to_stored_scale(parsed.amount)


def _record_agreed(out: PageCollector, candidates: list[Candidate]) -> None:
    """Record every price, unless two cells give one key different prices.

    A conflict is never resolved by order: each is reported as a problem naming both cells,
    and the page then fails (:class:`PriceConflict`), so the source keeps its previous prices.

    Raises:
        PriceConflict: some key got two different prices on this page.
    """
    first: dict[tuple[str, Component, str], Candidate] = {}
    conflicts: list[str] = []
    for cand in candidates:
        key = (cand.sku, cand.component, cand.tier)
        kept = first.setdefault(key, cand)
        if kept.price != cand.price:
            reason = (
                f"conflicting prices for {cand.sku} {cand.component.value} {cand.tier}: "
                f"{kept.where} says {kept.text}, {cand.where} says {cand.text}"
            )
            out.problem(f"{kept.text} vs {cand.text}", reason, cand.where)
            conflicts.append(reason)
    if conflicts:
        more = f" (and {len(conflicts) - 1} more)" if len(conflicts) > 1 else ""
        raise PriceConflict(f"{out.source}: {conflicts[0]}{more}", out.result)
    for cand in first.values():
        out.price(
            provider=PROVIDER,
            sku=cand.sku,
            model=cand.model,
            component=cand.component,
            tier=cand.tier,
            region=GLOBAL_REGION,
            currency=Currency.USD,
            price=cand.price,
            published_text=cand.text,
            published_unit="per 1M tokens",
            where=cand.where,
        )


def _skus(label: str) -> list[str]:
    """The skus a model label names: one, or one per model of "gpt-a / gpt-b" (the same
    prices for each); empty when any part is not a plain model id."""
    skus = [_sku(part) for part in label.split(" / ")]
    return [sku for sku in skus if sku] if all(skus) else []


def _sku(label: str) -> str | None:
    """The sku a model label names, or None when it is not a plain model id."""
    label = " ".join(label.split())
    note = _CONTEXT_NOTE.match(label)
    if note:
        label = note.group("id")
    label = label.lower()
    return label if _MODEL_ID.match(label) else None


def _long_context_tiers(article: Tag, out: PageCollector) -> str | None:
    """The tier the page's "Long context" columns stand for, from its own definition.

    The flagship tables head their columns "Long context" without a threshold; the page
    defines it in a header tooltip (">272K input tokens"). Two definitions that differ, or
    none, leave long-context columns unread (reported as "column not understood").
    """
    found: set[str] = set()
    for island in article.find_all("astro-island"):
        try:
            props = island_props(island)
        except ValueError:
            continue
        for group in props.get("headingGroups") or []:
            label = group.get("label")
            tip = label.get("__pricingTooltipHeading") if isinstance(label, dict) else None
            if tip and str(tip.get("label", "")).lower() == LONG_CONTEXT:
                found |= set(find_context_tiers(normalize(str(tip.get("tooltip", "")))))
    if len(found) == 1:
        return found.pop()
    if found:
        out.problem(", ".join(sorted(found)), "page defines Long context differently", "page")
    return None


def _group_labels(props: dict, width: int) -> list[str]:
    """Each column's group label ("Short context", "Long context"), "" where there is none."""
    labels: list[str] = []
    for group in props.get("headingGroups") or [{"label": "", "colSpan": width}]:
        label = group.get("label")
        text = visible_text(label)
        labels += [text] * int(group.get("colSpan", 1))
    return labels if len(labels) == width else [""] * width


def _unit_of(island: Tag, heading: Tag | None) -> str | None:
    """The unit the island's section states above it ("Prices per 1M tokens."), if a token unit."""
    for meta in island.find_all_previous(class_=_META_CLASS):
        if heading is not None and meta.find_previous(["h2", "h3"]) is not heading:
            return None
        match = _META.match(meta.get_text(" ", strip=True))
        if not match:
            continue
        try:
            spec = parse_unit(match.group(1))
        except PriceParseError:
            return None
        return match.group(1) if spec.canonical is CanonicalUnit.PER_1M_TOKENS else None
    return None


def _is_price_like(value: object) -> bool:
    return isinstance(value, int | JsonNumber) or bool(_PRICE_LIKE.search(visible_text(value)))


def _first_price(props: dict) -> str:
    return next((visible_text(v) for v in price_like_values(props)), str(props)[:120])
