"""End to end: the offline nightly run's wall time, and the share of it Prefect takes.

Both sides run in a fresh process on a fresh warehouse and archive, over every source with a
recording in the shared data folder:

* **with Prefect**: ``deflator run --offline`` exactly as a user runs it (its ephemeral API
  server, task runs, the thread pool of fetches), with a warm ``PREFECT_HOME`` kept between
  bench runs (the first run on an empty one also pays Prefect's database migrations: it runs
  once untimed when the folder is new);
* **without Prefect**: the flow's own body (``nightly.fn``) in a process where every task
  call runs the task's function directly (``Task.__call__`` / ``Task.submit`` → ``.fn``): the
  same steps in the same order, the work itself. Importing ``flows.nightly`` imports Prefect;
  that import is timed and counted as Prefect's.

Prefect's share = (wall with Prefect − wall without) ÷ wall with Prefect. A second line runs
``deflator run --offline`` against a ``prefect server start`` the benchmark starts first (not
timed), as scheduled runs under ``deflator serve`` do: the ephemeral server's start-up out.

Each line also gives Prefect's fixed cost per run: a fresh process running a flow with no
task and no work (less the same process doing nothing). Whatever the flow does, a run pays at
least that; the rest of Prefect's share is its task runs and threads.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.common import Result, load_average

GOAL_SHARE = 0.20
ROOT = Path(__file__).resolve().parent.parent


def _env(data_dir: Path, prefect_home: Path, api_url: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DEFLATOR_DB", None)
    env.pop("DEFLATOR_ARCHIVE", None)
    env.pop("PREFECT_API_URL", None)  # the ephemeral server, as a user's `make run`
    env.update(DEFLATOR_DATA_DIR=str(data_dir), PREFECT_HOME=str(prefect_home))
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return env


def with_prefect(data_dir: Path, prefect_home: Path, api_url: str | None = None) -> float:
    """Wall seconds of `deflator run --offline` in a fresh process."""
    deflator = Path(sys.executable).parent / "deflator"
    started = time.perf_counter()
    done = subprocess.run(
        [str(deflator), "run", "--offline"],
        env=_env(data_dir, prefect_home, api_url),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 3):  # 3: some sources failed (reported, still a run)
        raise RuntimeError(f"deflator run --offline failed ({done.returncode}): {done.stderr}")
    return seconds


EMPTY_FLOW = (
    "from flows.prefect_env import configure_prefect\n"
    "from flows.settings import load_settings\n"
    "configure_prefect(load_settings())\n"
    "from prefect import flow\n"
    "@flow(name='empty')\n"
    "def empty():\n"
    "    return 1\n"
    "empty()\n"
)


def empty_flow(data_dir: Path, prefect_home: Path, api_url: str | None = None) -> float:
    """Wall seconds of a fresh process that runs a flow with no task and no work, less those
    of the same process doing nothing: Prefect's fixed cost per run (import, API client or
    ephemeral server, flow run states, shutdown)."""

    def timed(code: str) -> float:
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", code],
            env=_env(data_dir, prefect_home, api_url),
            cwd=ROOT,
            capture_output=True,
            check=True,
        )
        return time.perf_counter() - started

    return timed(EMPTY_FLOW) - timed("import flows.settings")


def without_prefect(data_dir: Path, prefect_home: Path) -> tuple[float, float]:
    """(wall seconds of the plain run in a fresh process, seconds its Prefect import took)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bench.e2e", "--plain"],
        env=_env(data_dir, prefect_home),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - started
    return seconds, json.loads(done.stdout.strip().splitlines()[-1])["prefect_import_seconds"]


class _Ran:
    """What ``Task.submit`` returns without Prefect: the call already made, or its error."""

    def __init__(self, call) -> None:
        self.value, self.error = None, None
        try:
            self.value = call()
        except Exception as error:  # a task's failure surfaces at .result(), as in Prefect
            self.error = error

    def result(self, *args, **kwargs):
        if self.error is not None:
            raise self.error
        return self.value

    def wait(self, *args, **kwargs) -> None:
        return None


