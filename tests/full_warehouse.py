"""The recorded full warehouse the tests read, built once a test run in a process of its own.

``python -m tests.full_warehouse DIR`` runs `deflator run --offline` and `deflator backfill`
(which rebuild the indices and decline rates) and the seed cost workload into the data folder
``DIR`` (the recorded data of ``DEFLATOR_SHARED_DATA``), then writes ``DIR/BUILT``; on any
failure it writes ``DIR/FAILED`` with the traceback instead. tests/conftest.py starts it in
the background as soon as a collected test needs the ``full_warehouse`` fixture, so the build
overlaps other tests instead of holding a worker idle; the fixture waits for one of the two
files.
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUILT = "BUILT"
FAILED = "FAILED"


def build(data_dir: Path) -> None:
    """Build the warehouse into ``data_dir`` (raises on the first command that fails): the
    one `make run` leaves (flows/docs_gen.py builds the same for the README's tour), then the
    seed cost workload."""
    from flows.cli import main
    from flows.docs_gen import build_warehouse
    from flows.prefect_server import wait_healthy

    api_url = os.environ.get("PREFECT_API_URL")  # the test session's server, still starting
    if api_url and not wait_healthy(api_url, 90.0):
        raise RuntimeError(f"the test session's Prefect server at {api_url} did not answer")
    db = build_warehouse(data_dir)  # run --offline, backfill (indices and rates after each)
    workload = PROJECT_ROOT / "examples" / "seed_example.toml"
    if main(["--db", str(db), "cost", str(workload)]) != 0:
        raise RuntimeError(f"`deflator cost {workload}` failed")


def main(argv: list[str]) -> int:
    data_dir = Path(argv[0])
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        build(data_dir)
    except BaseException:
        (data_dir / FAILED).write_text(traceback.format_exc())
        return 1
    (data_dir / BUILT).write_text("ok\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
