"""What a source is: its URLs, its recordings for offline runs, and a parser."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from schemas.enums import Leg
from schemas.observation import FetchedPage, Observation, ParseProblem


class SourceKind(StrEnum):
    """What kind of publisher a source is; the price precedence ranks by it (lower wins).

    The ranks live in the ``source_kind_ranks`` table (migrations 005, 017 and 018); every source
    declares its kind, and a read-write connect writes each source's kind into
    ``source_kinds`` by exact name (warehouse/source_kinds.py).
    """

    FIRST_PARTY_PAGE = "first_party_page"  # 1: the provider's own pricing page
    FIRST_PARTY_API = "first_party_api"  # 2: the provider's own price or model API
    THIRD_PARTY_SCRAPE = "third_party_scrape"  # 4: a copy of a provider's page, scraped and
    #                                               published by someone else
    AGGREGATOR = "aggregator"  # 5: one listing of many providers (OpenRouter, LiteLLM, Vast)
    DATASET = "dataset"  # 7: a historical dataset imported by `deflator backfill`
    # Dated captures of live pages replayed by `deflator backfill` (page_history.py): each
    # ranks just below its live kind (migration 018), so tonight's page always wins.
    FIRST_PARTY_PAGE_HISTORY = "first_party_page_history"  # 3
    AGGREGATOR_HISTORY = "aggregator_history"  # 6


@dataclass(frozen=True)
class Recording:
    """A real recorded response in the shared data folder, replayed in place of ``url``.

    Attributes:
        url: The live URL the recording stands for.
        path: Path of the recorded body, relative to the shared data folder.
        captured_at: When the response was captured (from its PROVENANCE file); replayed
            pages carry it as their fetch time, so observations are dated truthfully.
        content_type: Content-Type to serve it with.
    """

    url: str
    path: str
    captured_at: datetime
    content_type: str = "application/json"


@dataclass
class ParseResult:
    """What a parser made of one page.

    Attributes:
        observations: Prices read, normalized, validated.
        problems: Entries that looked like prices but could not be read (page, text, why).
        skipped: Entries deliberately not taken as list prices, counted by reason
            (free variants, variable-price routers, fields in units deflator does not track).
    """

    observations: list[Observation] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)

    def extend(self, other: ParseResult) -> None:
        self.observations.extend(other.observations)
        self.problems.extend(other.problems)
        self.skipped.update(other.skipped)


class PriceConflict(ValueError):
    """One page gives two different prices for the same price key (sku, component, tier,
    region…): the page fails as a whole, naming both cells, so the source keeps its previous
    prices instead of storing either (docs/table-invariants.md).

    Attributes:
        result: What the page gave up to the failure, its problems naming every conflict (for
            ``deflator parse`` to show them all), when the parser kept it; else None.
    """

    def __init__(self, message: str, result: ParseResult | None = None) -> None:
        super().__init__(message)
        self.result = result


@dataclass(frozen=True)
class Source:
    """A source of prices: where to fetch, what was recorded, how to parse.

    Attributes:
        name: Stable name used in the run ledger, history and on the command line.
        leg: The cost-model leg its prices belong to.
        description: One line for ``deflator sources``.
        urls: Live URLs fetched each night, in order.
        recordings: Recorded responses that stand in for ``urls`` offline.
        parser_version: Bumped whenever the parser's output for the same page changes.
        parse: Turns one fetched page into a ParseResult; never touches the network.
        next_page: For paged APIs: the URL of the page after this one (read from the page,
            e.g. Azure's ``NextPageLink``), or None on the last page. Fetching follows it.
        redirect_hosts: Other hosts its URLs may redirect to; a redirect to any host not
            listed here (nor the URL's own) fails the fetch.
        stale_after_days: How long a price stays current without being seen again. A nightly
            source confirms its prices every night; a few missed nights are an outage, a week
            is a price nobody has confirmed (docs/input-hygiene.md, "Staleness").
        kind: What kind of publisher it is (:class:`SourceKind`): decides which of two
            listings of the same price wins. Every source must declare it (a test fails
            otherwise); None only so that a missing declaration can be reported by name.
    """

    name: str
    leg: Leg
    description: str
    urls: tuple[str, ...]
    recordings: tuple[Recording, ...]
    parser_version: str
    parse: Callable[[FetchedPage], ParseResult]
    next_page: Callable[[FetchedPage], str | None] | None = None
    redirect_hosts: tuple[str, ...] = ()
    stale_after_days: int = 5
    kind: SourceKind | None = None
