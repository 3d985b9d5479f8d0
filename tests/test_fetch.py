"""The polite fetcher against a local scripted HTTP server (never the internet)."""

from __future__ import annotations

import gzip
import pickle
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import httpx
import pytest

from schemas.observation import FetchedPage
from scrapers.archive import ArchivedFetch, RawArchive
from scrapers.fetch import FetchConfig, Fetcher, FetchError, parse_retry_after
from tests.http_server import Action, Reply, ScriptedServer


class FakeClock:
    """A monotonic clock that only moves when someone sleeps; records every sleep."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class SpyArchive(RawArchive):
    """A real archive that also remembers what it was asked to store."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.stored: list[ArchivedFetch] = []

    def store(self, page: FetchedPage) -> ArchivedFetch:
        archived = super().store(page)
        self.stored.append(archived)
        return archived


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer() as running:
        yield running


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def make_fetcher(clock: FakeClock, archive: RawArchive | None = None, **config: object) -> Fetcher:
    # robots.txt has its own tests (test_politeness.py); here it would add a request per run.
    settings: dict[str, object] = {"per_host_delay_s": 0.0, "timeout_s": 2.0, "obey_robots": False}
    settings.update(config)
    return Fetcher(FetchConfig(**settings), archive, sleep=clock.sleep, clock=clock.time)


def test_500_then_200_is_retried_and_succeeds(server: ScriptedServer, clock: FakeClock) -> None:
    server.script("/p", Reply(500, b"oops"), Reply(200, b"fine", {"Content-Type": "text/plain"}))
    with make_fetcher(clock, backoff_base_s=1.5) as fetcher:
        page = fetcher.fetch("test", server.url("/p"))
    assert page.status == 200
    assert page.body == b"fine"
    assert page.headers["content-type"] == "text/plain"
    assert len(server.requests_to("/p")) == 2
    assert clock.sleeps == [1.5]  # first backoff step: base * 2**0


def test_backoff_doubles_between_retries(server: ScriptedServer, clock: FakeClock) -> None:
    server.script("/p", Reply(503), Reply(502), Reply(504), Reply(200, b"ok"))
    with make_fetcher(clock, backoff_base_s=1.0, max_retries=3) as fetcher:
        assert fetcher.fetch("test", server.url("/p")).body == b"ok"
    assert clock.sleeps == [1.0, 2.0, 4.0]


def test_429_retry_after_seconds_is_honoured(server: ScriptedServer, clock: FakeClock) -> None:
    server.script("/p", Reply(429, headers={"Retry-After": "7"}), Reply(200, b"ok"))
    with make_fetcher(clock) as fetcher:
        assert fetcher.fetch("test", server.url("/p")).body == b"ok"
    assert clock.sleeps == [7.0]
    assert len(server.requests_to("/p")) == 2


def test_retry_after_http_date_is_honoured(server: ScriptedServer, clock: FakeClock) -> None:
    when = datetime.now(UTC) + timedelta(seconds=30)
    retry_after = format_datetime(when, usegmt=True)
    server.script("/p", Reply(503, headers={"Retry-After": retry_after}), Reply(200, b"ok"))
    with make_fetcher(clock) as fetcher:
        fetcher.fetch("test", server.url("/p"))
    assert len(clock.sleeps) == 1
    assert 28.0 <= clock.sleeps[0] <= 30.0


def test_retry_after_too_long_fails_without_sleeping(
    server: ScriptedServer, clock: FakeClock
) -> None:
    server.script("/p", Reply(429, headers={"Retry-After": "3600"}), Reply(200, b"ok"))
    with make_fetcher(clock, max_retry_after_s=120.0) as fetcher, pytest.raises(FetchError) as info:
        fetcher.fetch("test", server.url("/p"))
    assert "Retry-After 3600 s" in info.value.reason
    assert clock.sleeps == []
    assert len(server.requests_to("/p")) == 1


