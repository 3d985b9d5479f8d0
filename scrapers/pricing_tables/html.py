"""Read the tables of an HTML page, with spans expanded and the headings and text around them.

Tables are found as ``<table>`` elements wherever they sit (no CSS class is relied on). For
each, the reader keeps what can say what the table prices: its ``<caption>``, the headings in
force (each with the text and inline ``<code>`` of its section before the table) and the lines
of text just before it. Navigation, scripts, styles and SVG are not read.

Cells: ``rowspan``/``colspan`` are expanded into a rectangular grid (a spanned cell's text is
copied into every position it covers, remembering where it was written); ``<sup>`` content is
taken out of the text as a footnote mark; ``<br>`` and block elements become line breaks.
Header rows are the rows in ``<thead>`` or made only of ``<th>``; a table with neither has its
first row as header.
"""

from __future__ import annotations

from bs4 import BeautifulSoup
from bs4.element import NavigableString, PreformattedString, Tag

from scrapers.pricing_tables.model import Cell, Heading, Table
from scrapers.pricing_tables.text import clean_block, clean_line

_SKIP = frozenset(
    {"script", "style", "noscript", "template", "svg", "nav", "aside", "footer", "head", "iframe"}
)
_HEADINGS = {f"h{level}": level for level in range(1, 7)}
_INLINE = frozenset(
    {
        "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i",
        "kbd", "label", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup",
        "time", "u", "var", "wbr",
    }
)  # fmt: skip
_MAX_SPAN = 100
_LEAD_LINES = 20
_BODY_LINES = 60


def html_tables(markup: str) -> list[Table]:
    """Every table of an HTML document (or fragment), in document order."""
    soup = BeautifulSoup(markup, "lxml")
    walker = _Walker()
    walker.walk(soup)
    return walker.tables


class _OpenHeading:
    def __init__(self, level: int, text: str) -> None:
        self.level = level
        self.text = text
        self.body: list[str] = []
        self.codes: list[str] = []

    def freeze(self) -> Heading:
        return Heading(self.level, self.text, tuple(self.body), tuple(self.codes))


class _Walker:
    """Walks the document once, in order, collecting tables and the text between them."""

    def __init__(self) -> None:
        self.tables: list[Table] = []
        self.headings: list[_OpenHeading] = []
        self.lead: list[str] = []
        self.buffer: list[str] = []

    def flush(self) -> None:
        line = clean_line("".join(self.buffer))
        self.buffer.clear()
        if not line:
            return
        self.lead = [*self.lead[-(_LEAD_LINES - 1) :], line]
        if self.headings and len(self.headings[-1].body) < _BODY_LINES:
            self.headings[-1].body.append(line)

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if not isinstance(child, PreformattedString):  # comments, doctype, CDATA
                    self.buffer.append(str(child))
                continue
            if not isinstance(child, Tag) or child.name in _SKIP:
                continue
            name = child.name
            if name in _HEADINGS:
                self._heading(_HEADINGS[name], child)
            elif name == "table":
                self.flush()
                self.tables.append(self._table(child))
                self.lead = []
            elif name == "br":
                self.flush()
            else:
                if name == "code" and self.headings:
                    code = clean_line(child.get_text())
                    if code:
                        self.headings[-1].codes.append(code)
                block = name not in _INLINE
                if block:
                    self.flush()
                self.walk(child)
                if block:
                    self.flush()

    def _heading(self, level: int, tag: Tag) -> None:
        self.flush()
        while self.headings and self.headings[-1].level >= level:
            self.headings.pop()
        self.headings.append(_OpenHeading(level, clean_line(tag.get_text(" "))))
        self.lead = []

    def _table(self, table: Tag) -> Table:
        caption_tag = table.find("caption")
        caption = clean_line(caption_tag.get_text(" ")) if caption_tag else ""
        rows, header_rows = _grid(table)
        return Table(
            index=len(self.tables) + 1,
            rows=rows,
            header_rows=header_rows,
            caption=caption,
            headings=tuple(h.freeze() for h in self.headings),
            lead=tuple(self.lead),
        )


def _grid(table: Tag) -> tuple[tuple[tuple[Cell, ...], ...], int]:
    """The table's cells as a rectangular grid with spans expanded, and its header row count."""
    trs = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    placed: dict[tuple[int, int], Cell] = {}
    header_flags: list[bool] = []
    row_index = 0
    for tr in trs:
        cells = tr.find_all(["td", "th"], recursive=False)
        if not cells:
            continue
        in_head = tr.find_parent("thead") is not None
        header_flags.append(in_head or all(c.name == "th" for c in cells))
        column = 0
        for tag in cells:
            while (row_index, column) in placed:
                column += 1
            text, notes = _cell_text(tag)
            rowspan, colspan = _span(tag, "rowspan"), _span(tag, "colspan")
            for dr in range(rowspan):
                for dc in range(colspan):
                    origin = None if (dr, dc) == (0, 0) else (row_index, column)
                    placed[(row_index + dr, column + dc)] = Cell(text, notes, origin)
            column += colspan
        row_index += 1
    if not placed:
        return (), 0
    height = max(r for r, _ in placed) + 1
    width = max(c for _, c in placed) + 1
    grid = tuple(tuple(placed.get((r, c), Cell("")) for c in range(width)) for r in range(height))
    header_rows = 0
    for flag in header_flags:
        if not flag:
            break
        header_rows += 1
    if header_rows == 0 and height > 1:
        header_rows = 1  # no <thead>/<th>: the first row names the columns
    return grid, min(header_rows, height)


def _span(tag: Tag, name: str) -> int:
    try:
        value = int(str(tag.get(name, "1")).strip() or "1")
    except ValueError:
        return 1
    return max(1, min(value, _MAX_SPAN))


def _cell_text(tag: Tag) -> tuple[str, tuple[str, ...]]:
    """A cell's visible text (line breaks kept) and the footnote marks taken out of it."""
    notes = []
    for sup in tag.find_all("sup"):
        mark = clean_line(sup.get_text())
        if mark:
            notes.append(mark)
        sup.decompose()
    parts: list[str] = []
    _collect(tag, parts)
    return clean_block("".join(parts)), tuple(notes)


def _collect(node: Tag, parts: list[str]) -> None:
    for child in node.children:
        if isinstance(child, NavigableString):
            if not isinstance(child, PreformattedString):
                parts.append(str(child))
        elif isinstance(child, Tag) and child.name not in _SKIP:
            if child.name in ("br", "hr"):
                parts.append("\n")
                continue
            block = child.name not in _INLINE
            if block:
                parts.append("\n")
            _collect(child, parts)
            if block:
                parts.append("\n")


def html_text(markup: str) -> str:
    """A page's visible text, one line per block element (inline markup kept within a line)."""
    parts: list[str] = []
    _collect(BeautifulSoup(markup, "lxml"), parts)
    return clean_block("".join(parts))
