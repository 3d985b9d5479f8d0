"""The polite HTTP fetcher: one code path for live and replayed runs.

Politeness: every request names deflator in its User-Agent, requests to one host are spaced
at least ``per_host_delay_s`` apart (threads to the same host queue on a per-host lock), and a
server's Retry-After is honoured for the whole host. Robustness: 429/5xx, timeouts and
connection errors are retried with backoff; bodies are streamed and capped after decoding, so
neither a huge page nor a gzip bomb can exhaust memory; truncated bodies are rejected.

Every successful response is archived before it is returned, so the raw bytes are on disk
before any parser sees them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType

import httpx

from schemas.observation import FetchedPage
from scrapers.archive import RawArchive

MAX_REDIRECTS = 5
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
RECORDED_AT_HEADER = "x-deflator-recorded-at"
_ERROR_SNIPPET_BYTES = 300


@dataclass(frozen=True)
class FetchConfig:
    """How politely and how defensively to fetch.

    Attributes:
        user_agent: Sent with every request, so site owners can see who we are.
        timeout_s: Connect, read, write and pool timeout, each.
        per_host_delay_s: Minimum gap between two requests to one host (shared across threads).
        max_retries: Retries after the first attempt, on 429, 5xx, timeouts, connection errors.
        backoff_base_s: Exponential backoff base when the server sent no Retry-After.
        max_retry_after_s: A Retry-After longer than this fails the fetch instead of sleeping.
        max_bytes: Cap on the decoded body (so a gzip bomb is caught too).
    """

    user_agent: str = (
        "deflator/0.1 (+https://github.com/deflator-pipeline/deflator; price research bot)"
    )
    timeout_s: float = 30.0
    per_host_delay_s: float = 1.0
    max_retries: int = 3
    backoff_base_s: float = 1.0
    max_retry_after_s: float = 120.0
    max_bytes: int = 50 * 1024 * 1024


class FetchError(Exception):
    """A URL could not be fetched (after any retries).

    Attributes:
        url: The URL that was requested.
        reason: What went wrong, for the run ledger.
        status: The HTTP status, when the failure was an HTTP error response.
    """

    def __init__(self, url: str, reason: str, status: int | None = None) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status

    def __reduce__(self) -> tuple[type[FetchError], tuple[str, str, int | None]]:
        # Keeps the error picklable (Prefect may ship it between workers).
        return (type(self), (self.url, self.reason, self.status))


@dataclass(frozen=True)
class _Retry:
    """A failed attempt worth retrying; ``retry_after`` is the server's requested wait."""

    reason: str
    retry_after: float | None = None


class _HostGate:
    """Serializes requests to one host and remembers when the next may start."""

    def __init__(self) -> None:
        self.lock = threading.Lock()  # held while waiting for the turn and fetching
        self._ready_lock = threading.Lock()  # guards ready_at only; never held while waiting
        self.ready_at = float("-inf")

    def defer(self, until: float) -> None:
        """Make the host's next request wait until at least ``until`` (clock seconds)."""
        with self._ready_lock:
            self.ready_at = max(self.ready_at, until)


