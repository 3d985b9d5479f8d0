"""The nightly run across a work pool: one flow run per leg (or per source), then one final step.

For a team with a Prefect server, a process work pool and N workers (README "Scale-out"), and
a warehouse many processes can write at once (a DuckLake, warehouse/backends.py):

1. ``scale_out`` (deployment ``scale-out/nightly``, on the cron) groups the sources by leg
   (``split="leg"``) or one group per source (``split="source"``);
2. it starts one run of the ``nightly/leg`` deployment per group. Each is a whole nightly run
   of its sources (fetch, parse, one load transaction) in whichever worker takes it, without
   the index rebuild; the legs load at the same time, conflicts are retried whole;
3. when every leg has finished it runs the final step once: the indices and decline rates
   (flows/derived.py), from everything the legs loaded. The marts are views over those
   tables, so they are current once it commits.

A leg that fails fails the scale-out run too, after the final step ran on what the others
loaded. The worker running ``scale_out`` holds one of the pool's slots while it waits: give
the workers ``--limit`` 2 or more (README).

Import this only with PREFECT_API_URL pointing at a real server (it imports prefect).
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from datetime import UTC, datetime

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import FlowRun
from prefect.deployments import run_deployment

from flows.fx import refresh_rates
from flows.settings import Settings, load_settings
from scrapers.base import Source
from scrapers.registry import select_sources

log = logging.getLogger("deflator")
LEG_DEPLOYMENT = "nightly/leg"
SPLITS = ("leg", "source")
FINAL_STEP_ATTEMPTS = 10


class LegsFailed(RuntimeError):
    """One or more legs did not complete (the final step still ran on the others)."""


def plan_groups(sources: list[Source], split: str) -> dict[str, list[str]]:
    """Which sources each leg run loads: by leg (``llm``, ``compute``…) or one per source."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, not {split!r}")
    groups: dict[str, list[str]] = defaultdict(list)
    for source in sources:
        groups[source.leg.value if split == "leg" else source.name].append(source.name)
    return dict(sorted(groups.items()))


@task(name="leg", cache_policy=NO_CACHE)
def run_leg(
    deployment: str, group: str, parameters: dict[str, object], timeout_s: float
) -> FlowRun:
    """Start one leg's flow run on the pool and wait for it to finish (any worker runs it)."""
    return run_deployment(
        deployment,
        parameters=parameters,
        flow_run_name=f"leg-{group}",
        timeout=timeout_s,
        poll_interval=2,
        as_subflow=True,
    )


@task(name="final step: indices", cache_policy=NO_CACHE)
def final_step(settings: Settings) -> str:
    """Rebuild indices and decline rates once, from everything the legs loaded.

    Retried whole (up to FINAL_STEP_ATTEMPTS) when a write conflicted with another process,
    like every DuckLake writer (warehouse/backends.py).
    """
    from flows.derived import format_derived, rebuild
    from warehouse.connection import connect
    from warehouse.snapshot import publish_snapshot

    con = connect(settings.warehouse, lock_timeout_s=settings.lock_timeout_s)
    try:
        for attempt in range(1, FINAL_STEP_ATTEMPTS + 1):
            report = rebuild(con)
            conflicts = [e for e in report.errors.values() if "conflict" in e.lower()]
            if not conflicts or attempt == FINAL_STEP_ATTEMPTS:
                break
            log.info("final step: %d write conflict(s), rebuilding again", len(conflicts))
            time.sleep(0.2 * attempt)
        publish_snapshot(con, settings.warehouse)
    finally:
        con.close()
    summary = format_derived(report)
    if not report.ok:
        raise RuntimeError(summary)
    return summary


@flow(name="scale-out", log_prints=True)
def scale_out(
    offline: bool = False,
    split: str = "leg",
    db: str | None = None,
    leg_deployment: str = LEG_DEPLOYMENT,
    leg_timeout_s: float = 3 * 3600,
) -> dict[str, str]:
    """Run the nightly pipeline as parallel leg runs on the work pool, then the final step.

    Args:
        offline: The legs replay the recorded responses instead of fetching.
        split: ``leg`` (one flow run per leg) or ``source`` (one per source).
        db: The warehouse (a ``ducklake:`` spec or a file) for every leg; by default each
            worker's own DEFLATOR_WAREHOUSE / DEFLATOR_DB, which must name the same lake.
        leg_deployment: The deployment of the nightly flow the legs run as.
        leg_timeout_s: How long to wait for a leg before counting it failed.

    Returns:
        Each group's final state name, and ``final step``: the indices summary.
    """
    settings = load_settings().with_db(db)
    groups = plan_groups(select_sources(None), split)
    print(f"scale-out: {len(groups)} leg run(s) on {leg_deployment}: {', '.join(groups)}")
    futures = {
        group: run_leg.submit(
            leg_deployment,
            group,
            {"offline": offline, "source_names": names, "db": db, "indices": False},
            leg_timeout_s,
        )
        for group, names in groups.items()
    }
    states: dict[str, str] = {}
    for group, future in futures.items():
        try:
            run = future.result()
            states[group] = run.state.name if run.state else "Unknown"
        except Exception as error:  # the leg could not even be started or followed
            states[group] = f"error: {error}"
        print(f"leg {group}: {states[group]}")
    failed = [group for group, state in states.items() if state != "Completed"]
    if len(failed) < len(groups):
        # the legs run named sources, which never refresh the exchange rates (flows/fx.py):
        # the whole night does it once, here, as a single-process night does
        rates = refresh_rates(settings, f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-scale-out", offline)
        states["exchange rates"] = rates.line()
        print(states["exchange rates"])
        states["final step"] = final_step(settings)
        print(states["final step"])
    if failed:
        raise LegsFailed(f"leg run(s) not completed: {', '.join(failed)}")
    return states
