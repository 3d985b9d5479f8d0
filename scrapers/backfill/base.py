"""What a historical dataset is, and the bookkeeping its importers share.

A dataset differs from a nightly price list in one way that matters: one file holds many dated
prices of the same series. Each row says when the source *observed* the price (a mirror's
commit date, an archived page's capture time) and, where the source knows it, when the price
*took effect*. :class:`DatasetCollector` therefore dates every observation by its row, not by
the file's capture time, and keeps one observation per series *and* date.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import ClassVar

from pydantic import ValidationError

from schemas.enums import CANONICAL_UNIT_OF, Component, Currency, Leg
from schemas.models import BenchmarkScore
from schemas.observation import FetchedPage, Observation
from scrapers.base import Source, SourceKind
from scrapers.collect import PageCollector

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
JSON_CONTENT_TYPE = "application/json"


@dataclass(frozen=True)
class Dataset:
    """A historical dataset: its Source (recordings in shared data) and its provenance.

    Attributes:
        source: The same record nightly sources use. ``urls`` name the files upstream at the
            recorded commit; ``backfill`` always replays the recordings.
        provenance: Repository, path and commit (or URL) as the PROVENANCE file gives them.
        license: The license as the PROVENANCE file states it (or that none was found).
        about: A paragraph for ``deflator backfill --help``: what the rows are, which date is
            the observation and which the effective date, and the known traps.
        benchmarks: Reads capability scores from a page, for datasets that carry them.
        cadence_days: How often the dataset has a point per series (1 daily, 31 monthly, 365
            annual): a series ends at its last point plus this, in the indices.
        stale_after_days: How long after its last point a price of the dataset may still be
            called current (about two cadences: 18 months for an annual dataset).
        change_log: The dataset lists each series only when its price changes, and holds every
            series through its own last date: an open price is confirmed up to the dataset's
            newest point, not only at its own.
        dated_records: The rows are dated historical records captured long after (a table of
            prices by year): a row vouches for its price at its own date only, not at the
            capture. Otherwise a row's observation confirms the price then (a snapshot).
        regular_cadence: The dataset has a point for every series every cadence (EIA's annual
            and monthly tables): a gap longer than the cadence is missing data, so even a row
            that a later point closed ends a cadence after its own point. Otherwise a row
            holds until the next point of its series, as the history says.
    """

    source: Source
    provenance: str
    license: str
    about: str
    benchmarks: Callable[[FetchedPage], list[BenchmarkScore]] | None = None
    cadence_days: int = 31
    stale_after_days: int = 62
    change_log: bool = False
    dated_records: bool = False
    regular_cadence: bool = False
    kind: ClassVar[SourceKind] = SourceKind.DATASET  # every dataset is this kind of source

    @property
    def name(self) -> str:
        return self.source.name


def shared_url(path: str) -> str:
    """The URL a derived dataset (no upstream file of its own) is recorded under.

    ``.invalid`` is a reserved top-level domain: the URL can never be fetched, and says so.
    The dataset's provenance (the repositories and commits it was built from) is in its
    description and in the ``dataset_sources`` table.
    """
    return f"https://shared-data.invalid/{path}"


def day(text: str) -> datetime:
    """Midnight UTC of an ISO date ("2024-05-14"): a dataset date read as an observation time."""
    return datetime.combine(date.fromisoformat(text.strip()), datetime.min.time(), tzinfo=UTC)


def csv_rows(page: FetchedPage, required: set[str]) -> list[dict[str, str]]:
    """The rows of a CSV page; a missing column is a layout change and fails the dataset."""
    reader = csv.DictReader(io.StringIO(page.text().lstrip("\ufeff")))
    missing = required - set(reader.fieldnames or [])
    if missing:
        raise ValueError(f"{page.source}: columns missing from {page.url}: {sorted(missing)}")
    return [{k: (v or "").strip() for k, v in row.items() if k is not None} for row in reader]


class DatasetCollector(PageCollector):
    """A :class:`PageCollector` for pages that hold many dated prices per series.

    Every price carries its own ``observed_at`` (and optionally its own source URL and
    accelerator). One observation is kept per (provider, sku, component, tier, region,
    currency, observed_at, effective_date); a second one with the same key and the same price
    is dropped, with a different price it is reported as a ParseProblem.
    """

    def __init__(self, page: FetchedPage, *, source: str, leg: Leg, parser_version: str) -> None:
        super().__init__(page, source=source, leg=leg, parser_version=parser_version)
        self._dated: dict[tuple, tuple[Observation, str]] = {}

    def dated_price(
        self,
        *,
        provider: str,
        sku: str,
        model: str | None,
        component: Component,
        tier: str,
        region: str,
        currency: Currency,
        price: Decimal,
        published_text: str,
        published_unit: str,
        where: str,
        observed_at: datetime,
        effective_date: date | None = None,
        source_url: str | None = None,
        accelerator: str | None = None,
        accelerator_count: int | None = None,
    ) -> Observation | None:
        """Record one price in the component's canonical unit, dated by its row."""
        try:
            observation = Observation(
                source=self.source,
                leg=self.leg,
                provider=provider,
                sku=sku,
                model=model,
                component=component,
                tier=tier,
                region=region,
                price=price,
                currency=currency,
                unit=CANONICAL_UNIT_OF[component],
                published_text=published_text,
                published_unit=published_unit,
                observed_at=observed_at,
                effective_date=effective_date,
                source_url=source_url or self.page.url,
                page_hash=self.page_hash,
                parser_version=self.parser_version,
                accelerator=accelerator,
                accelerator_count=accelerator_count,
            )
        except ValidationError as error:
            self.problem(published_text, "; ".join(e["msg"] for e in error.errors()), where)
            return None
        key = (
            provider,
            sku,
            component.value,
            tier,
            region,
            currency.value,
            observation.observed_at,
            effective_date,
        )
        if key in self._dated:
            kept, kept_where = self._dated[key]
            if kept.price != observation.price:
                self.problem(
                    published_text,
                    f"duplicate of {kept_where} with a different price "
                    f"(kept {kept.published_text})",
                    where,
                )
            return None
        self._dated[key] = (observation, where)
        self.result.observations.append(observation)
        return observation
