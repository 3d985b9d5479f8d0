"""Generic extraction of LLM pricing tables from HTML and Markdown pages, by meaning.

Modules, one job each:

* :mod:`~scrapers.pricing_tables.html` / :mod:`~scrapers.pricing_tables.markdown`: a page's
  tables as one shape (:class:`~scrapers.pricing_tables.model.Table`), spans expanded, with
  their caption, headings, section text and the lines before them.
* :mod:`~scrapers.pricing_tables.headers`: what a header or label says (component, unit,
  tier, pricing mode).
* :mod:`~scrapers.pricing_tables.cells`: the amounts in a cell and their qualifiers.
* :mod:`~scrapers.pricing_tables.items`: what an item label names (one name per model,
  dates as effective dates, badges removed).
* :mod:`~scrapers.pricing_tables.reader`: a table's prices (:class:`PriceCell`).
* :mod:`~scrapers.pricing_tables.prose`: prices stated in sentences.
* :mod:`~scrapers.pricing_tables.output`: hand prices, problems and skips to a
  :class:`~scrapers.collect.PageCollector`; a conflicting price fails the page.

The invariants every source gets from this package (docs/table-invariants.md): conflicts are
never resolved by order; a model comes from the table, never from text around it; a price
column nobody understands is reported; dates in labels are effective dates; pricing modes are
tiers; one sku per model, badges never in a sku.

A provider module decides only what is provider-specific: which tables or sections count,
and how an item name becomes a stable sku.
"""

from __future__ import annotations

from schemas.observation import FetchedPage
from scrapers.pricing_tables.html import html_tables
from scrapers.pricing_tables.markdown import markdown_tables
from scrapers.pricing_tables.model import Cell, Heading, Table
from scrapers.pricing_tables.reader import CellProblem, PriceCell, TableReading, read_table

__all__ = [
    "Cell",
    "CellProblem",
    "Heading",
    "PriceCell",
    "Table",
    "TableReading",
    "html_tables",
    "is_html",
    "markdown_tables",
    "page_tables",
    "read_table",
]

_HTML_TYPES = ("text/html", "application/xhtml")
_MARKDOWN_TYPES = ("text/markdown", "text/x-markdown", "text/plain")


def is_html(page: FetchedPage, text: str) -> bool:
    """Whether a page is HTML: by its Content-Type, else by its first bytes and tags."""
    content_type = page.headers.get("content-type", "").lower()
    if content_type.startswith(_HTML_TYPES):
        return True
    if content_type.startswith(_MARKDOWN_TYPES):
        return False
    head = text.lstrip()[:200].lower()
    return head.startswith(("<!doctype html", "<html")) or "<table" in text.lower()


def page_tables(page: FetchedPage, text: str) -> list[Table]:
    """The tables of a page's decoded text, read as HTML or Markdown as the page is."""
    return html_tables(text) if is_html(page, text) else markdown_tables(text)
