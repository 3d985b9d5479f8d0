"""Find a Prefect API to serve deployments on, or start a local `prefect server start`.

Scheduling needs a real API: Prefect's ephemeral in-process server accepts a cron deployment
but creates no scheduled runs ("Cannot schedule flows on an ephemeral server", FIELD-NOTES).
`deflator serve` therefore uses, in order: the API in ``PREFECT_API_URL``; a Prefect server
already answering on 127.0.0.1:<port>; or a server it starts itself on that port, with its own
PREFECT_HOME (and SQLite database) under the data folder, and stops again when serving ends.
Measured here: a fresh server is healthy after ~11 s, a later start after ~4 s.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

HEALTH_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 15.0


class PrefectServerError(RuntimeError):
    """No Prefect API could be found or started."""


def is_healthy(api_url: str, timeout_s: float = 2.0) -> bool:
    """Whether the Prefect API at ``api_url`` (ending in /api) answers its health check."""
    try:
        response = httpx.get(f"{api_url.rstrip('/')}/health", timeout=timeout_s)
    except httpx.HTTPError:
        return False
    return response.status_code == 200


def wait_healthy(
    api_url: str, timeout_s: float, process: subprocess.Popen[bytes] | None = None
) -> bool:
    """Poll the health check until it answers, the process dies, or ``timeout_s`` passes."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if is_healthy(api_url):
            return True
        if process is not None and process.poll() is not None:
            return False
        time.sleep(0.25)
    return False


@dataclass
class LocalPrefectServer:
    """A `prefect server start` this process started (``process`` None: found running)."""

    api_url: str
    process: subprocess.Popen[bytes] | None
    log_path: Path | None

    @classmethod
    def find_or_start(cls, home: Path, port: int) -> LocalPrefectServer:
        """Use the server answering on 127.0.0.1:``port``, or start one there.

        Args:
            home: PREFECT_HOME of a started server (its SQLite database and server.log).
            port: The local port.

        Raises:
            PrefectServerError: The server did not become healthy (its log is named).
        """
        api_url = f"http://127.0.0.1:{port}/api"
        if is_healthy(api_url):
            return cls(api_url, None, None)
        home.mkdir(parents=True, exist_ok=True)
        log_path = home / "server.log"
        env = {key: value for key, value in os.environ.items() if key != "PREFECT_API_URL"}
        env.update(
            {
                "PREFECT_HOME": str(home),
                "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                "DO_NOT_TRACK": "1",
                "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
            }
        )
        command = [sys.executable, "-m", "prefect", "server", "start"]
        command += ["--host", "127.0.0.1", "--port", str(port)]
        with log_path.open("ab") as log:
            process = subprocess.Popen(
                command,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stopped as a whole, by us
            )
        server = cls(api_url, process, log_path)
        if not wait_healthy(api_url, HEALTH_TIMEOUT_S, process):
            server.stop()
            tail = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise PrefectServerError(
                f"the Prefect server on port {port} did not become healthy within "
                f"{HEALTH_TIMEOUT_S:g} s (log: {log_path}):\n{tail}"
            )
        return server

    @property
    def started_here(self) -> bool:
        return self.process is not None

    def stop(self) -> None:
        """Stop a server started here (SIGTERM to its process group, then SIGKILL)."""
        if self.process is None or self.process.poll() is not None:
            return
        group = os.getpgid(self.process.pid)
        os.killpg(group, signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(group, signal.SIGKILL)
            self.process.wait(timeout=STOP_TIMEOUT_S)
