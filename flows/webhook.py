"""Deliver the night's JSON summary to ``DEFLATOR_WEBHOOK_URL``: retried, logged, never fatal.

A POST with ``Content-Type: application/json``; any 2xx is delivered. A connection error, a
timeout, a 429 or a 5xx is retried ``DEFLATOR_WEBHOOK_RETRIES`` times, waiting
``DEFLATOR_WEBHOOK_BACKOFF`` seconds and doubling each time; another 4xx is final (retrying
the same request cannot fix it). Whatever happens is returned as a :class:`Delivery`, which
the night prints and logs: the run's status never depends on it.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from flows.logs import event

TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Delivery:
    """The outcome of one webhook delivery."""

    url: str
    delivered: bool
    attempts: int
    status: int | None = None
    error: str | None = None

    def line(self) -> str:
        """One line for the run summary."""
        if self.delivered:
            return (
                f"webhook: delivered to {self.url} (HTTP {self.status}, {self.attempts} attempt(s))"
            )
        return f"webhook: FAILED after {self.attempts} attempt(s) to {self.url}: {self.error}"


def deliver(
    url: str,
    payload: dict,
    *,
    retries: int = 3,
    backoff_s: float = 2.0,
    sleep: Callable[[float], None] = time.sleep,
    transport: httpx.BaseTransport | None = None,
) -> Delivery:
    """POST ``payload`` as JSON to ``url``; never raises.

    Args:
        url: The webhook (http or https).
        payload: The JSON summary.
        retries: Further attempts after a retryable failure.
        backoff_s: The first wait; doubles before each later retry.
        sleep: Called for each wait (tests record waits instead of waiting).
        transport: httpx transport (tests); the network by default.
    """
    body = json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8")
    headers = {"content-type": "application/json", "user-agent": "deflator-webhook"}
    attempts = 0
    error = "not attempted"
    status: int | None = None
    try:
        client = httpx.Client(timeout=TIMEOUT_S, transport=transport, follow_redirects=False)
    except Exception as problem:  # a malformed proxy setting and the like: reported
        return _failed(url, 0, None, f"{type(problem).__name__}: {problem}")
    with client:
        while attempts <= retries:
            if attempts:
                sleep(backoff_s * 2 ** (attempts - 1))
            attempts += 1
            try:
                response = client.post(url, content=body, headers=headers)
            except (httpx.HTTPError, ValueError) as problem:
                status, error = None, f"{type(problem).__name__}: {problem}"
                continue
            status = response.status_code
            if 200 <= status < 300:
                result = Delivery(url, True, attempts, status)
                event("webhook_delivered", "%s", result.line(), attempts=attempts, status=status)
                return result
            error = f"HTTP {status}"
            if status != 429 and status < 500:
                break  # the same request will be refused again
    return _failed(url, attempts, status, error)


def _failed(url: str, attempts: int, status: int | None, error: str) -> Delivery:
    result = Delivery(url, False, attempts, status, error)
    event(
        "webhook_failed",
        "%s",
        result.line(),
        level=logging.WARNING,
        attempts=attempts,
        status=status,
        error=error,
    )
    return result
