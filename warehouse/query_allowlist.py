"""The functions `deflator query` lets a statement call: an allow-list, checked on DuckDB's own
parse of the statement.

DuckDB parses the statement (``json_serialize_sql``, the parser behind every statement it
runs) and every function the parse tree names — scalar, aggregate, window, table function or
macro, written plainly, as a method (``x.upper()``) or through syntax that DuckDB turns into a
call (``[x for x in l]`` is ``list_apply``) — must be on the list in
``warehouse/query_functions.txt``. A name that is not there is refused, so a function a new
DuckDB version adds stays refused until someone adds it to the file
(tests/test_query_sandbox.py fails on such a version and shows the difference).

The list is DuckDB 1.5.5's own SQL functions (``duckdb_functions()``) less those in
``REFUSED`` below, each with its reason, and less every function that takes or returns a raw
``POINTER``. It was written by :func:`allowed_by_rule` and is compared with it by the tests.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import duckdb

LIST_FILE = Path(__file__).with_name("query_functions.txt")

MEMORY = "reaches raw memory or Python objects, which could crash the query process or steer it"
SERIALIZED = "runs or builds serialized statements or plans, which bypass the statement check"
TEXT_SQL = "runs SQL given as text, which would bypass the statement check"
FILES = "reads files, and `deflator query` reads only the warehouse"
STATE = "changes the database's state, settings or logs, and `deflator query` only reads"
PRIVATE = "shows secrets, logs or files of the machine, not the warehouse"
TESTING = "is one of DuckDB's own test functions"
WAITS = "only waits, holding the query's time"
STATES = "works on DuckDB's raw aggregate states, internal memory that SQL must not shape"
INTERNAL = "is one of DuckDB's internal functions, which reinterpret raw bytes"

REFUSED: dict[str, str] = {
    "pandas_scan": MEMORY,
    "arrow_scan": MEMORY,
    "arrow_scan_dumb": MEMORY,
    "python_map_function": MEMORY,
    "json_execute_serialized_sql": SERIALIZED,
    "json_serialize_sql": SERIALIZED,
    "json_deserialize_sql": SERIALIZED,
    "json_serialize_plan": SERIALIZED,
    "query": TEXT_SQL,
    "query_table": TEXT_SQL,
    "glob": FILES,
    "sniff_csv": FILES,
    "seq_scan": FILES,
    "checkpoint": STATE,
    "force_checkpoint": STATE,
    "enable_logging": STATE,
    "disable_logging": STATE,
    "enable_profiling": STATE,
    "disable_profiling": STATE,
    "truncate_duckdb_logs": STATE,
    "write_log": STATE,
    "duckdb_secrets": PRIVATE,
    "duckdb_secret_types": PRIVATE,
    "which_secret": PRIVATE,
    "duckdb_logs": PRIVATE,
    "duckdb_log_contexts": PRIVATE,
    "duckdb_logs_parsed": PRIVATE,
    "parse_duckdb_log_message": PRIVATE,
    "duckdb_external_file_cache": PRIVATE,
    "duckdb_temporary_files": PRIVATE,
    "test_all_types": TESTING,
    "test_vector_types": TESTING,
    "pg_sleep": WAITS,
    "sleep_ms": WAITS,
    "combine": STATES,
    "finalize": STATES,
}
REFUSED_PREFIXES = {"read_": FILES, "parquet_": FILES, "__internal": INTERNAL}
POINTER = "takes or returns a raw POINTER, which reaches memory directly"
NOT_LISTED = (
    "is not on the list of functions `deflator query` allows "
    "(warehouse/query_functions.txt; see docs/query-sandbox.md)"
)
KINDS = ("scalar", "aggregate", "macro", "table", "table_macro")

# A key of DuckDB's serialized parse tree; a JSON string value can never be followed by
# ':' and an escaped quote inside a string is written \", so only real keys match.
_FUNCTION_NAME = re.compile(r'"function_name":"((?:[^"\\]|\\.)*)"')
_EXPORT_STATE = '"export_state":true'


class FunctionRefused(ValueError):
    """The statement calls a function `deflator query` does not allow; the message says why."""


@cache
def allowed() -> frozenset[str]:
    """The names in warehouse/query_functions.txt (``#`` starts a comment)."""
    names = set()
    for line in LIST_FILE.read_text(encoding="utf-8").splitlines():
        name = line.split("#", 1)[0].strip()
        if name:
            names.add(name)
    return frozenset(names)


def refusal_reason(name: str) -> str | None:
    """Why ``name`` is refused by rule, else None (refused or not, the list decides)."""
    name = name.lower()
    if name in REFUSED:
        return REFUSED[name]
    for prefix, reason in REFUSED_PREFIXES.items():
        if name.startswith(prefix):
            return reason
    return None


def allowed_by_rule(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The list the rule gives on ``con``'s DuckDB: its functions of ``KINDS`` less the refused
    ones and those with a POINTER in their signature (how query_functions.txt was written)."""
    rows = con.execute(
        "SELECT function_name, bool_or(list_contains(parameter_types, 'POINTER') "
        "OR return_type = 'POINTER') FROM duckdb_functions() "
        "WHERE function_type IN (SELECT unnest(?)) GROUP BY function_name",
        [list(KINDS)],
    ).fetchall()
    return sorted(
        {name.lower() for name, pointer in rows if not pointer and refusal_reason(name) is None}
    )


def parse_tree(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """DuckDB's parse of ``sql`` (one SELECT) as its JSON text.

    Raises:
        FunctionRefused: DuckDB cannot serialize the statement (it is not a plain SELECT).
        duckdb.ParserException: Not valid SQL.
    """
    serialized = con.execute("SELECT json_serialize_sql(?::VARCHAR)", [sql]).fetchone()[0]
    if serialized.startswith('{"error":true'):
        problem = json.loads(serialized)
        message = problem.get("error_message", "not serializable")
        if problem.get("error_type") == "parser":
            raise duckdb.ParserException(f"Parser Error: {message}")
        raise FunctionRefused(
            f"refused: DuckDB could not show what the statement calls ({message})"
        )
    return serialized


def called_functions(tree: str) -> list[str]:
    """The function names in a serialized parse tree, in order of appearance, lower case."""
    return [json.loads(f'"{m.group(1)}"').lower() for m in _FUNCTION_NAME.finditer(tree)]


def check_functions(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Refuse ``sql`` (one SELECT) if it calls a function that is not allowed.

    Raises:
        FunctionRefused: With the function and the reason.
        duckdb.ParserException: Not valid SQL.
    """
    tree = parse_tree(con, sql)
    if _EXPORT_STATE in tree:
        raise FunctionRefused(f"refused: EXPORT_STATE {STATES}")
    permitted = allowed()
    for name in dict.fromkeys(called_functions(tree)):
        if name not in permitted:
            reason = refusal_reason(name) or NOT_LISTED
            raise FunctionRefused(f"refused: function {name}() {reason}")
