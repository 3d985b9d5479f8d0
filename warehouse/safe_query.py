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
3. **The functions**: every function the statement calls must be on the allow-list
   (warehouse/query_allowlist.py), checked on DuckDB's own parse of the statement, so nothing
   reaches raw memory, Python objects, serialized plans or SQL given as text.

The time and memory limits hold because the statement runs in a child process that the parent
kills at its deadline (warehouse/query_sandbox.py); :func:`harden` also caps DuckDB's own memory
and threads there.

Measured on duckdb 1.5.5 (tests/test_safe_query.py shows each refusal and its message).
"""

from __future__ import annotations

import re

import duckdb

from warehouse.query_allowlist import (
    MEMORY,
    SERIALIZED,
    TEXT_SQL,
    FunctionRefused,
    check_functions,
    refusal_reason,
)

# Settings applied after opening, in this order; the last one freezes them all.
HARDENING = (
    "SET autoinstall_known_extensions = false",
    "SET autoload_known_extensions = false",
    "SET enable_external_access = false",
    "SET python_enable_replacements = false",  # no Python variable is read as a table
    "SET enable_progress_bar = false",
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
# PRAGMAs that DuckDB turns into a query that only shows something (checked like any query)
SHOWING_PRAGMAS = frozenset(
    {
        "collations",
        "database_list",
        "database_size",
        "functions",
        "metadata_info",
        "platform",
        "show",
        "show_databases",
        "show_tables",
        "show_tables_expanded",
        "storage_info",
        "table_info",
        "user_agent",
        "version",
    }
)
_CALL = re.compile(r"^\s*call\s+", re.IGNORECASE)


class QueryRefused(ValueError):
    """The statement is not one `deflator query` runs; the message says why."""


def _what(statement: str, kind: str) -> str:
    """How to name a statement in a message: its first word as written (``INSTALL``), else
    its type."""
    match = _FIRST_WORD.match(_LEADING_COMMENTS.sub("", statement, count=1))
    return match.group(1).upper() if match else kind


def pragma_names(sql: str) -> list[str]:
    """The names after each PRAGMA keyword of ``sql``, from DuckDB's tokenizer alone (a
    comment, a string or a quoted name that says "pragma" is no keyword)."""
    tokens = duckdb.tokenize(sql)
    ends = [start for start, _ in tokens[1:]] + [len(sql)] if tokens else []
    words = [
        (kind, sql[start:end].strip()) for (start, kind), end in zip(tokens, ends, strict=True)
    ]
    names = []
    for i, (kind, word) in enumerate(words):
        if kind == duckdb.token_type.keyword and word.lower() == "pragma":
            following = words[i + 1][1] if i + 1 < len(words) else ""
            names.append(following.strip('"').lower())
    return names


def check_pragmas(sql: str) -> None:
    """Refuse every PRAGMA but those that only show something.

    DuckDB expands a PRAGMA while it *parses* the text (``extract_statements`` already runs
    ``PRAGMA json_execute_serialized_sql``'s deserializer), so this runs first, on tokens.

    Raises:
        QueryRefused: With the reason.
    """
    for name in pragma_names(sql):
        if name not in SHOWING_PRAGMAS:
            special = refusal_reason(name)  # json_execute_serialized_sql: say what it does
            reason = special if special in (MEMORY, SERIALIZED, TEXT_SQL) else REASONS["PRAGMA"]
            raise QueryRefused(f"refused: PRAGMA {name} {reason}")


def check_statement(sql: str) -> None:
    """Refuse anything but one reading statement.

    Raises:
        QueryRefused: With the reason, for people.
        duckdb.ParserException: The text is not valid SQL.
    """
    check_pragmas(sql)
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


def harden(
    con: duckdb.DuckDBPyConnection, memory_limit: str | None = None, threads: int | None = None
) -> duckdb.DuckDBPyConnection:
    """Lock a freshly opened read-only connection down (see the module docstring); with
    ``memory_limit`` (e.g. ``'1GiB'``) and ``threads`` also cap DuckDB's memory and threads and
    turn spilling to disk off, so the memory limit is the whole budget."""
    if memory_limit is not None:
        con.execute(f"SET memory_limit = '{memory_limit}'")
        con.execute("SET temp_directory = ''")
    if threads is not None:
        con.execute(f"SET threads = {int(threads)}")
    for statement in HARDENING:
        con.execute(statement)
    return con


def prepare(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """Check ``sql`` and return the text to run: one reading statement whose every function is
    allowed. The check and the run see the same text: a PRAGMA that DuckDB turns into a query
    is checked and run as that query, ``CALL f(…)`` as ``SELECT * FROM f(…)``, and ``EXPLAIN``
    runs as written after what it explains passed the same check.

    Raises:
        QueryRefused: With the reason, for people (a refused function included).
        duckdb.ParserException: The text is not valid SQL.
    """
    check_statement(sql)
    statement = duckdb.extract_statements(sql)[0]
    kind = getattr(statement.type, "name", None) or str(statement.type)
    text = statement.query
    if kind == "EXPLAIN":
        inner = _EXPLAIN.sub("", _LEADING_COMMENTS.sub("", text, count=1), count=1)
        try:
            prepare(con, inner)
        except QueryRefused as refused:
            why = str(refused).removeprefix("refused: ")
            raise QueryRefused(f"refused: EXPLAIN runs what it explains: {why}") from None
        return text
    if kind == "CALL":
        text = "SELECT * FROM " + _CALL.sub("", _LEADING_COMMENTS.sub("", text, count=1), 1)
    if len(duckdb.extract_statements(text)) != 1:
        raise QueryRefused("refused: the statement expands to more than one statement")
    try:
        check_functions(con, text)
    except FunctionRefused as refused:
        raise QueryRefused(str(refused)) from None
    return text


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
