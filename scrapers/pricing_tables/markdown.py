"""Read the pipe tables of a Markdown page, with the headings and text around them.

Several providers publish their pricing docs as Markdown (a ``.md`` variant of the docs URL),
and many captures of pricing pages are Markdown conversions. This reader finds pipe tables the
way GitHub does (a row of cells followed by a delimiter row of dashes), including tables
written without outer pipes (``Model| Input| Output``), and returns them as the same
:class:`~scrapers.pricing_tables.model.Table` the HTML reader returns.

Around each table it keeps the headings in force (ATX ``##`` and setext ``===``/``---``
headings), the text of each heading's section before the table and its inline code spans
(model ids are often written as code), and the lines just before the table. Front matter and
fenced code blocks are not read.

Inline markup in cells is reduced to text: links keep their text, emphasis and code marks are
dropped, backslash escapes are undone (``\\<= 200k`` reads ``<= 200k``), ``<br>`` becomes a line
break, and footnote marks (``<sup>1</sup>``, ``^\\*^``) are taken out of the text.
"""

from __future__ import annotations

import html
import re

from scrapers.pricing_tables.model import Cell, Heading, Table
from scrapers.pricing_tables.text import clean_block, clean_line

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t#]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_DELIMITER_CELL = re.compile(r"^\s*:?-+:?\s*$")
_CODE_SPAN = re.compile(r"`+([^`]+?)`+")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()]|\([^()]*\))*\)")
_SUP = re.compile(r"<sup>(.*?)</sup>", re.IGNORECASE | re.DOTALL)
_CARET_NOTE = re.compile(r"\^((?:\\?[*†‡]|\d){1,4})\^")
_BREAK_TAG = re.compile(r"<(?:br|hr|p|/p|li|/li)\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_STRONG = re.compile(r"(?<!\\)(\*\*|__)(.+?)(?<!\\)\1")
_EMPHASIS = re.compile(r"(?<![\\\w*])([*_])(?=\S)(.+?)(?<=\S)(?<!\\)\1(?![\w*])")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|^~=$&])")
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_LEAD_LINES = 20
_BODY_LINES = 60


def markdown_tables(text: str) -> list[Table]:
    """Every pipe table of a Markdown document, in document order."""
    lines = text.splitlines()
    tables: list[Table] = []
    headings: list[_OpenHeading] = []
    lead: list[str] = []
    index = _skip_front_matter(lines)
    in_fence = False

    def add_text(raw: str) -> None:
        nonlocal lead
        codes = [clean_line(c) for c in _CODE_SPAN.findall(raw)]
        line = clean_line(inline_text(_BULLET.sub("", raw))[0].replace("\n", " "))
        if headings:
            headings[-1].codes.extend(c for c in codes if c)
            if line and len(headings[-1].body) < _BODY_LINES:
                headings[-1].body.append(line)
        if line:
            lead = [*lead[-(_LEAD_LINES - 1) :], line]

    def open_heading(level: int, title: str) -> None:
        nonlocal lead
        while headings and headings[-1].level >= level:
            headings.pop()
        headings.append(_OpenHeading(level, clean_line(inline_text(title)[0])))
        lead = []

    while index < len(lines):
        line = lines[index]
        if _FENCE.match(line):
            in_fence = not in_fence
            index += 1
            continue
        if in_fence or not line.strip():
            index += 1
            continue
        atx = _ATX.match(line)
        if atx:
            open_heading(len(atx.group(1)), atx.group(2) or "")
            index += 1
            continue
        if _is_table_start(lines, index):
            table, index = _read_table(lines, index, len(tables) + 1, headings, lead)
            tables.append(table)
            lead = []
            continue
        nxt = lines[index + 1] if index + 1 < len(lines) else ""
        setext = _SETEXT.match(nxt)
        if setext and "|" not in line:
            open_heading(1 if setext.group(1).startswith("=") else 2, line)
            index += 2
            continue
        add_text(line)
        index += 1
    return tables


class _OpenHeading:
    def __init__(self, level: int, text: str) -> None:
        self.level = level
        self.text = text
        self.body: list[str] = []
        self.codes: list[str] = []

    def freeze(self) -> Heading:
        return Heading(self.level, self.text, tuple(self.body), tuple(self.codes))


def inline_text(raw: str) -> tuple[str, tuple[str, ...]]:
    """Markdown inline markup reduced to visible text, and the footnote marks taken out."""
    notes: list[str] = []

    def note(match: re.Match[str]) -> str:
        mark = clean_line(_TAG.sub("", match.group(1)).replace("\\", ""))
        if mark:
            notes.append(mark)
        return ""

    text = _SUP.sub(note, raw)
    text = _CARET_NOTE.sub(note, text)
    text = _BREAK_TAG.sub("\n", text)
    text = _IMAGE.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _TAG.sub("", text)
    text = _CODE_SPAN.sub(r"\1", text)
    text = _STRONG.sub(r"\2", text)
    text = _EMPHASIS.sub(r"\2", text)
    text = _ESCAPE.sub(r"\1", text)
    return clean_block(html.unescape(text)), tuple(notes)


def split_row(line: str) -> list[str]:
    """A table row's cells: split on pipes that are not escaped and not inside code spans."""
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    cells: list[str] = []
    current: list[str] = []
    in_code = False
    i = 0
    while i < len(body):
        char = body[i]
        if char == "\\" and i + 1 < len(body):
            current.append(body[i : i + 2])
            i += 2
            continue
        if char == "`":
            in_code = not in_code
        if char == "|" and not in_code:
            cells.append("".join(current))
            current = []
        else:
            current.append(char)
        i += 1
    cells.append("".join(current))
    return cells


def _is_delimiter(line: str) -> bool:
    if "-" not in line:
        return False
    cells = split_row(line)
    if len(cells) < 2 and "|" not in line:
        return False
    return all(_DELIMITER_CELL.match(cell) for cell in cells)


def _is_table_start(lines: list[str], index: int) -> bool:
    return (
        "|" in lines[index]
        and index + 1 < len(lines)
        and _is_delimiter(lines[index + 1])
        and len(split_row(lines[index])) >= 1
    )


def _read_table(
    lines: list[str],
    start: int,
    number: int,
    headings: list[_OpenHeading],
    lead: list[str],
) -> tuple[Table, int]:
    header = split_row(lines[start])
    width = len(header)
    raw_rows = [header]
    row_lines = [start + 1]
    index = start + 2
    while index < len(lines) and lines[index].strip() and "|" in lines[index]:
        if not _is_delimiter(lines[index]):
            raw_rows.append(split_row(lines[index]))
            row_lines.append(index + 1)
        index += 1
    rows = []
    for raw in raw_rows:
        cells = [*raw[:width], *[""] * (width - len(raw))]
        row = []
        for cell in cells:
            text, notes = inline_text(cell)
            row.append(Cell(text, notes))
        rows.append(tuple(row))
    table = Table(
        index=number,
        rows=tuple(rows),
        header_rows=1,
        headings=tuple(h.freeze() for h in headings),
        lead=tuple(lead),
        line=start + 1,
        row_lines=tuple(row_lines),
    )
    return table, index


def _skip_front_matter(lines: list[str]) -> int:
    if not lines or lines[0].strip() != "---":
        return 0
    for index in range(1, min(len(lines), 60)):
        if lines[index].strip() == "---":
            return index + 1
    return 0
