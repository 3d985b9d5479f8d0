"""The Prefect deployments deflator serves: the nightly flow on a cron, the backfill on demand.

Import this only after the Prefect environment is set (flows.prefect_env) and PREFECT_API_URL
points at a real server: it imports prefect. The same deployments, for a Prefect server with a
work pool and workers, are in prefect.yaml at the project root.
"""

from __future__ import annotations

import importlib
from typing import Any

from prefect import Flow
from prefect.deployments.runner import EntrypointType, RunnerDeployment
from prefect.schedules import Cron

from flows.nightly import nightly

NIGHTLY = "nightly"
BACKFILL = "backfill"


def backfill_flow() -> Flow[..., Any] | None:
    """HOOK for the backfill flow: served on demand when flows/backfill.py defines ``backfill``.

    The backfill flow is written separately; until it exists, serve offers the nightly only.
    """
    try:
        module = importlib.import_module("flows.backfill")
    except ModuleNotFoundError as missing:
        if missing.name == "flows.backfill":
            return None
        raise
    found = getattr(module, BACKFILL, None)
    return found if isinstance(found, Flow) else None


def pipeline_deployments(
    cron: str, timezone: str, db: str, offline: bool = False
) -> list[RunnerDeployment]:
    """The nightly deployment on ``cron`` (in ``timezone``), and the backfill if there is one.

    Both write to the warehouse ``db``; ``offline`` nightly runs replay the recorded data.
    Entry points are module paths (``flows.nightly.nightly``), so flow runs find the code from
    any working directory of the installed package.
    """
    deployments = [
        nightly.to_deployment(
            name=NIGHTLY,
            description="deflator's nightly run: fetch, archive, parse, load, publish.",
            schedules=[Cron(cron, timezone=timezone)],
            parameters={"offline": offline, "db": db},
            entrypoint_type=EntrypointType.MODULE_PATH,
        )
    ]
    backfill = backfill_flow()
    if backfill is not None:
        deployments.append(
            backfill.to_deployment(
                name=BACKFILL,
                description="deflator's backfill of the historical datasets, on demand.",
                parameters={"db": db},
                entrypoint_type=EntrypointType.MODULE_PATH,
            )
        )
    return deployments


SCALE_OUT = "nightly"  # the deployment scale-out/nightly
LEG = "leg"  # the deployment nightly/leg: one leg of a scale-out run


def pool_deployments(
    cron: str, timezone: str, offline: bool = False, split: str = "leg"
) -> list[RunnerDeployment]:
    """The deployments of a work pool with N workers (`deflator serve --pool NAME`).

    ``scale-out/nightly`` on ``cron`` starts one ``nightly/leg`` run per leg (or source) and
    then rebuilds the indices once (flows/scale_out.py); ``nightly/leg`` has no schedule.
    Neither names the warehouse: every worker's DEFLATOR_WAREHOUSE (and
    DEFLATOR_LAKE_DATA_PATH) decides, and they must name the same DuckLake.
    """
    from flows.scale_out import scale_out

    return [
        scale_out.to_deployment(
            name=SCALE_OUT,
            description="deflator's nightly run as parallel legs across the work pool's "
            "workers, then the indices once.",
            schedules=[Cron(cron, timezone=timezone)],
            parameters={"offline": offline, "split": split},
            entrypoint_type=EntrypointType.MODULE_PATH,
            concurrency_limit=1,
        ),
        nightly.to_deployment(
            name=LEG,
            description="One leg of a scale-out run: a nightly run of the given sources, "
            "without the index rebuild.",
            parameters={"offline": offline, "indices": False},
            entrypoint_type=EntrypointType.MODULE_PATH,
        ),
    ]