def plain_run() -> dict[str, float]:
    """Child side: the nightly flow's own body with every task call made a plain call.

    ``Task.__call__`` and ``Task.submit`` run the task function directly (``.fn``), so the
    flow body, and any task it or its helpers call, runs exactly as written, minus Prefect.
    """
    from flows.prefect_env import configure_prefect
    from flows.settings import load_settings

    configure_prefect(load_settings())  # as `deflator run` does before importing prefect
    started = time.perf_counter()
    import prefect  # noqa: F401  (timed: counted as Prefect's, not the work's)
    from prefect.tasks import Task

    prefect_import = time.perf_counter() - started
    Task.__call__ = lambda self, *args, **kwargs: self.fn(*args, **kwargs)
    Task.submit = lambda self, *args, **kwargs: _Ran(lambda: self.fn(*args, **kwargs))
    from flows import nightly

    report = nightly.nightly.fn(offline=True)
    return {"prefect_import_seconds": round(prefect_import, 3), "status": report.status}


def run(work: Path, prefect_home: Path) -> list[Result]:
    cold = not (prefect_home / "prefect.db").exists()
    if cold:  # Prefect's own database migrations: once per PREFECT_HOME, not per night
        with_prefect(work / "e2e-warmup", prefect_home)
    start_load = load_average()
    plain, prefect_import = without_prefect(work / "e2e-plain", prefect_home)
    wall = with_prefect(work / "e2e-prefect", prefect_home)
    end_load = load_average()
    work_seconds = plain - prefect_import
    share = (wall - work_seconds) / wall
    floor = empty_flow(work / "e2e-empty", prefect_home)
    served, server_start, served_floor = with_server(work, prefect_home)
    served_share = (served - work_seconds) / served
    details = {
        "empty_flow_seconds": round(floor, 2),
        "empty_flow_seconds_server_up": round(served_floor, 2),
        "wall_with_prefect": round(wall, 2),
        "wall_without_prefect": round(plain, 2),
        "prefect_import_seconds": prefect_import,
        "prefect_home_was_cold": cold,
        "wall_with_running_server": round(served, 2),
        "server_start_seconds": round(server_start, 1),
    }
    return [
        Result(
            benchmark="end to end (offline nightly)",
            figure=f"{wall:.1f} s wall; Prefect {share:.0%} ({wall - work_seconds:.1f} s, "
            f"{floor:.1f} s of it an empty flow's)",
            reference=f"{work_seconds:.1f} s without Prefect (task bodies via .fn)",
            ratio=f"{wall / work_seconds:.2f}×",
            goal=f"Prefect < {GOAL_SHARE:.0%}",
            met=share < GOAL_SHARE,
            load=(start_load, end_load),
            seconds=wall,
            details=details,
        ),
        Result(
            benchmark="end to end (Prefect server up)",
            figure=f"{served:.1f} s wall; Prefect {served_share:.0%} "
            f"({served - work_seconds:.1f} s, {served_floor:.1f} s of it an empty flow's)",
            reference=f"{work_seconds:.1f} s without Prefect (same run)",
            ratio=f"{served / work_seconds:.2f}×",
            goal=f"Prefect < {GOAL_SHARE:.0%}",
            met=served_share < GOAL_SHARE,
            load=(end_load, load_average()),
            seconds=served,
            details=details,
        ),
    ]


def with_server(work: Path, prefect_home: Path) -> tuple[float, float, float]:
    """(wall seconds of `deflator run --offline` against a running `prefect server start`, as
    under `deflator serve`; seconds the server took to start, not counted; an empty flow's
    seconds against it, run first)."""
    import socket

    from flows.prefect_server import LocalPrefectServer

    with socket.socket() as probe:  # a free local port for a server of our own
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.perf_counter()
    server = LocalPrefectServer.find_or_start(prefect_home / "server", port)
    server_start = time.perf_counter() - started
    try:
        floor = empty_flow(work / "e2e-empty", prefect_home, server.api_url)
        served = with_prefect(work / "e2e-served", prefect_home, server.api_url)
        return served, server_start, floor
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plain", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.plain:
        print(json.dumps(plain_run()))


if __name__ == "__main__":
    main()
