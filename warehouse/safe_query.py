"""Ad-hoc SQL that can only read the warehouse: the guard behind `deflator query`.

Three layers, each enough on its own for what it covers:

1. **The statement** is parsed by DuckDB itself (``duckdb.extract_statements``) before it runs.
   Exactly one statement, of a reading kind: ``SELECT`` (with ``WITH``, ``VALUES``, ``FROM``
   first, and ``SHOW`` / ``DESCRIBE`` / ``SUMMARIZE`` / ``PRAGMA show_tables``, which DuckDB
   parses as SELECTs), ``EXPLAIN`` of one, or ``CALL`` of a table function. Anything else is
   refused with what it would have done: write (INSERT, UPDATE, DELETE, CREATE — temporary
   tables included —, DROP, ALTER…), touch files (COPY, EXPORT), open another database
   (ATTACH), install or load extensions (INSTALL, LOAD), change settings (SET, RESET, PRAGMA).
2. **The connection** opens the file read-only, then turns off extension auto-install and
   auto-load and external access (``enable_external_access = false``: no file or URL outside
   the database can be read or written — ``read_csv('/etc/passwd')``, ``read_parquet``,
   ``glob``, ``COPY … TO``, ``ATTACH`` all fail inside DuckDB), and locks the configuration
   (``lock_configuration = true``) so no statement can turn any of it back on.
3. **A time limit**: a timer thread calls ``con.interrupt()`` after ``timeout_s``; DuckDB
   stops the running query at its next check (measured: within 0.02 s of the limit for a
   recursive CTE that never ends, a 10^11-row range and a 10^12-row cross join).

Measured on duckdb 1.5.5 (tests/test_safe_query.py shows each refusal and its message).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

import duckdb

# Settings applied after opening, in this order; the last one freezes them all.
HARDENING = (
    "SET autoinstall_known_extensions = false",
    "SET autoload_known_extensions = false",
    "SET enable_external_access = false",
    "SET lock_configuration = true",
)
READING = frozenset({"SELECT", "CALL"})
WRITES = (
    "would change the warehouse, and `deflator query` is read-only (the derived tables are "
    "written by deflator's own commands: indices, rates, cost)"
)
REASONS = {
    "INSERT": WRITES,
    "UPDATE": WRITES,
    "DELETE": WRITES,
    "MERGE_INTO": WRITES,
    "CREATE": WRITES,
    "CREATE_FUNC": WRITES,
    "DROP": WRITES,
    "ALTER": WRITES,
    "VACUUM": WRITES,
    "ANALYZE": WRITES,
    "MULTI": WRITES,
    "COPY_DATABASE": WRITES,
    "COPY": (
        "reads or writes files, and `deflator query` cannot touch files outside the "
        "warehouse; to save a result, use --format csv or json and redirect the output"
    ),
    "EXPORT": "writes files, and `deflator query` cannot touch files outside the warehouse",
    "ATTACH": "opens another database or file, and `deflator query` reads only the warehouse",
    "DETACH": "changes the attached databases, and `deflator query` reads only the warehouse",
    "LOAD": "installs or loads an extension, which `deflator query` does not allow",
    "EXTENSION": "installs or loads an extension, which `deflator query` does not allow",
    "SET": "changes a setting, and `deflator query`'s settings are locked",
    "VARIABLE_SET": "changes a setting, and `deflator query`'s settings are locked",
    "PRAGMA": "changes a setting, and `deflator query`'s settings are locked",
    "TRANSACTION": "is transaction control; `deflator query` runs one read-only statement",
    "PREPARE": "prepares a statement; give `deflator query` the statement itself",
    "EXECUTE": "runs a prepared statement; give `deflator query` the statement itself",
}
_EXPLAIN = re.compile(r"^\s*explain\s+(?:analyze\s+|\([^)]*\)\s*)?", re.IGNORECASE)
_FIRST_WORD = re.compile(r"^\s*([A-Za-z_]+)")
_LEADING_COMMENTS = re.compile(r"^(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/)*", re.DOTALL)
FETCH_ROWS = 10_000  # rows fetched at a time, so the time limit also holds while fetching


class QueryRefused(ValueError):
    """The statement is not one `deflator query` runs; the message says why."""


class QueryTimeout(RuntimeError):
    """The query ran longer than its time limit and was stopped."""


@dataclass
class QueryResult:
    """Column names and rows of a finished query (no columns: the statement returned none)."""

    columns: list[str]
    rows: list[tuple]


def _what(statement: str, kind: str) -> str:
    """How to name a statement in a message: its first word as written (``INSTALL``), else
    its type."""
    match = _FIRST_WORD.match(_LEADING_COMMENTS.sub("", statement, count=1))
    return match.group(1).upper() if match else kind


def check_statement(sql: str) -> None:
    """Refuse anything but one reading statement.

    Raises:
        QueryRefused: With the reason, for people.
        duckdb.ParserException: The text is not valid SQL.
    """
    statements = duckdb.extract_statements(sql)
    if not statements:
        raise QueryRefused("no SQL statement given")
    if len(statements) > 1:
        raise QueryRefused(
            f"{len(statements)} statements given; `deflator query` runs one at a time"
        )
    statement = statements[0]
    kind = getattr(statement.type, "name", None) or str(statement.type)
    if kind == "EXPLAIN":
        text = _LEADING_COMMENTS.sub("", sql, count=1)
        inner = _EXPLAIN.sub("", text, count=1)
        if inner == text:
            raise QueryRefused("refused: could not read the statement after EXPLAIN")
        try:
            check_statement(inner)
        except QueryRefused as refused:
            why = str(refused).removeprefix("refused: ")
            raise QueryRefused(f"refused: EXPLAIN runs what it explains: {why}") from None
        return
    if kind in READING:
        return
    reason = REASONS.get(kind, "is not a query that only reads")
    raise QueryRefused(f"refused: {_what(sql, kind)} {reason}")


def harden(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Lock a freshly opened read-only connection down (see the module docstring)."""
    for statement in HARDENING:
        con.execute(statement)
    return con


