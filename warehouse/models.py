"""Model identity in the warehouse: the catalog, listing aliases, benchmarks, dataset provenance.

The reviewed files of :mod:`schemas.models` are the source of truth; this module copies them
into ``models`` and ``providers``, resolves every LLM listing the warehouse holds into
``model_aliases`` (with the rule that matched), stores capability scores in ``benchmarks`` and
records where each historical dataset came from in ``dataset_sources``. All of it in one
transaction (:func:`load_identity`), replacing what was there: running it twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from schemas.models import BenchmarkScore, ModelCatalog
from warehouse.sqlfiles import sql

CATALOG_FILE = "schemas/data/models.csv"
ALIASES_FILE = "schemas/data/model_aliases.csv"


@dataclass(frozen=True)
class DatasetRecord:
    """Provenance of one historical dataset, as ``dataset_sources`` keeps it."""

    source: str
    leg: str
    description: str
    provenance: str
    license: str
    files: tuple[str, ...]


@dataclass(frozen=True)
class Listing:
    """One LLM listing in the warehouse and how much rests on it."""

    provider: str
    sku: str
    sources: str
    observations: int
    history_rows: int


@dataclass
class IdentityReport:
    """What :func:`load_identity` wrote."""

    models: int = 0
    listings: int = 0
    matched: int = 0
    benchmarks: int = 0
    benchmarks_matched: int = 0
    datasets: int = 0

    @property
    def unmatched(self) -> int:
        return self.listings - self.matched


def listings(con: duckdb.DuckDBPyConnection) -> list[Listing]:
    """Every LLM listing (provider, sku) in observations or price_history, with counts."""
    return [Listing(*row) for row in con.execute(sql("model_listings")).fetchall()]


def unmatched_listings(con: duckdb.DuckDBPyConnection, catalog: ModelCatalog) -> list[Listing]:
    """The listings no rule of ``catalog`` resolves, most observed first."""
    found = [item for item in listings(con) if catalog.resolve(item.provider, item.sku) is None]
    return sorted(found, key=lambda item: (-item.observations, item.provider, item.sku))


def load_identity(
    con: duckdb.DuckDBPyConnection,
    catalog: ModelCatalog,
    scores: Sequence[BenchmarkScore] = (),
    datasets: Iterable[DatasetRecord] = (),
) -> IdentityReport:
    """Write catalog, providers, aliases of every listing, benchmarks and dataset provenance.

    One transaction. Benchmarks are replaced per source (only the sources in ``scores``), so
    a later loader of another benchmark source leaves these rows alone.
    """
    report = IdentityReport()
    now = datetime.now(UTC).replace(tzinfo=None)
    con.execute("BEGIN TRANSACTION")
    try:
        report.models = _replace_catalog(con, catalog)
        report.listings, report.matched = _replace_aliases(con, catalog)
        report.benchmarks, report.benchmarks_matched = _replace_benchmarks(
            con, catalog, scores, now
        )
        report.datasets = _record_datasets(con, datasets, now)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return report


def _insert(con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, list]) -> None:
    if not next(iter(columns.values())):
        return
    con.register("rows_arrow", pa.table(columns))
    try:
        names = ", ".join(columns)
        con.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM rows_arrow")
    finally:
        con.unregister("rows_arrow")


def _replace_catalog(con: duckdb.DuckDBPyConnection, catalog: ModelCatalog) -> int:
    con.execute("DELETE FROM models")
    con.execute("DELETE FROM providers")
    models = list(catalog.models.values())
    _insert(
        con,
        "models",
        {
            "model_id": [m.model_id for m in models],
            "developer": [m.developer for m in models],
            "family": [m.family for m in models],
            "open_weights": pa.array([m.open_weights for m in models], pa.bool_()),
            "release_date": pa.array([m.release_date for m in models], pa.date32()),
            "context_window": pa.array([m.context_window for m in models], pa.int64()),
            "note": [m.note or None for m in models],
        },
    )
    _insert(
        con,
        "providers",
        {
            "provider": list(catalog.providers),
            "organization": list(catalog.providers.values()),
        },
    )
    return len(models)


def _replace_aliases(con: duckdb.DuckDBPyConnection, catalog: ModelCatalog) -> tuple[int, int]:
    con.execute("DELETE FROM model_aliases")
    rows = []
    every = listings(con)
    for item in every:
        match = catalog.resolve(item.provider, item.sku)
        if match is None:
            continue
        file = ALIASES_FILE if match.rule.startswith("alias") else CATALOG_FILE
        rows.append((item.provider, item.sku, match.model_id, match.rule, match.variant, file))
    _insert(
        con,
        "model_aliases",
        {
            name: [row[i] for row in rows]
            for i, name in enumerate(
                ["provider", "listing_id", "model_id", "rule", "variant", "source"]
            )
        },
    )
    return len(every), len(rows)


def _replace_benchmarks(
    con: duckdb.DuckDBPyConnection,
    catalog: ModelCatalog,
    scores: Sequence[BenchmarkScore],
    now: datetime,
) -> tuple[int, int]:
    for source in sorted({s.source for s in scores}):
        con.execute("DELETE FROM benchmarks WHERE source = ?", [source])
    resolved = [catalog.resolve(s.provider, s.model_name) for s in scores]
    _insert(
        con,
        "benchmarks",
        {
            "model_id": [m.model_id if m else None for m in resolved],
            "model_name": [s.model_name for s in scores],
            "benchmark": [s.benchmark for s in scores],
            "score": pa.array([s.score for s in scores], pa.decimal128(12, 4)),
            "source": [s.source for s in scores],
            "date": pa.array([s.date for s in scores], pa.date32()),
            "loaded_at": pa.array([now] * len(scores), pa.timestamp("us")),
        },
    )
    return len(scores), sum(m is not None for m in resolved)


def _record_datasets(
    con: duckdb.DuckDBPyConnection, datasets: Iterable[DatasetRecord], now: datetime
) -> int:
    count = 0
    for record in datasets:
        # Delete-then-insert and NOT EXISTS, not INSERT OR REPLACE / OR IGNORE: the same SQL
        # on a DuckLake, which has no keys (warehouse/ducklake.py).
        con.execute("DELETE FROM dataset_sources WHERE source = ?", [record.source])
        con.execute(
            "INSERT INTO dataset_sources VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                record.source,
                record.leg,
                record.description,
                record.provenance,
                record.license,
                "; ".join(record.files),
                now,
            ],
        )
        con.execute(
            "INSERT INTO source_kinds SELECT ?, 'dataset' "
            "WHERE NOT EXISTS (SELECT 1 FROM source_kinds WHERE source = ?)",
            [record.source, record.source],
        )
        count += 1
    return count
