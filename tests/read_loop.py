"""A reader process for the concurrency test: `deflator query` in a loop until told to stop.

Usage: ``python -m tests.read_loop DB STOP_FILE``

Runs ``deflator --db DB query … --format json`` (in process, through the real command) as fast
as it can until STOP_FILE exists, then prints one JSON line: how many queries ran, every
distinct (runs, observations) pair seen, and every error.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from pathlib import Path

from flows.cli import main as deflator

SQL = "SELECT (SELECT count(*) FROM runs) AS runs, (SELECT count(*) FROM observations) AS obs"


def main(argv: list[str]) -> int:
    db, stop = argv[0], Path(argv[1])
    queries, seen, errors = 0, set(), []
    while not stop.exists():
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = deflator(["--db", db, "query", SQL, "--format", "json"])
        queries += 1
        if status != 0:
            errors.append(err.getvalue().strip())
            continue
        [row] = json.loads(out.getvalue())
        seen.add((row["runs"], row["obs"]))
    print(json.dumps({"queries": queries, "seen": sorted(seen), "errors": errors[:5]}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
