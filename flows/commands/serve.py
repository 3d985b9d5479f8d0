"""`deflator serve`: the nightly flow as a Prefect deployment on a cron, the backfill on demand."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from flows.commands._common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, error
from flows.settings import Settings

NAME = "serve"
ORDER = 40
HELP = "serve the nightly run on a schedule (and the backfill on demand) through Prefect"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Register the nightly flow as a Prefect deployment with a cron schedule (and the "
        "backfill flow, without one, to run on demand) and execute their runs until stopped "
        "with Ctrl-C or SIGTERM (which pauses the schedule). Scheduling needs a real Prefect "
        "API: $PREFECT_API_URL if set, else a server already on 127.0.0.1:--port, else one "
        "started here (state in <data dir>/prefect-server/) and stopped on exit."
    )
    parser.add_argument(
        "--cron",
        help='when to run, a cron expression (default: $DEFLATOR_CRON, else "0 2 * * *")',
    )
    parser.add_argument(
        "--timezone",
        help="IANA time zone of --cron (default: $DEFLATOR_TIMEZONE, else UTC)",
    )
    parser.add_argument(
        "--port",
        type=int,
        help="port of the local Prefect server when PREFECT_API_URL is not set "
        "(default: $DEFLATOR_PREFECT_PORT, else 4200)",
    )
    parser.add_argument(
        "--offline",
        action="store_true",
        help="scheduled runs replay the recorded data instead of fetching (for trying it out)",
    )
    parser.add_argument(
        "--pool",
        metavar="NAME",
        help="scale-out: register the deployments scale-out/nightly (on --cron) and "
        "nightly/leg on the process work pool NAME of the running Prefect server (created "
        "if missing) and exit; `prefect worker start --pool NAME --limit 2` on each machine "
        "runs them (docs/scale-out.md)",
    )
    parser.add_argument(
        "--split",
        choices=["leg", "source"],
        default="leg",
        help="with --pool: one flow run per leg (default) or per source",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    from flows.schedule import next_runs, schedule_problem

    cron = args.cron or settings.cron
    timezone = args.timezone or settings.timezone
    problem = schedule_problem(cron, timezone)
    if problem is not None:
        error(problem)
        return EXIT_USAGE
    port = args.port or settings.prefect_port
    if args.pool:
        return _deploy_to_pool(settings, args.pool, cron, timezone, port, args.offline, args.split)
    with _sigterm_interrupts():
        return _serve(settings, cron, timezone, port, args.offline, next_runs(cron, timezone))


def _serve(
    settings: Settings, cron: str, timezone: str, port: int, offline: bool, upcoming: list
) -> int:
    from flows.prefect_env import configure_prefect
    from flows.prefect_server import LocalPrefectServer, PrefectServerError, wait_healthy

    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO")  # a long-running service: show runs
    configure_prefect(settings)
    server: LocalPrefectServer | None = None
    try:
        api_url = os.environ.get("PREFECT_API_URL")
        if api_url:
            if not wait_healthy(api_url, 30.0):
                error(f"no Prefect API answers at PREFECT_API_URL={api_url}")
                return EXIT_FAILED
            where = f"{api_url} (PREFECT_API_URL)"
        else:
            _say(f"looking for a Prefect server on 127.0.0.1:{port}, starting one if needed…")
            server = LocalPrefectServer.find_or_start(settings.data_dir / "prefect-server", port)
            os.environ["PREFECT_API_URL"] = server.api_url
            where = server.api_url + (
                f" (started here, log {server.log_path})" if server.started_here else " (found)"
            )
        # prefect is imported only now, with PREFECT_API_URL pointing at a real server.
        from prefect import serve

        from flows.deployments import pipeline_deployments

        deployments = pipeline_deployments(cron, timezone, settings.warehouse_location, offline)
        _say(f"Prefect API: {where}")
        times = ", ".join(t.isoformat(timespec="minutes") for t in upcoming)
        _say(f'serving nightly/nightly on cron "{cron}" ({timezone}); next runs: {times}')
        if any(d.name == "backfill" for d in deployments):
            _say("serving backfill/backfill on demand: prefect deployment run backfill/backfill")
        else:
            _say("no backfill flow found (flows/backfill.py): serving the nightly only")
        _say("stop with Ctrl-C or SIGTERM (the schedule is paused while nothing serves it)")
        serve(*deployments, print_starting_message=False)
        return EXIT_OK
    except PrefectServerError as problem:
        error(str(problem))
        return EXIT_FAILED
    except KeyboardInterrupt:
        return EXIT_OK
    finally:
        if server is not None and server.started_here:
            _say("stopping the Prefect server started here…")
            server.stop()


def _deploy_to_pool(
    settings: Settings, pool: str, cron: str, timezone: str, port: int, offline: bool, split: str
) -> int:
    """Register the scale-out deployments on ``pool`` (a process pool) and return.

    Needs a Prefect server that outlives this command (the workers poll it): the one in
    PREFECT_API_URL, else one already answering on 127.0.0.1:``port``; none is started here.
    """
    from flows.prefect_env import configure_prefect
    from flows.prefect_server import is_healthy, wait_healthy

    configure_prefect(settings)
    api_url = os.environ.get("PREFECT_API_URL") or f"http://127.0.0.1:{port}/api"
    if not (
        wait_healthy(api_url, 30.0) if "PREFECT_API_URL" in os.environ else is_healthy(api_url)
    ):
        error(
            f"no Prefect server answers at {api_url}: start one (`prefect server start`) and "
            "set PREFECT_API_URL; docs/scale-out.md"
        )
        return EXIT_FAILED
    os.environ["PREFECT_API_URL"] = api_url
    from prefect import deploy
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectNotFound

    from flows.deployments import pool_deployments

    with get_client(sync_client=True) as client:
        try:
            found = client.read_work_pool(pool)
            if found.type != "process":
                error(f"work pool {pool!r} is of type {found.type!r}; use a process pool")
                return EXIT_USAGE
        except ObjectNotFound:
            client.create_work_pool(WorkPoolCreate(name=pool, type="process"))
            _say(f"created the process work pool {pool!r}")
    deployments = pool_deployments(cron, timezone, offline, split)
    deploy(
        *deployments,
        work_pool_name=pool,
        build=False,
        push=False,
        print_next_steps_message=False,
        ignore_warnings=True,
    )
    _say(f"Prefect API: {api_url}")
    _say(
        f'deployed scale-out/nightly on cron "{cron}" ({timezone}), split by {split}, '
        f"and nightly/leg, to the work pool {pool!r}"
    )
    _say(f"workers: prefect worker start --pool {pool} --limit 2   (each with DEFLATOR_WAREHOUSE)")
    _say("a run now: prefect deployment run scale-out/nightly")
    if not settings.warehouse_spec:
        _say(
            "note: DEFLATOR_WAREHOUSE names no DuckLake here; legs writing one DuckDB file "
            "queue on its lock, and only on one machine (docs/scale-out.md)"
        )
    return EXIT_OK


def _say(message: str) -> None:
    print(f"deflator serve: {message}", file=sys.stderr, flush=True)


@contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """Turn SIGTERM into KeyboardInterrupt until Prefect's runner installs its own handler.

    So a SIGTERM while the server is still starting stops serve cleanly too (and the server
    it started), instead of killing it on the spot.
    """

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
