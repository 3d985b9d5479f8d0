"""Fetch every page of a source: its URLs, and for paged APIs the pages each one links to.

A paged API (Azure's Retail Prices API answers 1,000 items a page and names the next page in
``NextPageLink``) is one source with one start URL; the source's ``next_page`` reads the link
off each page. Following stops at the last page, at a link already fetched (a server that
links in a circle), or at :data:`MAX_PAGES_PER_URL` pages, which fails the source rather than
fetching for ever.
"""

from __future__ import annotations

from schemas.observation import FetchedPage
from scrapers.base import Source
from scrapers.fetch import Fetcher, FetchError

MAX_PAGES_PER_URL = 500


def fetch_pages(fetcher: Fetcher, source: Source, urls: list[str]) -> list[FetchedPage]:
    """Every page of ``source`` starting from ``urls``, in order (each archived on fetch).

    Raises:
        FetchError: A page failed, or a start URL led to more than MAX_PAGES_PER_URL pages.
    """
    pages: list[FetchedPage] = []
    for start in urls:
        url: str | None = start
        seen: set[str] = set()
        while url is not None and url not in seen:
            if len(seen) == MAX_PAGES_PER_URL:
                raise FetchError(start, f"more than {MAX_PAGES_PER_URL} pages; stopped following")
            seen.add(url)
            page = fetcher.fetch(source.name, url, source.redirect_hosts)
            pages.append(page)
            url = source.next_page(page) if source.next_page is not None else None
    return pages