class Fetcher:
    """Fetches pages politely and archives each success before returning it.

    Args:
        config: Politeness and limits.
        archive: Where successful responses are stored; ``None`` stores nothing.
        transport: httpx transport to use instead of the network (replay, tests).
        replay: Responses come from recordings: no per-host delay, and ``fetched_at`` is the
            recording's capture time from the ``x-deflator-recorded-at`` header.
        sleep: Called for every wait (injected so tests can record waits instead of waiting).
        clock: Monotonic clock in seconds, used to space requests (injected for tests).
    """

    def __init__(
        self,
        config: FetchConfig,
        archive: RawArchive | None,
        transport: httpx.BaseTransport | None = None,
        replay: bool = False,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self.archive = archive
        self.replay = replay
        self._sleep = sleep
        self._clock = clock
        self._gates: dict[str, _HostGate] = {}
        self._gates_lock = threading.Lock()
        self._client = httpx.Client(
            transport=transport,
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            timeout=httpx.Timeout(config.timeout_s),
            headers={"User-Agent": config.user_agent},
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the underlying connection pool."""
        self._client.close()

    def fetch(self, source: str, url: str) -> FetchedPage:
        """GET ``url`` for ``source``, retrying transient failures; thread-safe.

        Raises:
            FetchError: The URL failed for good (HTTP error, too many retries, body too large
                or truncated, Retry-After too long, bad URL).
        """
        gate = self._gate_for(url)
        attempts = self.config.max_retries + 1
        for attempt in range(attempts):
            outcome = self._attempt_in_turn(gate, source, url)
            if isinstance(outcome, FetchedPage):
                if self.archive is not None:
                    self.archive.store(outcome)
                return outcome
            if attempt + 1 == attempts:
                raise FetchError(url, f"{outcome.reason}; gave up after {attempts} attempts")
            gate.defer(self._clock() + self._retry_wait(url, outcome, attempt))
        raise AssertionError("unreachable: the loop returns or raises")

    def _gate_for(self, url: str) -> _HostGate:
        try:
            host = httpx.URL(url).host
        except httpx.InvalidURL as error:
            raise FetchError(url, f"invalid URL ({error})") from error
        with self._gates_lock:
            return self._gates.setdefault(host, _HostGate())

    def _attempt_in_turn(self, gate: _HostGate, source: str, url: str) -> FetchedPage | _Retry:
        """Wait for the host's turn, make one attempt, and book the host's next turn.

        The host lock is held while waiting and fetching, so concurrent fetches to one host
        go one at a time, each ``per_host_delay_s`` after the previous one finished.
        """
        delay = 0.0 if self.replay else self.config.per_host_delay_s
        with gate.lock:
            wait = gate.ready_at - self._clock()
            if wait > 0:
                self._sleep(wait)
            try:
                return self._attempt(source, url)
            finally:
                gate.defer(self._clock() + delay)

    def _retry_wait(self, url: str, outcome: _Retry, attempt: int) -> float:
        """Seconds to wait before the next attempt: Retry-After if sent, else backoff."""
        if outcome.retry_after is None:
            return self.config.backoff_base_s * 2**attempt
        if outcome.retry_after > self.config.max_retry_after_s:
            raise FetchError(
                url,
                f"{outcome.reason} with Retry-After {outcome.retry_after:g} s, "
                f"longer than the {self.config.max_retry_after_s:g} s limit",
            )
        return outcome.retry_after

    def _attempt(self, source: str, url: str) -> FetchedPage | _Retry:
        """One GET. Returns the page, or a _Retry; raises FetchError for permanent failures."""
        body_started = False
        try:
            with self._client.stream("GET", url) as response:
                status = response.status_code
                if status in RETRYABLE_STATUSES:
                    retry_after = parse_retry_after(response.headers.get("retry-after"))
                    return _Retry(f"HTTP {status}", retry_after)
                if not response.is_success:
                    snippet = _error_snippet(response)
                    reason = f"HTTP {status} {response.reason_phrase}{snippet}".rstrip()
                    raise FetchError(url, reason, status=status)
                body_started = True
                body = self._read_body(url, response)
                return self._page(source, url, response, body)
        except httpx.TooManyRedirects as error:
            raise FetchError(url, f"more than {MAX_REDIRECTS} redirects") from error
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as error:
            raise FetchError(url, f"cannot request this URL ({error})") from error
        except httpx.DecodingError as error:
            raise FetchError(url, f"could not decode body ({error})") from error
        except httpx.TimeoutException as error:
            return _Retry(f"timed out after {self.config.timeout_s:g} s ({type(error).__name__})")
        except httpx.TransportError as error:
            if body_started:
                return _Retry(f"truncated body ({type(error).__name__}: {error})")
            return _Retry(f"{type(error).__name__}: {error}")

    def _read_body(self, url: str, response: httpx.Response) -> bytes:
        """Stream the decoded body, enforcing ``max_bytes`` and the declared Content-Length."""
        limit = self.config.max_bytes
        declared = _content_length(response)
        if declared is not None and "content-encoding" not in response.headers and declared > limit:
            raise FetchError(url, f"body larger than {limit} bytes (Content-Length {declared})")
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise FetchError(url, f"body larger than {limit} bytes")
            chunks.append(chunk)
        # h11 already rejects short bodies on real sockets; this covers other streaming
        # transports. A response built in memory (MockTransport, replay) downloads 0 raw
        # bytes and has its Content-Length computed by httpx, so it is not checked.
        downloaded = response.num_bytes_downloaded
        if declared is not None and 0 < downloaded < declared:
            raise httpx.RemoteProtocolError(f"received {downloaded} bytes, expected {declared}")
        return b"".join(chunks)

    def _page(self, source: str, url: str, response: httpx.Response, body: bytes) -> FetchedPage:
        headers = {key.lower(): value for key, value in response.headers.items()}
        return FetchedPage(
            source=source,
            url=str(response.url),
            status=response.status_code,
            headers=headers,
            body=body,
            fetched_at=self._fetched_at(url, headers),
            replayed=self.replay,
        )

    def _fetched_at(self, url: str, headers: dict[str, str]) -> datetime:
        if not self.replay:
            return datetime.now(UTC)
        recorded = headers.get(RECORDED_AT_HEADER)
        try:
            stamp = datetime.fromisoformat(recorded) if recorded else None
        except ValueError:
            stamp = None
        if stamp is None or stamp.tzinfo is None:
            raise FetchError(url, f"replayed response lacks a valid {RECORDED_AT_HEADER} header")
        return stamp.astimezone(UTC)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delay-seconds or HTTP-date).

    Args:
        value: The header value, or None when absent.
        now: Current time for HTTP-dates (defaults to UTC now).

    Returns:
        The wait in seconds (0 for a date in the past), or None when absent or unreadable,
        in which case the caller falls back to exponential backoff.
    """
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


def _content_length(response: httpx.Response) -> int | None:
    value = response.headers.get("content-length", "")
    return int(value) if value.strip().isdigit() else None


def _error_snippet(response: httpx.Response) -> str:
    """The start of an error response's body, for the error message (best effort)."""
    collected = b""
    try:
        for chunk in response.iter_bytes():
            collected += chunk
            if len(collected) >= _ERROR_SNIPPET_BYTES:
                break
    except httpx.HTTPError:
        pass
    text = collected[:_ERROR_SNIPPET_BYTES].decode("utf-8", errors="replace").strip()
    return f": {' '.join(text.split())}" if text else ""
