"""Read a table by meaning: which cells are prices, of what, in which unit and tier.

Three layouts are read the same way, by what the headers say, never by position or CSS:

* **components across** (OpenAI, Anthropic, Kimi, Z.ai): a header row names components
  ("Input", "Cached input", "5m Cache Writes", "Output"); each row names an item (the model).
* **components down** (Gemini, DeepSeek): the leading column names components ("Input price",
  "百万tokens输入（缓存命中）"); each other column is an item (DeepSeek's model ids) or a price
  column for the item the section is about (Gemini's "Paid Tier, per 1M tokens in USD").
* **components in cells** (Anthropic's long-context table): headers state tiers
  ("≤ 200K input tokens") and each cell names its component ("Input: $3 / MTok").

Units come from the nearest statement: the cell itself ("$3 / MTok"), its column or row
header, the row's unit column, then the caption, the lines before the table and the section
("Prices per 1M tokens."). Tiers combine what the header, row, cell qualifier and context
state. A pricing mode stated by a short label near the table ("Batch", "Flex", "Priority",
"off-peak", "Standard") applies to the whole table: in a Batch table input and output become
the ``batch_input``/``batch_output`` components and other components get tier ``batch``.

Items come from the table only: the row's label cells (a continuation row with an empty first
cell takes the row above's), or the column header in a components-down table; never from the
headings or prose around it. A column holding amounts that no header or label explains is a
:class:`CellProblem` naming its header. Worked examples (a "×" calculation, a "Total" row)
are not price lists.

Nothing is guessed: a price cell that cannot be read is a :class:`CellProblem` (text, reason,
where); deliberate non-prices ("Free", "—", "Contact sales", free-tier columns, per-image or
per-second amounts, storage, other modalities, zero) are counted in ``skipped`` by reason.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from schemas.enums import CanonicalUnit, Component, Currency
from schemas.units import NotAPrice, ParsedPrice, PriceParseError
from scrapers.pricing_tables.cells import (
    has_amount,
    has_money,
    no_price,
    read_amount,
    split_cell,
)
from scrapers.pricing_tables.headers import (
    BATCH,
    STANDARD,
    Aliases,
    Meaning,
    UnitFound,
    find_mode,
    find_unit,
    is_label_like,
    normalize,
    read_label,
)
from scrapers.pricing_tables.items import ItemLabel, read_item
from scrapers.pricing_tables.model import Table

_NOT_AN_ITEM = re.compile(
    r"\b(?:paid|price|prices|pricing|cost|costs|tier|usd|amount|rate|rates)\b|价格|费用"
)
_MAX_LABEL_COLUMNS = 2
_SIZE = re.compile(r"^\s*[\d,.]+\s*[kKmM]?\s*(?:tokens?)?\s*$")
# "50,000 × $5 / 1,000,000" or a "Total" row: a worked example of a bill, not a price list.
_CALCULATION = re.compile(r"[\d$)]\s*[×✕]\s*[\d$(]")
_MODALITY_SECTION = re.compile(
    r"^(?:audio|image|video|speech|music|embedding)s?\b|音频|语音|图像|图片|视频|音乐"
)
_TOTAL = re.compile(r"^(?:total|grand total|sum|合计|总计)\s*:?$", re.IGNORECASE)


@dataclass(frozen=True)
class PriceCell:
    """One price read off a table.

    Attributes:
        table: The table it came from (headings, lead and caption for the provider to use).
        item: What the table says is priced (row label or column header, without dates,
            badges and footnote marks), or None when the table names nothing (a Gemini model
            section; a table whose rows name no model). Never taken from text around the table.
        component: What is charged for, after the table's pricing mode is applied.
        tier: ``standard`` or the ``+``-joined tier parts.
        price: The amount in the canonical unit, with currency and unit as published.
        text: The price as published (the cell's amount and unit).
        where: Table, row, line and column, for people.
        effective_date: When the price takes effect, if the cell or its label says
            ("starting <date>"): a date after the page's is a scheduled price.
        names: One name per model ``item`` names ("Sonnet 4.5 / 4" -> "Sonnet 4.5",
            "Sonnet 4"); empty when ``item`` is None.
    """

    table: Table
    item: str | None
    component: Component
    tier: str
    price: ParsedPrice
    text: str
    where: str
    effective_date: date | None = None
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class CellProblem:
    """A price cell that could not be read: the text as published, why, and where."""

    text: str
    reason: str
    where: str


@dataclass
class TableReading:
    """What one table gave: prices, problems, and deliberate skips counted by reason."""

    table: Table
    prices: list[PriceCell] = field(default_factory=list)
    problems: list[CellProblem] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)


def read_table(
    table: Table,
    *,
    currency: Currency,
    as_of: date | None = None,
    aliases: Aliases | None = None,
) -> TableReading:
    """Read every price of a table.

    Args:
        table: The table, from :func:`~scrapers.pricing_tables.html.html_tables` or
            :func:`~scrapers.pricing_tables.markdown.markdown_tables`.
        currency: The currency the page states (needed for "¥" and bare numbers).
        as_of: The page's date: prices valid "through" an earlier day are skipped as expired;
            a price "starting" a day (before or after it) carries that day as effective date.
        aliases: Provider words for components the generic vocabulary leaves open
            (OpenAI's embeddings table heads its input price "Cost").
    """
    reading = TableReading(table)
    if table.width == 0 or len(table.rows) <= table.header_rows:
        reading.skipped["table without body rows"] += 1
        return reading
    layout = _Layout(table, aliases)
    cells = list(layout.price_cells())
    if not any(has_amount(text) for *_, text in cells):
        reading.skipped["table without prices"] += 1
        return reading
    if _is_worked_example(table):
        reading.skipped["worked example (a calculation), not a price list"] += 1
        return reading
    for row, column, row_meaning, text in cells:
        _read_cell(reading, layout, row, column, row_meaning, text, currency, as_of)
    _report_unread_columns(reading, layout)
    return reading


def _is_worked_example(table: Table) -> bool:
    """A bill worked out in a table: a calculation in a cell, or a "Total" row."""
    if any(_CALCULATION.search(cell.text) for row in table.rows for cell in row):
        return True
    return any(row and _TOTAL.match(row[0].text.strip()) for row in table.rows)


def _report_unread_columns(reading: TableReading, layout: _Layout) -> None:
    """A column holding amounts no header or label gives a meaning to is a problem, once.

    Dropping such a column silently is how a renamed column ("Spot price" -> "Preemptible")
    loses its prices without anyone noticing: its header text is reported instead.
    """
    for column, row in sorted(layout.unread.items()):
        header = layout.headers[column]
        label = layout.row_label(row)
        reading.problems.append(
            CellProblem(
                header or "(no header)",
                f"column header not understood: its amounts are not read (row {label!r})",
                f"{layout.table.cell_where(row, column)} [{header or '-'}]",
            )
        )


class _Layout:
    """Headers, label columns, unit columns and table-wide context of one table."""

    def __init__(self, table: Table, aliases: Aliases | None) -> None:
        self.table = table
        self.aliases = aliases
        top = table.rows[: table.header_rows]
        self.headers = [_join(row[c].text for row in top) for c in range(table.width)]
        self.columns = [read_label(h, aliases) for h in self.headers]
        self.body_start = table.header_rows
        self.labels = self._label_columns()
        self.unit_columns = [c for c, m in enumerate(self.columns) if m.unit_column]
        self.context_unit = _context_unit(table)
        self.context_mode = _context_mode(table)
        self.unread: dict[int, int] = {}  # column -> first row with an amount it cannot read
        self.context_skip = _context_skip(table)

    def _label_columns(self) -> list[int]:
        body = self.table.rows[self.body_start :]
        labels: list[int] = []
        for column in range(min(_MAX_LABEL_COLUMNS, self.table.width)):
            meaning = self.columns[column]
            if meaning.components or meaning.free_tier or meaning.unit_column:
                break
            if meaning.tier or (meaning.unit and meaning.unit.spec is not None):
                break
            priced = sum(has_amount(row[column].text) for row in body)
            if priced * 2 > len(body):
                break
            labels.append(column)
        return labels

    def row_label(self, row: int) -> str:
        return _join(self.table.rows[row][c].text for c in self.labels)

    def item_label(self, row: int) -> str:
        """The row's label without cells that state a tier ("≤ 128K tokens") or a size.

        A continuation row (first label cell empty, the others at most a tier or a size, as
        in "|  | > 200K | $4 |") belongs to the row above it in the same table: that is the
        table's own structure (a Markdown table cannot span rows; HTML rowspans are already
        copied into each row). The first body row has no row above.
        """
        cells = [self.table.rows[row][c].text for c in self.labels]
        own = _join(t for t in cells if not read_label(t).tier and not _SIZE.match(t))
        if self.labels and not cells[0] and not own and row > self.body_start:
            return self.item_label(row - 1)
        return own

    def row_unit(self, row: int) -> UnitFound | None:
        for column in self.unit_columns:
            found = find_unit(self.table.rows[row][column].text)
            if found:
                return found
        return None

    def row_unit_skip(self, row: int) -> str | None:
        """Why the row's unit column says its amounts are not token prices ("1 次": per use)."""
        for column in self.unit_columns:
            text = self.table.rows[row][column].text
            found = find_unit(text)
            if text and (found is None or found.spec is None):
                return f"unit not tracked: {text}"
        return None

    def price_cells(self):
        """(row, column, row meaning, text) of every cell that is not a label or unit."""
        skip = set(self.labels) | set(self.unit_columns)
        for row in range(self.body_start, len(self.table.rows)):
            row_meaning = read_label(self.row_label(row), self.aliases)
            for column in range(self.table.width):
                if column in skip or self.columns[column].free_tier:
                    continue
                column_meaning = self.columns[column]
                if column_meaning.excluded:
                    continue
                if row_meaning.excluded and not column_meaning.components:
                    continue  # a row label names an item in a components-across table
                text = self.table.rows[row][column].text
                if text:
                    yield row, column, row_meaning, text

    def item(self, row: int, column: int, row_meaning: Meaning) -> ItemLabel:
        """What the row label (or, components down, the column header) names."""
        column_meaning = self.columns[column]
        if column_meaning.components or not row_meaning.components:
            return read_item(self.item_label(row))
        header = self.headers[column]
        return read_item(header if _is_item_header(header, column_meaning) else None)


def _read_cell(
    reading: TableReading,
    layout: _Layout,
    row: int,
    column: int,
    row_meaning: Meaning,
    text: str,
    currency: Currency,
    as_of: date | None,
) -> None:
    table = layout.table
    column_meaning = layout.columns[column]
    components = column_meaning.components or row_meaning.components
    label = layout.item(row, column, row_meaning)
    item = label.text or None
    where = f"{table.cell_where(row, column)} [{item or '-'} | {layout.headers[column] or '-'}]"
    if label.problem:
        reading.problems.append(CellProblem(label.text, label.problem, where))
        return
    if as_of and label.valid_through and label.valid_through < as_of:
        reading.skipped["expired price"] += 1
        return
    if no_price(text):
        if components:
            reading.skipped["no price stated"] += 1
        return
    segments = split_cell(text)
    if not segments:
        if components:
            reading.problems.append(CellProblem(text, "no amount in a price cell", where))
        return
    for segment in segments:
        prefix = read_label(segment.prefix) if segment.prefix else Meaning()
        named = components or prefix.components
        if segment.skip:
            reading.skipped[segment.skip] += 1
            continue
        if not named:
            money_column = column_meaning.unit is not None and column_meaning.unit.spec is not None
            if not (has_money(segment.text) or money_column):
                continue  # a bare number under no price header is a count, not an amount
            skip = layout.row_unit_skip(row) or layout.context_skip
            if skip:
                reading.skipped[skip] += 1
            else:
                layout.unread.setdefault(column, row)
            continue
        if as_of and segment.valid_through and segment.valid_through < as_of:
            reading.skipped["expired price"] += 1
            continue
        unit = column_meaning.unit or row_meaning.unit or layout.row_unit(row)
        unit = unit or layout.context_unit
        if unit is not None and unit.spec is None and not segment.unit_text:
            reading.skipped[f"unit not tracked: {unit.text}"] += 1
            continue
        if unit is None and not segment.unit_text:
            reading.skipped["no unit stated (not a price list)"] += 1
            continue
        try:
            price = read_amount(segment, unit.spec if unit else None, currency)
        except NotAPrice:
            reading.skipped["no price stated"] += 1
            continue
        except PriceParseError as error:
            reading.problems.append(CellProblem(segment.text, error.reason, where))
            continue
        if price.unit is not CanonicalUnit.PER_1M_TOKENS:
            reading.skipped[f"unit not tracked: {price.published_unit}"] += 1
            continue
        if price.amount == 0:
            reading.skipped["zero price: free"] += 1
            continue
        parts = set(column_meaning.tier | row_meaning.tier | prefix.tier) | set(segment.tiers)
        mode = _mode(column_meaning, row_meaning, layout.context_mode)
        effective = segment.valid_from or label.valid_from
        for component in named:
            final, tier = _apply_mode(component, mode, parts)
            reading.prices.append(
                PriceCell(
                    table, item, final, tier, price, segment.text, where, effective, label.names
                )
            )


def _mode(column: Meaning, row: Meaning, context: str | None) -> str | None:
    for mode in (column.mode, row.mode, context):
        if mode:
            return mode
    return None


def _apply_mode(component: Component, mode: str | None, parts: set[str]) -> tuple[Component, str]:
    tier = set(parts)
    if mode == BATCH:
        if component is Component.INPUT:
            component = Component.BATCH_INPUT
        elif component is Component.OUTPUT:
            component = Component.BATCH_OUTPUT
        elif component not in (Component.BATCH_INPUT, Component.BATCH_OUTPUT):
            tier.add(BATCH)
    elif mode and mode != STANDARD:
        tier.add(mode)
    return component, "+".join(sorted(tier)) if tier else STANDARD


def _context_unit(table: Table) -> UnitFound | None:
    """The token unit the caption, the lines before the table or its sections state."""
    texts = [table.caption, *reversed(table.lead)]
    for heading in reversed(table.headings):
        texts += [*heading.body, heading.text]
    for text in texts:
        found = find_unit(text) if text else None
        if found and found.spec is not None:
            return found
    return None


def _context_skip(table: Table) -> str | None:
    """Why amounts under no component are not token prices, if the context says so.

    "Prices per image." before the table, or a section titled for another modality ("Audio
    Models"), explains a bare "Price" column; without such a statement the column is reported.
    """
    for text in [table.caption, *reversed(table.lead)]:
        found = find_unit(text) if text else None
        if found and found.spec is None:
            return f"unit not tracked: {found.text}"
    if table.headings:
        modality = _MODALITY_SECTION.search(normalize(table.headings[-1].title))
        if modality:
            return f"modality not tracked: {modality.group(0)}"
    return None


def _context_mode(table: Table) -> str | None:
    """The pricing mode a short label near the table states: caption, lead, headings."""
    texts = [table.caption, *reversed(table.lead)]
    texts += [heading.title for heading in reversed(table.headings)]
    for text in texts:
        if text and is_label_like(text):
            mode = find_mode(text)
            if mode:
                return mode
    return None


def _is_item_header(text: str, meaning: Meaning) -> bool:
    if not text or meaning.components or meaning.unit or meaning.tier or meaning.mode:
        return False
    if meaning.free_tier or meaning.unit_column or meaning.excluded:
        return False
    return not _NOT_AN_ITEM.search(text.lower())


def _join(texts) -> str:
    seen: list[str] = []
    for text in texts:
        flat = " ".join(text.split())
        if flat and flat not in seen:
            seen.append(flat)
    return " ".join(seen)