def test_404_fails_at_once_with_status(server: ScriptedServer, clock: FakeClock) -> None:
    server.script("/gone", Reply(404, b"no such page"))
    url = server.url("/gone")
    with make_fetcher(clock) as fetcher, pytest.raises(FetchError) as info:
        fetcher.fetch("test", url)
    assert info.value.status == 404
    assert info.value.url == url
    assert str(info.value) == f"{url}: HTTP 404 Not Found: no such page"
    assert len(server.requests_to("/gone")) == 1
    assert clock.sleeps == []


def test_5xx_every_time_gives_up_after_max_retries(
    server: ScriptedServer, clock: FakeClock
) -> None:
    server.script("/p", Reply(500))
    with make_fetcher(clock, max_retries=2) as fetcher, pytest.raises(FetchError) as info:
        fetcher.fetch("test", server.url("/p"))
    assert info.value.reason == "HTTP 500; gave up after 3 attempts"
    assert len(server.requests_to("/p")) == 3


def test_timeout_is_retried_then_fails(server: ScriptedServer, clock: FakeClock) -> None:
    server.script("/slow", Reply(200, b"late", delay_s=2.0))
    fetcher = make_fetcher(clock, timeout_s=0.1, max_retries=1)
    with fetcher, pytest.raises(FetchError) as info:
        fetcher.fetch("test", server.url("/slow"))
    assert "timed out after 0.1 s" in info.value.reason
    assert "gave up after 2 attempts" in info.value.reason
    assert len(server.requests_to("/slow")) == 2
    assert clock.sleeps == [1.0]


def test_connection_reset_is_retried_then_fails(server: ScriptedServer, clock: FakeClock) -> None:
    server.script("/reset", Reply(action=Action.RESET))
    with make_fetcher(clock, max_retries=2) as fetcher, pytest.raises(FetchError) as info:
        fetcher.fetch("test", server.url("/reset"))
    assert "gave up after 3 attempts" in info.value.reason
    assert len(server.requests_to("/reset")) == 3


def test_truncated_body_fails(server: ScriptedServer, clock: FakeClock, tmp_path: Path) -> None:
    server.script("/t", Reply(200, b"0123456789", action=Action.TRUNCATE, declared_length=100))
    archive = SpyArchive(tmp_path)
    with make_fetcher(clock, archive, max_retries=1) as fetcher, pytest.raises(FetchError) as info:
        fetcher.fetch("test", server.url("/t"))
    assert "truncated body" in info.value.reason
    assert "expected 100" in info.value.reason
    assert archive.stored == []


def test_truncated_body_is_caught_on_any_transport(clock: FakeClock) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        # A streamed body (as a real transport delivers it) that stops short of its length.
        return httpx.Response(200, headers={"Content-Length": "50"}, content=iter([b"short"]))

    config = FetchConfig(per_host_delay_s=0.0, max_retries=0, obey_robots=False)
    transport = httpx.MockTransport(handler)
    with (
        Fetcher(config, None, transport, sleep=clock.sleep, clock=clock.time) as fetcher,
        pytest.raises(FetchError, match="received 5 bytes, expected 50"),
    ):
        fetcher.fetch("test", "https://example.test/x")


def test_oversized_body_fails(server: ScriptedServer, clock: FakeClock) -> None:
    server.script("/big", Reply(200, b"x" * 5000))
    with make_fetcher(clock, max_bytes=1000) as fetcher, pytest.raises(FetchError) as info:
        fetcher.fetch("test", server.url("/big"))
    assert info.value.reason.startswith("body larger than 1000 bytes")
    assert len(server.requests_to("/big")) == 1


