"""robots.txt, redirects to other hosts and conditional requests, against a local server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from scrapers.archive import RawArchive
from scrapers.fetch import DISALLOWED_BY_ROBOTS, FetchConfig, Fetcher, FetchError
from tests.http_server import Action, Reply, ScriptedServer

AGENT = "deflator/0.1 (+https://github.com/deflator-pipeline/deflator)"
ROBOTS = b"User-agent: deflator\nDisallow: /private/\n\nUser-agent: *\nDisallow: /\n"


class Sleeps:
    """A fake clock that records waits instead of waiting."""

    def __init__(self) -> None:
        self.now = 0.0
        self.waits: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer() as running:
        yield running


def fetcher(
    archive: RawArchive | None = None, sleeps: Sleeps | None = None, **config: object
) -> Fetcher:
    settings: dict[str, object] = {
        "per_host_delay_s": 0.0,
        "timeout_s": 2.0,
        "max_retries": 1,
        "backoff_base_s": 0.0,
        "user_agent": AGENT,
    }
    settings.update(config)
    sleeps = sleeps or Sleeps()
    return Fetcher(FetchConfig(**settings), archive, sleep=sleeps.sleep, clock=sleeps.clock)


# robots.txt -------------------------------------------------------------------------------


def test_disallowed_url_is_refused_without_being_requested(server: ScriptedServer) -> None:
    server.script("/robots.txt", Reply(200, ROBOTS))
    server.script("/private/prices", Reply(200, b"secret"))
    with fetcher() as polite, pytest.raises(FetchError) as info:
        polite.fetch("test", server.url("/private/prices"))
    assert info.value.reason == DISALLOWED_BY_ROBOTS
    assert server.requests_to("/private/prices") == []


def test_allowed_url_is_fetched_and_robots_is_read_once_per_run(server: ScriptedServer) -> None:
    server.script("/robots.txt", Reply(200, ROBOTS))
    server.script("/public/a", Reply(200, b"a"))
    server.script("/public/b", Reply(200, b"b"))
    with fetcher() as polite:
        assert polite.fetch("test", server.url("/public/a")).body == b"a"
        assert polite.fetch("test", server.url("/public/b")).body == b"b"
        with pytest.raises(FetchError, match=r"disallowed by robots\.txt"):
            polite.fetch("test", server.url("/private/x"))
    assert len(server.requests_to("/robots.txt")) == 1
    assert server.requests_to("/robots.txt")[0].headers["user-agent"] == AGENT
    with fetcher() as next_run:  # a new run reads robots.txt again
        next_run.fetch("test", server.url("/public/a"))
    assert len(server.requests_to("/robots.txt")) == 2


def test_rules_for_other_agents_do_not_apply(server: ScriptedServer) -> None:
    server.script("/robots.txt", Reply(200, b"User-agent: otherbot\nDisallow: /\n"))
    server.script("/p", Reply(200, b"ok"))
    with fetcher() as polite:
        assert polite.fetch("test", server.url("/p")).body == b"ok"


def test_missing_robots_txt_allows_everything(server: ScriptedServer) -> None:
    server.script("/robots.txt", Reply(404, b"nope"))
    server.script("/p", Reply(200, b"ok"))
    with fetcher() as polite:
        assert polite.fetch("test", server.url("/p")).body == b"ok"


def test_unreachable_robots_txt_disallows_everything(server: ScriptedServer) -> None:
    server.script("/robots.txt", Reply(503))
    server.script("/p", Reply(200, b"ok"))
    with fetcher() as polite, pytest.raises(FetchError) as info:
        polite.fetch("test", server.url("/p"))
    assert info.value.reason.startswith("robots.txt unreachable (HTTP 503; gave up after 2")
    assert server.requests_to("/p") == []
    assert len(server.requests_to("/robots.txt")) == 2  # retried like any request


def test_crawl_delay_longer_than_ours_is_honoured(server: ScriptedServer) -> None:
    server.script("/robots.txt", Reply(200, b"User-agent: *\nCrawl-delay: 5\n"))
    server.script("/p", Reply(200, b"ok"))
    sleeps = Sleeps()
    with fetcher(sleeps=sleeps, per_host_delay_s=1.0) as polite:
        polite.fetch("test", server.url("/p"))
        polite.fetch("test", server.url("/p"))
    # robots.txt, then the page 5 s later, then the page again 5 s after that
    assert sleeps.waits == [pytest.approx(5.0), pytest.approx(5.0)]


def test_crawl_delay_is_capped(server: ScriptedServer) -> None:
    server.script("/robots.txt", Reply(200, b"User-agent: *\nCrawl-delay: 86400\n"))
    server.script("/p", Reply(200, b"ok"))
    sleeps = Sleeps()
    with fetcher(sleeps=sleeps, max_crawl_delay_s=30.0) as polite:
        polite.fetch("test", server.url("/p"))
    assert sleeps.waits == [pytest.approx(30.0)]


def test_a_redirect_into_a_disallowed_path_is_refused(server: ScriptedServer) -> None:
    server.script("/robots.txt", Reply(200, ROBOTS))
    server.script("/public/moved", Reply(302, headers={"Location": "/private/here"}))
    server.script("/private/here", Reply(200, b"secret"))
    with fetcher() as polite, pytest.raises(FetchError) as info:
        polite.fetch("test", server.url("/public/moved"))
    assert info.value.reason.endswith(DISALLOWED_BY_ROBOTS)
    assert server.requests_to("/private/here") == []


def test_replayed_runs_never_ask_for_robots_txt() -> None:
    seen: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        headers = {"x-deflator-recorded-at": "2026-08-18T20:01:54+00:00"}
        return httpx.Response(200, headers=headers, content=b"{}")

    transport = httpx.MockTransport(handle)
    with Fetcher(FetchConfig(), None, transport, replay=True) as replaying:
        replaying.fetch("test", "https://example.test/prices")
    assert seen == ["/prices"]


# redirects to another host ----------------------------------------------------------------


def test_redirect_to_another_host_is_refused(server: ScriptedServer) -> None:
    server.script("/moved", Reply(302, headers={"Location": server.url("/there", "localhost")}))
    server.script("/there", Reply(200, b"elsewhere"))
    with fetcher() as polite, pytest.raises(FetchError) as info:
        polite.fetch("test", server.url("/moved"))
    assert info.value.reason.startswith("redirected to another host (localhost: http://localhost")
    assert server.requests_to("/there") == []


def test_redirect_to_an_allowed_host_is_followed(server: ScriptedServer) -> None:
    server.script("/moved", Reply(302, headers={"Location": server.url("/there", "localhost")}))
    server.script("/there", Reply(200, b"elsewhere"))
    with fetcher() as polite:
        page = polite.fetch("test", server.url("/moved"), redirect_hosts=("localhost",))
    assert page.body == b"elsewhere"
    assert page.url == server.url("/there", "localhost")


def test_redirect_within_the_host_is_followed(server: ScriptedServer) -> None:
    server.script("/old", Reply(301, headers={"Location": "/new"}))
    server.script("/new", Reply(200, b"here"))
    with fetcher() as polite:
        assert polite.fetch("test", server.url("/old")).body == b"here"


# conditional requests ---------------------------------------------------------------------


def test_unchanged_page_costs_a_304_and_comes_back_from_the_archive(
    server: ScriptedServer, tmp_path: Path
) -> None:
    archive = RawArchive(tmp_path / "raw")
    headers = {
        "ETag": '"v1"',
        "Last-Modified": "Tue, 24 Nov 2026 10:00:00 GMT",
        "Content-Type": "application/json; charset=utf-8",
    }
    server.script("/prices", Reply(200, b'{"a": 1}', headers), Reply(304, headers={"ETag": '"v1"'}))
    with fetcher(archive) as polite:
        first = polite.fetch("test", server.url("/prices"))
    with fetcher(archive) as next_night:
        second = next_night.fetch("test", server.url("/prices"))
    first_request, second_request = server.requests_to("/prices")
    assert "if-none-match" not in first_request.headers
    assert second_request.headers["if-none-match"] == '"v1"'
    assert second_request.headers["if-modified-since"] == "Tue, 24 Nov 2026 10:00:00 GMT"
    assert first.status == 200
    assert second.status == 304
    assert second.body == first.body
    assert second.sha256 == first.sha256
    assert second.headers["content-type"] == "application/json; charset=utf-8"
    assert second.fetched_at > first.fetched_at
    statuses = sorted(record["status"] for record in archive.iter_fetches())
    assert statuses == [200, 304]  # the 304 is a fetch of its own in the archive


def test_changed_page_is_downloaded_and_becomes_the_new_reference(
    server: ScriptedServer, tmp_path: Path
) -> None:
    archive = RawArchive(tmp_path / "raw")
    server.script(
        "/prices",
        Reply(200, b"v1", {"ETag": '"v1"'}),
        Reply(200, b"v2", {"ETag": '"v2"'}),
        Reply(304),
    )
    for _ in range(3):
        with fetcher(archive) as night:
            page = night.fetch("test", server.url("/prices"))
    sent = [r.headers.get("if-none-match") for r in server.requests_to("/prices")]
    assert sent == [None, '"v1"', '"v2"']
    assert (page.status, page.body) == (304, b"v2")


def test_no_validators_means_no_conditional_request(server: ScriptedServer, tmp_path: Path) -> None:
    archive = RawArchive(tmp_path / "raw")
    server.script("/plain", Reply(200, b"no etag here"))
    for _ in range(2):
        with fetcher(archive) as night:
            night.fetch("test", server.url("/plain"))
    assert all("if-none-match" not in r.headers for r in server.requests_to("/plain"))
    assert all("if-modified-since" not in r.headers for r in server.requests_to("/plain"))


def test_a_lost_archive_body_means_an_unconditional_request(
    server: ScriptedServer, tmp_path: Path
) -> None:
    archive = RawArchive(tmp_path / "raw")
    server.script("/prices", Reply(200, b"v1", {"ETag": '"v1"'}))
    with fetcher(archive) as night:
        page = night.fetch("test", server.url("/prices"))
    archive.object_path(page.sha256).unlink()
    with fetcher(archive) as night:
        assert night.fetch("test", server.url("/prices")).status == 200
    assert "if-none-match" not in server.requests_to("/prices")[1].headers


def test_a_304_that_was_not_asked_for_is_an_error(server: ScriptedServer) -> None:
    server.script("/odd", Reply(304))
    with fetcher() as polite, pytest.raises(FetchError, match="HTTP 304"):
        polite.fetch("test", server.url("/odd"))


def test_a_failed_conditional_request_keeps_the_old_reference(
    server: ScriptedServer, tmp_path: Path
) -> None:
    archive = RawArchive(tmp_path / "raw")
    server.script(
        "/prices",
        Reply(200, b"v1", {"ETag": '"v1"'}),
        Reply(action=Action.RESET),
        Reply(action=Action.RESET),
        Reply(304),
    )
    with fetcher(archive) as night:
        night.fetch("test", server.url("/prices"))
    with fetcher(archive) as night, pytest.raises(FetchError):
        night.fetch("test", server.url("/prices"))
    with fetcher(archive) as night:
        page = night.fetch("test", server.url("/prices"))
    assert (page.status, page.body) == (304, b"v1")
    assert server.requests_to("/prices")[-1].headers["if-none-match"] == '"v1"'


def test_a_redirect_to_another_origin_of_the_host_does_not_deadlock(
    server: ScriptedServer,
) -> None:
    """Like http -> https: same host (so the same turn), another origin (another robots.txt).

    One thread follows the redirect while holding the host's turn; the other fetches the new
    origin directly and waits for that turn while loading its robots.txt. Both must finish.
    """
    import threading
    import time

    with ScriptedServer() as other:
        # /moved keeps the host's turn busy while the other thread starts on the new origin
        moved = Reply(302, headers={"Location": other.url("/target")}, delay_s=0.5)
        server.script("/moved", moved)
        other.script("/robots.txt", Reply(200, b"User-agent: *\nAllow: /\n"))
        other.script("/target", Reply(200, b"target"))
        other.script("/direct", Reply(200, b"direct"))
        results: dict[str, bytes] = {}
        with Fetcher(FetchConfig(per_host_delay_s=0.0, timeout_s=5.0), None) as polite:

            def fetch(name: str, url: str) -> None:
                results[name] = polite.fetch("test", url).body

            threads = [
                threading.Thread(target=fetch, args=("moved", server.url("/moved"))),
                threading.Thread(target=fetch, args=("direct", other.url("/direct"))),
            ]
            for thread in threads:
                thread.start()
                time.sleep(0.2)
            for thread in threads:
                thread.join(timeout=15)
            assert not any(thread.is_alive() for thread in threads), "deadlocked"
    assert results == {"direct": b"direct", "moved": b"target"}