def explain_error(error: duckdb.Error) -> str:
    """A DuckDB error as a message for people; the engine's refusals say what was refused."""
    text = str(error).strip()
    if isinstance(error, duckdb.PermissionException):
        return (
            "refused: `deflator query` cannot read or write files outside the warehouse, "
            f"nor load extensions ({text.splitlines()[0]})"
        )
    if "configuration has been locked" in text:
        return f"refused: `deflator query`'s settings are locked ({text.splitlines()[0]})"
    if "read-only mode" in text:
        return f"refused: the warehouse is read-only ({text.splitlines()[0]})"
    return f"query failed: {text}"


def run_query(con: duckdb.DuckDBPyConnection, sql: str, timeout_s: float | None) -> QueryResult:
    """Check ``sql``, run it on ``con`` (hardened by the caller) and fetch every row, stopping
    it after ``timeout_s`` seconds (None or 0: no limit).

    Raises:
        QueryRefused: Not a reading statement.
        QueryTimeout: Stopped at the time limit ("query stopped after N s").
        duckdb.Error: Any other failure (see :func:`explain_error`).
    """
    check_statement(sql)
    fired = threading.Event()

    def stop() -> None:
        fired.set()
        con.interrupt()

    timer = threading.Timer(timeout_s, stop) if timeout_s else None
    if timer is not None:
        timer.daemon = True
        timer.start()
    try:
        cursor = con.execute(sql)
        if cursor.description is None:
            return QueryResult([], [])
        columns = [d[0] for d in cursor.description]
        rows: list[tuple] = []
        while chunk := cursor.fetchmany(FETCH_ROWS):
            rows.extend(chunk)
            if fired.is_set():
                raise duckdb.InterruptException("INTERRUPT Error: Interrupted!")
        return QueryResult(columns, rows)
    except duckdb.Error as error:
        if fired.is_set():
            raise QueryTimeout(
                f"query stopped after {timeout_s:g} s (the limit: --timeout or "
                "DEFLATOR_QUERY_TIMEOUT)"
            ) from error
        raise
    finally:
        if timer is not None:
            timer.cancel()