def test_oversized_body_without_content_length_fails(clock: FakeClock) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=iter([b"x" * 600, b"y" * 600]))  # chunked

    config = FetchConfig(per_host_delay_s=0.0, max_bytes=1000, obey_robots=False)
    transport = httpx.MockTransport(handler)
    with (
        Fetcher(config, None, transport, sleep=clock.sleep, clock=clock.time) as fetcher,
        pytest.raises(FetchError) as info,
    ):
        fetcher.fetch("test", "https://example.test/x")
    assert info.value.reason == "body larger than 1000 bytes"


def test_gzip_bomb_is_capped_after_decoding(server: ScriptedServer, clock: FakeClock) -> None:
    bomb = gzip.compress(bytes(20 * 1024 * 1024), compresslevel=6)
    assert len(bomb) < 100_000  # small on the wire...
    server.script("/bomb", Reply(200, bomb, {"Content-Encoding": "gzip"}))
    with make_fetcher(clock, max_bytes=1024 * 1024) as fetcher, pytest.raises(FetchError) as info:
        fetcher.fetch("test", server.url("/bomb"))
    assert info.value.reason == f"body larger than {1024 * 1024} bytes"  # ...huge decoded


def test_gzip_body_is_returned_decoded(server: ScriptedServer, clock: FakeClock) -> None:
    server.script("/z", Reply(200, gzip.compress(b"hello " * 100), {"Content-Encoding": "gzip"}))
    with make_fetcher(clock) as fetcher:
        assert fetcher.fetch("test", server.url("/z")).body == b"hello " * 100


def test_user_agent_is_sent(server: ScriptedServer, clock: FakeClock) -> None:
    server.script("/ua", Reply(200, b"ok"))
    agent = "deflator-test/9 (+https://example.test)"
    with make_fetcher(clock, user_agent=agent) as fetcher:
        fetcher.fetch("test", server.url("/ua"))
    assert server.requests_to("/ua")[0].headers["user-agent"] == agent


def test_default_user_agent_names_the_project() -> None:
    assert FetchConfig().user_agent.startswith("deflator/0.1 (+https://github.com/")


def test_redirects_are_followed_and_final_url_kept(
    server: ScriptedServer, clock: FakeClock
) -> None:
    server.script("/old", Reply(301, headers={"Location": "/new"}))
    server.script("/new", Reply(200, b"moved here"))
    with make_fetcher(clock) as fetcher:
        page = fetcher.fetch("test", server.url("/old"))
    assert page.url == server.url("/new")
    assert page.body == b"moved here"


def test_redirect_loop_fails(server: ScriptedServer, clock: FakeClock) -> None:
    server.script("/loop", Reply(302, headers={"Location": "/loop"}))
    with make_fetcher(clock) as fetcher, pytest.raises(FetchError, match="more than 5 redirects"):
        fetcher.fetch("test", server.url("/loop"))
    assert len(server.requests_to("/loop")) == 6  # the first request and 5 redirects


def test_per_host_delay_spaces_requests_to_one_host(
    server: ScriptedServer, clock: FakeClock
) -> None:
    server.script("/a", Reply(200, b"a"))
    with make_fetcher(clock, per_host_delay_s=1.0) as fetcher:
        fetcher.fetch("test", server.url("/a"))
        assert clock.sleeps == []
        fetcher.fetch("test", server.url("/a"))
    assert clock.sleeps == [pytest.approx(1.0)]


def test_per_host_delay_does_not_slow_other_hosts(clock: FakeClock) -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=b"ok"))
    config = FetchConfig(per_host_delay_s=1.0, obey_robots=False)
    with Fetcher(config, None, transport, sleep=clock.sleep, clock=clock.time) as fetcher:
        fetcher.fetch("test", "https://one.example.test/")
        fetcher.fetch("test", "https://two.example.test/")
        assert clock.sleeps == []
        fetcher.fetch("test", "https://one.example.test/again")
    assert clock.sleeps == [pytest.approx(1.0)]


