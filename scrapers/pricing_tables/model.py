"""The shape every pricing page is read into: tables with their cells and their context.

HTML (:mod:`scrapers.pricing_tables.html`) and Markdown (:mod:`scrapers.pricing_tables.markdown`)
are both read into :class:`Table`; everything after that (what a header means, how a cell is
read) works on this one shape, so a provider that publishes both gets the same prices from
either.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Cell:
    """One cell of a table's grid, spans already expanded.

    Attributes:
        text: Visible text with markup removed; line breaks inside the cell kept as ``\\n``.
        notes: Footnote marks taken out of the text (``<sup>1</sup>``, ``^*^``), kept apart so
            they never reach a price.
        origin: (row, column) of the cell as written, for a cell copied into a span.
    """

    text: str
    notes: tuple[str, ...] = ()
    origin: tuple[int, int] | None = None


@dataclass(frozen=True)
class Heading:
    """A heading in force where a table stands, and what its section said before the table.

    Attributes:
        level: 1 to 6.
        text: The heading's text (may be empty: some exports write ``### `` and put the title
            on the next line, which then is the first line of ``body``).
        body: Text lines between the heading and the table (tables excluded), in order.
        codes: Inline code spans in ``body`` (model ids are often written that way).
    """

    level: int
    text: str
    body: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        """The heading's text, or the first line under an empty heading."""
        if self.text:
            return self.text
        return self.body[0] if self.body else ""


@dataclass(frozen=True)
class Table:
    """A table read off a page, with everything around it that can say what it prices.

    Attributes:
        index: 1-based position among the page's tables.
        rows: The grid, every row as wide as the widest; spans are copied into each cell
            they cover.
        header_rows: How many leading rows are headers.
        caption: The table's caption, if any.
        headings: Headings in force, outermost first.
        lead: Text lines between the previous table (or heading) and this table.
        line: Line of the header row in a Markdown page (None for HTML).
        row_lines: Line of each row in a Markdown page (empty for HTML).
    """

    index: int
    rows: tuple[tuple[Cell, ...], ...]
    header_rows: int = 1
    caption: str = ""
    headings: tuple[Heading, ...] = ()
    lead: tuple[str, ...] = ()
    line: int | None = None
    row_lines: tuple[int, ...] = field(default=())

    @property
    def width(self) -> int:
        return len(self.rows[0]) if self.rows else 0

    @property
    def where(self) -> str:
        """Where the table is, for people: ``table 3 (line 112)`` or ``table 3``."""
        return f"table {self.index}" + (f" (line {self.line})" if self.line else "")

    def cell_where(self, row: int, column: int) -> str:
        """Where one cell is: the table, the row (and its line) and the column."""
        line = f", line {self.row_lines[row]}" if row < len(self.row_lines) else ""
        return f"table {self.index}, row {row + 1}{line}, column {column + 1}"

    def section_codes(self) -> tuple[str, ...]:
        """Inline code spans of the innermost heading section that has any."""
        for heading in reversed(self.headings):
            if heading.codes:
                return heading.codes
        return ()
