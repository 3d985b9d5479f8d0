"""`deflator serve` against a real local Prefect server: the deployment, its schedule, its runs.

Ephemeral Prefect cannot schedule (FIELD-NOTES), so these start `prefect server start` on
127.0.0.1 and a free port. The cron fires at 03:00 Berlin, so no run executes while they run.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from flows.cli import main
from flows.prefect_server import is_healthy, wait_healthy
from flows.schedule import next_runs

# A system test (`make test-system`, and CI): not in the `make test` loop.
pytestmark = pytest.mark.system

PROJECT = Path(__file__).resolve().parent.parent
CRON = "0 3 * * *"
ZONE = "Europe/Berlin"
DEFLATOR = str(Path(sys.executable).with_name("deflator"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def quiet_env(**extra: str) -> dict[str, str]:
    """The test environment without the session's Prefect settings, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update({"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"})
    env.update(extra)
    return env


def stop(process: subprocess.Popen, timeout: float = 20.0) -> int:
    """SIGTERM and wait; returns the exit status."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    return process.wait(timeout=timeout)


async def deployment_and_runs(api_url: str, name: str) -> tuple[object, list]:
    from prefect.client.orchestration import PrefectClient
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId

    async with PrefectClient(api_url) as client:
        deployment = await client.read_deployment_by_name(name)
        runs = await client.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment.id]))
        )
    return deployment, runs


def wait_for_scheduled_runs(api_url: str, name: str, timeout_s: float = 45.0):
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            deployment, runs = asyncio.run(deployment_and_runs(api_url, name))
        except Exception:  # not registered yet
            deployment, runs = None, []
        if runs or time.monotonic() > deadline:
            return deployment, runs
        time.sleep(0.5)


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory) -> Iterator[str]:
    """A real `prefect server start` on 127.0.0.1 and a free port; yields its API URL."""
    tmp_path = tmp_path_factory.mktemp("prefect-server")
    port = free_port()
    home = tmp_path / "prefect-home"
    log = (tmp_path / "server.log").open("wb")
    command = [sys.executable, "-m", "prefect", "server", "start"]
    process = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port)],
        env=quiet_env(PREFECT_HOME=str(home)),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    api_url = f"http://127.0.0.1:{port}/api"
    try:
        assert wait_healthy(api_url, 90.0, process), (tmp_path / "server.log").read_text()
        yield api_url
    finally:
        stop(process)
        log.close()


@pytest.mark.flow
def test_serve_registers_the_nightly_schedule_and_runs_get_scheduled(prefect_server, tmp_path):
    started = time.monotonic()
    serve = subprocess.Popen(
        [DEFLATOR, "serve", "--cron", CRON, "--timezone", ZONE],
        env=quiet_env(PREFECT_API_URL=prefect_server, DEFLATOR_DATA_DIR=str(tmp_path / "data")),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deployment, runs = wait_for_scheduled_runs(prefect_server, "nightly/nightly")
        serving_after = time.monotonic() - started
    finally:
        status = stop(serve)
        output = serve.stdout.read()
    assert status == 0, output
    assert deployment is not None, output
    [schedule] = deployment.schedules
    assert (schedule.schedule.cron, schedule.schedule.timezone) == (CRON, ZONE)
    assert deployment.parameters["db"] == str(tmp_path / "data" / "deflator.duckdb")
    expected = {t.astimezone(UTC) for t in next_runs(CRON, ZONE, 3)}
    scheduled = {r.expected_start_time.astimezone(UTC) for r in runs if r.state_name == "Scheduled"}
    assert expected <= scheduled, (expected, scheduled)
    assert all(t.astimezone(UTC).hour in (1, 2) for t in scheduled)  # 03:00 Berlin, CET or CEST
    assert f'serving nightly/nightly on cron "{CRON}" ({ZONE})' in output
    print(f"deployment and scheduled runs visible {serving_after:.1f} s after serve started")
    paused, _ = asyncio.run(deployment_and_runs(prefect_server, "nightly/nightly"))
    assert paused.paused  # SIGTERM paused the schedule: nothing fires while nobody serves it
    if "serving backfill/backfill on demand" in output:
        backfill, _ = asyncio.run(deployment_and_runs(prefect_server, "backfill/backfill"))
        assert backfill.schedules == []
    else:
        assert "no backfill flow found" in output


@pytest.mark.flow
def test_prefect_yaml_deploys_to_a_work_pool(prefect_server, tmp_path):
    """The README's commands for teams with a Prefect server, a work pool and workers."""
    env = quiet_env(PREFECT_API_URL=prefect_server, PREFECT_HOME=str(tmp_path / "home"))
    prefect = str(Path(sys.executable).with_name("prefect"))
    for command in (
        [prefect, "work-pool", "create", "deflator", "--type", "process"],
        [prefect, "--no-prompt", "deploy", "--all"],
    ):
        done = subprocess.run(
            command, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stdout + done.stderr
    nightly, _ = asyncio.run(deployment_and_runs(prefect_server, "nightly/nightly"))
    assert nightly.work_pool_name == "deflator"
    assert nightly.entrypoint == "flows/nightly.py:nightly"
    [schedule] = nightly.schedules
    assert (schedule.schedule.cron, schedule.schedule.timezone) == ("0 2 * * *", "UTC")
    backfill, _ = asyncio.run(deployment_and_runs(prefect_server, "backfill/backfill"))
    assert backfill.work_pool_name == "deflator" and backfill.schedules == []


@pytest.mark.flow
def test_serve_starts_its_own_server_and_stops_it(tmp_path):
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    started = time.monotonic()
    serve = subprocess.Popen(
        [DEFLATOR, "serve", "--port", str(port), "--cron", CRON, "--timezone", ZONE],
        env=quiet_env(DEFLATOR_DATA_DIR=str(tmp_path / "data")),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deployment, runs = wait_for_scheduled_runs(api_url, "nightly/nightly", timeout_s=120)
        serving_after = time.monotonic() - started
    finally:
        status = stop(serve, timeout=40)
        output = serve.stdout.read()
    assert status == 0, output
    assert deployment is not None and runs, output
    assert "(started here" in output
    assert (tmp_path / "data" / "prefect-server" / "server.log").is_file()
    assert not is_healthy(api_url)  # the server it started is gone with it
    print(f"own server started, deployment and runs visible after {serving_after:.1f} s")


def test_serve_refuses_a_bad_schedule_before_starting_anything(capsys):
    assert main(["serve", "--cron", "0 25 * * *"]) == 2
    assert "not a cron expression '0 25 * * *'" in capsys.readouterr().err
    assert main(["serve", "--timezone", "Mars/Olympus"]) == 2
    assert "unknown time zone 'Mars/Olympus'" in capsys.readouterr().err


def test_next_runs_follow_the_time_zone():
    [first] = next_runs("0 2 * * *", "UTC", 1)
    assert (first.hour, first.minute, first.utcoffset().total_seconds()) == (2, 0, 0)
    assert first > datetime.now(UTC)
