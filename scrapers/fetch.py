"""The polite HTTP fetcher: one code path for live and replayed runs.

Politeness: every request names deflator in its User-Agent; robots.txt is obeyed (parsed by
Protego, fetched once per origin per Fetcher, i.e. per run; a disallowed URL fails with
"disallowed by robots.txt" without being requested; a Crawl-delay longer than ours is
honoured); requests to one host go one at a time (threads queue on a per-host lock) and at
least ``per_host_delay_s`` apart; a server's Retry-After is honoured for the whole host.
Caching: when the raw archive knows the last good fetch of a URL, the request is conditional
(If-None-Match / If-Modified-Since); a 304 answer costs no download and yields the archived
body with status 304, so the caller can tell the page is unchanged and skip parsing.
Robustness: 429/5xx, timeouts and connection errors are retried with backoff; bodies are
streamed and capped after decoding, so neither a huge page nor a gzip bomb can exhaust memory;
truncated bodies are rejected; redirects to another host are refused unless the caller allows
that host (every hop is checked against robots.txt too).

Every successful response is archived before it is returned, so the raw bytes are on disk
before any parser sees them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import TypeVar

import httpx
from protego import Protego

from schemas.observation import FetchedPage
from scrapers.archive import LastFetch, RawArchive

MAX_REDIRECTS = 5
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
RECORDED_AT_HEADER = "x-deflator-recorded-at"
DISALLOWED_BY_ROBOTS = "disallowed by robots.txt"
_ERROR_SNIPPET_BYTES = 300
_ALLOWED_HOSTS = "deflator.allowed_hosts"  # request extension: hosts a redirect may reach
_T = TypeVar("_T")


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
        obey_robots: Fetch and obey each origin's robots.txt (never for replayed runs).
        max_robots_bytes: Only this much of a robots.txt is read (RFC 9309 asks for 500 KiB).
        max_crawl_delay_s: A robots.txt Crawl-delay is honoured up to this many seconds.
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
    obey_robots: bool = True
    max_robots_bytes: int = 512 * 1024
    max_crawl_delay_s: float = 30.0


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


class _Refused(Exception):
    """A request hop deflator will not make (robots.txt, redirect to another host)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class _Robots:
    """An origin's robots.txt as understood for this run.

    ``rules`` None means everything is allowed (no robots.txt: 4xx). ``unreachable`` set means
    nothing is (5xx or network failure after retries, RFC 9309 section 2.3.1.4).
    """

    rules: Protego | None = None
    unreachable: str | None = None

    def refusal(self, url: str, user_agent: str) -> str | None:
        """Why ``url`` may not be fetched, or None when it may."""
        if self.unreachable is not None:
            return f"robots.txt unreachable ({self.unreachable}); not fetching"
        if self.rules is not None and not self.rules.can_fetch(url, user_agent):
            return DISALLOWED_BY_ROBOTS
        return None


