"""The DuckLake backend: attach the lake, and the ONE place its SQL differs from DuckDB's.

Measured on DuckDB 1.5.5 with its DuckLake extension (format 1.0), DuckLake tables take every
column type the warehouse uses (DECIMAL(28, 12), TIMESTAMP, DATE, JSON, BOOLEAN…), NOT NULL,
DEFAULT, views (window functions, QUALIFY), UPDATE and DELETE, ALTER TABLE ADD COLUMN and
temporary tables next to the lake in one transaction. It refuses, with "Not implemented":

- PRIMARY KEY and UNIQUE constraints, and CREATE INDEX (it has neither constraints nor
  indexes);
- CHECK constraints and sequences (the warehouse uses neither);
- ``INSERT … RETURNING`` and ``INSERT OR REPLACE`` / ``ON CONFLICT`` (they need a key).

The migrations are written once, for DuckDB. :func:`adapt_migration` is where their text is
changed for DuckLake, and only there: it drops PRIMARY KEY / UNIQUE clauses and CREATE INDEX
statements. What those keys guaranteed is kept by the writers, for both backends alike: every
table with a key is written by delete-then-insert of the key's rows (or NOT EXISTS) inside
one transaction, never by INSERT OR REPLACE or RETURNING. Anything else DuckLake cannot run
fails loudly when the migration is applied, never silently.

Migrations can race: two workers attaching a fresh lake at the same moment would both create
the tables. Each migration therefore runs in a transaction that also updates one guard row
(``schema_migrations`` version 0): two such transactions always conflict, the second is rolled
back and retried (warehouse.backends.retry_conflicts), finds the migration applied and skips
it. Creating the same table twice conflicts as well.
"""

from __future__ import annotations

import re
import time

import duckdb

from warehouse.backends import DuckLake
from warehouse.extensions import load_extensions, offline_config

ALIAS = "lake"
# A commit of at most this many rows into a table is kept in the catalog database instead of
# a new Parquet file (DuckLake's default: 10). Every load adds a few rows to the ledger
# tables and moves some history rows: as files, each run would add a handful of tiny files
# that every later scan opens (measured: a 20-row load went from 0.9 s to 1.6 s over 50
# runs; inlined, it stayed at 0.9 s).
DATA_INLINING_ROW_LIMIT = 1000
GUARD_VERSION = 0
SCHEMA_MIGRATIONS = (
    "CREATE TABLE IF NOT EXISTS schema_migrations "
    "(version INTEGER NOT NULL, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
)
# Inserted with the table; every migration transaction updates it (see the module docstring).
GUARD_INSERT = (
    "INSERT INTO schema_migrations SELECT 0, 'guard: every migration updates this row', "
    "now()::TIMESTAMP WHERE NOT EXISTS (SELECT 1 FROM schema_migrations WHERE version = 0)"
)
GUARD_UPDATE = "UPDATE schema_migrations SET applied_at = now()::TIMESTAMP WHERE version = 0"

_LITERAL_OR_COMMENT = re.compile(
    r"""'(?:[^']|'')*'      # a string literal ('' is a quote inside it)
      | "(?:[^"]|"")*"      # a quoted identifier
      | --[^\n]*            # a line comment
      | /\*.*?\*/           # a block comment
    """,
    re.VERBOSE | re.DOTALL,
)
_HOLE = "\x00{}\x00"
_REWRITES = (
    # CREATE [UNIQUE] INDEX … ; DuckLake has no indexes (nor needs them: it scans Parquet).
    (re.compile(r"\bCREATE\s+(?:UNIQUE\s+)?INDEX\b[^;]*;?", re.IGNORECASE), ""),
    # Table constraints: `, PRIMARY KEY (a, b)` and `, UNIQUE (a, b)`.
    (re.compile(r",\s*(?:PRIMARY\s+KEY|UNIQUE)\s*\([^()]*\)", re.IGNORECASE), ""),
    # Column constraints: `id VARCHAR PRIMARY KEY`, `name VARCHAR UNIQUE`.
    (re.compile(r"\s+(?:PRIMARY\s+KEY|UNIQUE)\b", re.IGNORECASE), ""),
)


def adapt_migration(text: str) -> str:
    """A migration's DuckDB SQL as DuckLake runs it: without keys, unique constraints and
    indexes. Literals, quoted names and comments are left exactly as they are."""
    kept: list[str] = []

    def hole(match: re.Match[str]) -> str:
        token = match.group(0)
        if token.startswith(("--", "/*")):
            return " "
        kept.append(token)
        return _HOLE.format(len(kept) - 1)

    code = _LITERAL_OR_COMMENT.sub(hole, text)
    for pattern, replacement in _REWRITES:
        code = pattern.sub(replacement, code)
    return re.sub("\x00(\\d+)\x00", lambda m: kept[int(m.group(1))], code)


# Attaching a new catalog creates DuckLake's own tables in it. Two writers attaching the same
# new catalog at once (the legs of the first scale-out run) both try; PostgreSQL lets one
# commit and fails the other on its unique index. The catalog then exists: attach again.
INIT_RACE_ATTEMPTS = 5


def is_init_race(error: BaseException) -> bool:
    """Whether ``error`` is losing the race to create a new lake's catalog tables."""
    text = str(error)
    return "Failed to initialize DuckLake" in text and (
        "already exists" in text or "duplicate key" in text
    )


def attach(lake: DuckLake, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the lake attached as ``lake`` and selected (``USE lake``).

    Unqualified names then mean the lake's tables, and temporary tables stay in the
    connection's own memory, so every query of the warehouse runs unchanged. The extensions
    are loaded from the project's folder; nothing is downloaded. A writer that loses the race
    to create a new catalog (:func:`is_init_race`) attaches again, up to
    :data:`INIT_RACE_ATTEMPTS` times.
    """
    for attempt in range(1, INIT_RACE_ATTEMPTS + 1):
        try:
            return _attach_once(lake, read_only)
        except duckdb.Error as error:
            if attempt == INIT_RACE_ATTEMPTS or not is_init_race(error):
                raise
            time.sleep(0.2 * attempt)
    raise AssertionError("unreachable")


def _attach_once(lake: DuckLake, read_only: bool) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(config=offline_config(lake.extension_dir))
    try:
        load_extensions(con, lake.extensions)
        options = []
        if not read_only:
            options += [f"DATA_PATH {_quote(lake.data_path)}"]
            options += [f"DATA_INLINING_ROW_LIMIT {DATA_INLINING_ROW_LIMIT}"]
        if read_only:
            options.append("READ_ONLY")
        suffix = f" ({', '.join(options)})" if options else ""
        con.execute(f"ATTACH {_quote('ducklake:' + lake.catalog)} AS {ALIAS}{suffix}")
        con.execute(f"USE {ALIAS}")
    except BaseException:
        con.close()
        raise
    return con


def allow_data_path(con: duckdb.DuckDBPyConnection) -> str:
    """Let the lake's own data files be read even where file access gets turned off.

    `deflator query` turns DuckDB's external file access off (warehouse/safe_query.py); a
    DuckLake reads its Parquet files through that same file system, so readers name the
    lake's data path in ``allowed_directories``: it and nothing else stays readable.
    Returns the data path.
    """
    (path,) = con.execute(
        f"SELECT value FROM ducklake_options('{ALIAS}') WHERE option_name = 'data_path'"
    ).fetchone()
    con.execute(f"SET allowed_directories = [{_quote(path)}]")
    return path


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
