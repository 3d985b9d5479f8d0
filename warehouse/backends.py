"""Where the warehouse lives: one embedded DuckDB file (the default) or a DuckLake.

Everything above the warehouse holds a :data:`Warehouse` and calls
:func:`warehouse.connection.connect`, :func:`warehouse.snapshot.publish_snapshot` and
:func:`warehouse.snapshot.connect_reader` with it; what differs between the two backends is
decided in these modules only:

- :class:`EmbeddedFile`: one DuckDB file. One writer at a time (others wait for its lock);
  readers read the snapshot published after each write (warehouse/snapshot.py).
- :class:`DuckLake`: the catalog in PostgreSQL (``ducklake:postgres:dbname=… host=…``), the
  data as Parquet files under a path every writer and reader sees. Many processes write at
  once; every transaction is one DuckLake snapshot, so readers see whole runs without a
  published copy. The SQL is the same; the few statements DuckLake cannot run are adapted in
  one place (warehouse/ducklake.py).

Conflicts. DuckLake retries a commit by itself when the concurrent changes do not touch the
same things (``ducklake_max_retry_count``). Two transactions where one deletes or updates rows
of a table that the other writes to (every load updates ``price_history``) cannot both
commit: the second fails with a transaction conflict. :func:`retry_conflicts` is the policy
for those: the whole transaction is rolled back and run again from the start, on the newer
snapshot, after a jittered, growing wait, up to ``attempts`` times. Loads are idempotent
(natural keys), so a rerun gives exactly what a first run on that snapshot would.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
DUCKLAKE_PREFIX = "ducklake:"
_PASSWORD = re.compile(r"(password\s*=\s*)(\S+)", re.IGNORECASE)


@dataclass(frozen=True)
class EmbeddedFile:
    """The default: the whole warehouse in one DuckDB file."""

    path: Path

    @property
    def label(self) -> str:
        return str(self.path)


@dataclass(frozen=True)
class DuckLake:
    """A DuckLake: catalog database plus a folder (or bucket) of Parquet data files.

    Attributes:
        catalog: What follows ``ducklake:``: ``postgres:dbname=… host=…`` for the multi-writer
            set-up; a file path (a DuckDB catalog, one process at a time) works for trying it.
        data_path: Where the Parquet files go; every worker must see the same path.
        extension_dir: The folder the DuckDB extensions were installed into (offline).
    """

    catalog: str
    data_path: str
    extension_dir: Path

    @property
    def label(self) -> str:
        """The catalog without its password, and the data path: safe to print."""
        return f"{DUCKLAKE_PREFIX}{redact(self.catalog)} (data {self.data_path})"

    @property
    def extensions(self) -> tuple[str, ...]:
        """The DuckDB extensions attaching this lake needs."""
        if self.catalog.startswith("postgres:"):
            return ("ducklake", "postgres_scanner")
        return ("ducklake",)


Warehouse = EmbeddedFile | DuckLake


def redact(text: str) -> str:
    """``text`` with every ``password=…`` of a connection string replaced by ``***``: DuckDB's
    attach errors quote the whole catalog string, and errors end up in logs."""
    return _PASSWORD.sub(r"\1***", text)


def is_ducklake_spec(value: str | Path | None) -> bool:
    """Whether a --db / DEFLATOR_WAREHOUSE value names a DuckLake rather than a file."""
    return isinstance(value, str) and value.startswith(DUCKLAKE_PREFIX)


def as_warehouse(where: Warehouse | Path | str) -> Warehouse:
    """A warehouse from a :data:`Warehouse` or a file path (tests and old callers pass paths)."""
    if isinstance(where, EmbeddedFile | DuckLake):
        return where
    if is_ducklake_spec(where):
        raise ValueError(
            "a DuckLake needs its data path and extension folder: build it with "
            "flows.settings (DEFLATOR_WAREHOUSE) or warehouse.backends.DuckLake"
        )
    return EmbeddedFile(Path(where))


def is_conflict(error: BaseException) -> bool:
    """Whether ``error`` is (or was raised while handling) a DuckLake transaction conflict.

    A conflict surfaces at COMMIT, which ends the transaction; a writer whose except-branch
    then runs ROLLBACK gets "no transaction is active" with the conflict as its context.
    """
    import duckdb  # not at module level: flows.settings imports this module for every command

    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, duckdb.TransactionException) and "conflict" in str(seen).lower():
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def rollback(con) -> None:
    """ROLLBACK, unless a failed COMMIT already ended the transaction.

    A DuckLake conflict fails the COMMIT and ends the transaction; a plain ROLLBACK would then
    raise "no transaction is active" and hide the conflict.
    """
    import duckdb

    try:
        con.execute("ROLLBACK")
    except duckdb.TransactionException as error:
        if "no transaction is active" not in str(error):
            raise


def retry_conflicts(
    work: Callable[[], T],
    attempts: int = 30,
    max_wait_s: float = 30.0,
    on_retry: Callable[[int, BaseException], None] | None = None,
) -> T:
    """Run ``work`` (one whole transaction) until it commits without a conflict.

    ``work`` must roll its transaction back when it fails (every writer here does) and be
    safe to run again. Anything but a conflict is raised at once; a conflict on the last
    attempt is raised too. Between attempts it waits a random share of the failed attempt's
    own duration times 1, 2, 4, 8… (capped at ``max_wait_s``): writers that collided spread
    out over about as many transaction lengths as there are of them, instead of colliding
    again and again.
    """
    for attempt in range(1, attempts + 1):
        started = time.monotonic()
        try:
            return work()
        except Exception as error:
            if not is_conflict(error) or attempt == attempts:
                raise
            if on_retry is not None:
                on_retry(attempt, error)
            spent = time.monotonic() - started
            window = min(max_wait_s, max(spent, 0.01) * 2 ** min(attempt - 1, 5))
            time.sleep(random.uniform(0, window))
    raise AssertionError("unreachable")  # pragma: no cover