class _HostGate:
    """Serializes requests to one host and remembers when the next may start."""

    def __init__(self) -> None:
        self.lock = threading.Lock()  # held while waiting for the turn and fetching
        self._ready_lock = threading.Lock()  # guards ready_at only; never held while waiting
        self.ready_at = float("-inf")
        self.crawl_delay = 0.0  # from robots.txt; raises the configured delay, never lowers it

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
        self._robots: dict[str, _Robots] = {}
        self._robots_locks: dict[str, threading.Lock] = {}
        self._client = httpx.Client(
            transport=transport,
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            timeout=httpx.Timeout(config.timeout_s),
            headers={"User-Agent": config.user_agent},
            event_hooks={"request": [self._check_hop]},
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

    def fetch(self, source: str, url: str, redirect_hosts: Collection[str] = ()) -> FetchedPage:
        """GET ``url`` for ``source``, retrying transient failures; thread-safe.

        Args:
            source: Name of the source, for the page and the archive.
            url: What to fetch.
            redirect_hosts: Other hosts a redirect may lead to (the URL's own host always
                may); a redirect anywhere else fails the fetch.

        Returns:
            The page. Its status is 304 when the server confirmed the archived body is still
            current (a conditional request); the body is then the archived one.

        Raises:
            FetchError: The URL failed for good (disallowed by robots.txt, HTTP error, too
                many retries, body too large or truncated, Retry-After too long, bad URL,
                redirect to another host).
        """
        gate = self._gate_for(url)
        refusal = self._robots_refusal(url, gate)
        if refusal is not None:
            raise FetchError(url, refusal)
        last = self._last_fetch(url)
        allowed = frozenset({httpx.URL(url).host, *redirect_hosts})
        page = self._with_retries(gate, url, lambda: self._attempt(source, url, allowed, last))
        if self.archive is not None:
            self.archive.store(page)
            if not self.replay:
                self.archive.remember_last_fetch(url, page)
        return page

    def _with_retries(self, gate: _HostGate, url: str, attempt: Callable[[], _T | _Retry]) -> _T:
        """Make ``attempt`` in the host's turn until it returns something other than _Retry."""
        attempts = self.config.max_retries + 1
        for number in range(attempts):
            outcome = self._attempt_in_turn(gate, attempt)
            if not isinstance(outcome, _Retry):
                return outcome
            if number + 1 == attempts:
                raise FetchError(url, f"{outcome.reason}; gave up after {attempts} attempts")
            gate.defer(self._clock() + self._retry_wait(url, outcome, number))
        raise AssertionError("unreachable: the loop returns or raises")

    def _gate_for(self, url: str) -> _HostGate:
        try:
            host = httpx.URL(url).host
        except httpx.InvalidURL as error:
            raise FetchError(url, f"invalid URL ({error})") from error
        with self._gates_lock:
            return self._gates.setdefault(host, _HostGate())

    def _attempt_in_turn(self, gate: _HostGate, attempt: Callable[[], _T]) -> _T:
        """Wait for the host's turn, make one attempt, and book the host's next turn.

        The host lock is held while waiting and fetching, so concurrent fetches to one host
        go one at a time, each ``per_host_delay_s`` (or the robots.txt Crawl-delay, if longer)
        after the previous one finished (no delay when replaying).
        """
        with gate.lock:
            wait = gate.ready_at - self._clock()
            if wait > 0:
                self._sleep(wait)
            try:
                return attempt()
            finally:
                delay = 0.0 if self.replay else max(self.config.per_host_delay_s, gate.crawl_delay)
                gate.defer(self._clock() + delay)

    # robots.txt -----------------------------------------------------------------------

    def _robots_refusal(self, url: str, gate: _HostGate | None) -> str | None:
        """Why robots.txt forbids ``url``, or None (also when robots are not checked)."""
        if not self.config.obey_robots or self.replay:
            return None
        if httpx.URL(url).scheme not in ("http", "https"):
            return None  # the request itself will fail with a clear reason
        return self._robots_for(url, gate).refusal(url, self.config.user_agent)

    def _robots_for(self, url: str, gate: _HostGate | None) -> _Robots:
        """The robots.txt of ``url``'s origin, fetched once per Fetcher (so once per run).

        ``gate`` None is a redirect hop: the caller holds a host's turn, so it must not wait
        for anything that may wait for that turn (the per-origin lock below, held by a thread
        waiting for the gate: a deadlock on http -> https redirects). It fetches without
        waiting; at worst two threads fetch the same robots.txt once each.
        """
        parsed = httpx.URL(url)
        origin = f"{parsed.scheme}://{parsed.netloc.decode('ascii')}"
        with self._gates_lock:
            known = self._robots.get(origin)
            if known is not None:
                return known
            lock = self._robots_locks.setdefault(origin, threading.Lock())
        if gate is None:
            loaded = self._load_robots(origin, None)
            with self._gates_lock:
                return self._robots.setdefault(origin, loaded)
        with lock:  # one fetch per origin even when several threads ask at once
            known = self._robots.get(origin)
            if known is None:
                known = self._load_robots(origin, gate)
                with self._gates_lock:
                    self._robots[origin] = known
        return known

    def _load_robots(self, origin: str, gate: _HostGate | None) -> _Robots:
        robots_url = f"{origin}/robots.txt"
        try:
            if gate is None:
                outcome = self._robots_attempt(robots_url)
                if isinstance(outcome, _Retry):
                    return _Robots(unreachable=outcome.reason)
                robots = outcome
            else:
                robots = self._with_retries(
                    gate, robots_url, lambda: self._robots_attempt(robots_url)
                )
        except FetchError as error:
            return _Robots(unreachable=error.reason)
        if robots.rules is not None and gate is not None:
            crawl_delay = robots.rules.crawl_delay(self.config.user_agent)
            if crawl_delay:
                gate.crawl_delay = min(float(crawl_delay), self.config.max_crawl_delay_s)
                gate.defer(self._clock() + gate.crawl_delay)  # the next request waits too
        return robots

    def _robots_attempt(self, robots_url: str) -> _Robots | _Retry:
        """One GET of a robots.txt: 2xx parsed, 4xx allows all, 5xx/network retried."""
        try:
            with self._client.stream("GET", robots_url) as response:
                status = response.status_code
                if status in RETRYABLE_STATUSES:
                    retry_after = parse_retry_after(response.headers.get("retry-after"))
                    return _Retry(f"HTTP {status}", retry_after)
                if 400 <= status < 500:
                    return _Robots()  # no robots.txt: everything allowed
                if not response.is_success:
                    return _Robots(unreachable=f"HTTP {status}")
                body = b""
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) >= self.config.max_robots_bytes:
                        break
        except httpx.TooManyRedirects:
            return _Robots()  # RFC 9309: more than 5 redirects counts as no robots.txt
        except httpx.TimeoutException as error:
            return _Retry(f"robots.txt timed out ({type(error).__name__})")
        except httpx.TransportError as error:
            return _Retry(f"robots.txt: {type(error).__name__}: {error}")
        text = body[: self.config.max_robots_bytes].decode("utf-8", errors="replace")
        return _Robots(rules=Protego.parse(text))

    def _check_hop(self, request: httpx.Request) -> None:
        """httpx request hook: refuse a redirect to another host or to a disallowed URL."""
        allowed = request.extensions.get(_ALLOWED_HOSTS)
        if allowed is None:  # robots.txt requests and replays are not checked
            return
        if request.url.host not in allowed:
            raise _Refused(
                f"redirected to another host ({request.url.host}: {request.url}); not "
                "followed (a source may allow hosts with redirect_hosts)"
            )
        url = str(request.url)
        refusal = self._robots_refusal(url, None)
        if refusal is not None:
            raise _Refused(f"redirected to {url}: {refusal}")

    # conditional requests -------------------------------------------------------------

    def _last_fetch(self, url: str) -> LastFetch | None:
        """The archived last fetch of ``url`` if a conditional request can use it."""
        if self.archive is None or self.replay:
            return None
        last = self.archive.last_fetch(url)
        if last is None or not (last.etag or last.last_modified):
            return None
        return last

    def _unchanged_page(
        self, source: str, url: str, response: httpx.Response, last: LastFetch
    ) -> FetchedPage:
        """A 304: the archived body, its stored headers updated by the 304's (RFC 9111 4.3.4)."""
        assert self.archive is not None  # only conditional requests get here
        try:
            body = self.archive.read_body(last.sha256)
        except (FileNotFoundError, ValueError) as error:
            raise FetchError(url, f"HTTP 304 but the archived body is unusable ({error})") from None
        headers = dict(last.headers)
        headers.update({key.lower(): value for key, value in response.headers.items()})
        headers.pop("content-length", None)
        return FetchedPage(
            source=source,
            url=str(response.url),
            status=304,
            headers=headers,
            body=body,
            fetched_at=datetime.now(UTC),
            replayed=False,
        )

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

    def _attempt(
        self, source: str, url: str, allowed_hosts: frozenset[str], last: LastFetch | None
    ) -> FetchedPage | _Retry:
        """One GET. Returns the page, or a _Retry; raises FetchError for permanent failures."""
        body_started = False
        headers = {}
        if last is not None and last.etag:
            headers["If-None-Match"] = last.etag
        if last is not None and last.last_modified:
            headers["If-Modified-Since"] = last.last_modified
        try:
            with self._client.stream(
                "GET", url, headers=headers, extensions={_ALLOWED_HOSTS: allowed_hosts}
            ) as response:
                status = response.status_code
                if status == 304 and last is not None:
                    return self._unchanged_page(source, url, response, last)
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
        except _Refused as refused:
            raise FetchError(url, refused.reason) from None
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