def test_concurrent_threads_to_one_host_queue_politely() -> None:
    """Real clock: two threads at once to one host start at least the delay apart."""
    started: list[float] = []
    lock = threading.Lock()

    def handler(request: httpx.Request) -> httpx.Response:
        with lock:
            started.append(time.monotonic())
        return httpx.Response(200, content=b"ok")

    config = FetchConfig(per_host_delay_s=0.2, obey_robots=False)
    with Fetcher(config, None, httpx.MockTransport(handler)) as fetcher:
        threads = [
            threading.Thread(target=fetcher.fetch, args=("test", f"https://host.test/{i}"))
            for i in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=5)
    assert len(started) == 2
    assert started[1] - started[0] >= 0.19


def test_success_is_archived_before_return(
    server: ScriptedServer, clock: FakeClock, tmp_path: Path
) -> None:
    server.script("/doc", Reply(200, b'{"price": "1.00"}', {"Content-Type": "application/json"}))
    archive = SpyArchive(tmp_path / "raw")
    with make_fetcher(clock, archive) as fetcher:
        page = fetcher.fetch("openrouter", server.url("/doc"))
    assert page.replayed is False
    assert page.source == "openrouter"
    assert len(archive.stored) == 1
    stored = archive.stored[0]
    assert stored.sha256 == page.sha256
    assert gzip.decompress(stored.body_path.read_bytes()) == page.body
    [record] = archive.iter_fetches()
    assert record["url"] == server.url("/doc")
    assert record["headers"]["content-type"] == "application/json"
    assert datetime.fromisoformat(record["fetched_at"]) == page.fetched_at


def test_archive_failure_means_no_page(server: ScriptedServer, clock: FakeClock) -> None:
    """The archive write is on the path to returning: if it fails, nothing is returned."""

    class BrokenArchive(RawArchive):
        def store(self, page: FetchedPage) -> ArchivedFetch:
            raise OSError("disk full")

    server.script("/doc", Reply(200, b"data"))
    with (
        make_fetcher(clock, BrokenArchive(Path("/nonexistent"))) as fetcher,
        pytest.raises(OSError, match="disk full"),
    ):
        fetcher.fetch("test", server.url("/doc"))


def test_failures_are_not_archived(
    server: ScriptedServer, clock: FakeClock, tmp_path: Path
) -> None:
    server.script("/gone", Reply(404, b"gone"))
    archive = SpyArchive(tmp_path)
    with make_fetcher(clock, archive) as fetcher, pytest.raises(FetchError):
        fetcher.fetch("test", server.url("/gone"))
    assert archive.stored == []
    assert list(archive.iter_fetches()) == []


def test_fetched_at_is_utc_now(server: ScriptedServer, clock: FakeClock) -> None:
    server.script("/p", Reply(200, b"ok"))
    before = datetime.now(UTC)
    with make_fetcher(clock) as fetcher:
        page = fetcher.fetch("test", server.url("/p"))
    assert before <= page.fetched_at <= datetime.now(UTC)
    assert page.fetched_at.utcoffset() == timedelta(0)


def test_unsupported_scheme_fails_without_retry(clock: FakeClock) -> None:
    with make_fetcher(clock) as fetcher, pytest.raises(FetchError, match="cannot request"):
        fetcher.fetch("test", "ftp://example.test/file")
    assert clock.sleeps == []


def test_fetch_error_pickles_with_its_fields() -> None:
    error = FetchError("https://x.test/", "HTTP 404 Not Found", status=404)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.url, copy.reason, copy.status) == ("https://x.test/", "HTTP 404 Not Found", 404)
    assert str(copy) == "https://x.test/: HTTP 404 Not Found"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("7", 7.0),
        (" 0 ", 0.0),
        ("soon", None),
        ("Wed, 19 Aug 2026 12:00:30 GMT", 30.0),
        ("Wed, 19 Aug 2026 11:00:00 GMT", 0.0),  # in the past: no wait
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    now = datetime(2026, 8, 19, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after(value, now=now) == expected
