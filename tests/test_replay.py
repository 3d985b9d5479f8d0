"""Replaying recorded responses through the same Fetcher code path as live runs."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from scrapers.archive import RawArchive
from scrapers.base import Recording
from scrapers.fetch import FetchConfig, Fetcher, FetchError
from scrapers.replay import replay_transport

MODELS_URL = "https://openrouter.ai/api/v1/models"
MODELS = Recording(
    url=MODELS_URL,
    path="llm/openrouter/openrouter_models_2026-08-18.json",
    captured_at=datetime(2026, 8, 18, 20, 1, 54, tzinfo=UTC),
)


def replay_fetcher(
    shared_data: Path, recordings: list[Recording], archive: RawArchive | None, sleeps: list[float]
) -> Fetcher:
    transport = replay_transport(shared_data, recordings)
    return Fetcher(FetchConfig(), archive, transport, replay=True, sleep=sleeps.append)


def test_recording_is_served_with_its_capture_time(shared_data: Path, tmp_path: Path) -> None:
    file_bytes = (shared_data / MODELS.path).read_bytes()
    archive = RawArchive(tmp_path)
    sleeps: list[float] = []

    with replay_fetcher(shared_data, [MODELS], archive, sleeps) as fetcher:
        page = fetcher.fetch("openrouter", MODELS_URL)

    assert page.status == 200
    assert page.url == MODELS_URL
    assert page.replayed is True
    assert page.fetched_at == datetime(2026, 8, 18, 20, 1, 54, tzinfo=UTC)
    assert page.body == file_bytes
    assert page.sha256 == hashlib.sha256(file_bytes).hexdigest()
    assert page.headers["content-type"] == "application/json"
    assert page.headers["x-deflator-recorded-at"] == "2026-08-18T20:01:54+00:00"
    assert sleeps == []
    [record] = archive.iter_fetches()
    assert record["replayed"] is True
    assert record["fetched_at"] == "2026-08-18T20:01:54+00:00"
    assert archive.read_body(page.sha256) == file_bytes


def test_replay_skips_the_per_host_delay(shared_data: Path) -> None:
    sleeps: list[float] = []
    with replay_fetcher(shared_data, [MODELS], None, sleeps) as fetcher:
        fetcher.fetch("openrouter", MODELS_URL)
        fetcher.fetch("openrouter", MODELS_URL)
    assert sleeps == []


def test_content_type_comes_from_the_recording(shared_data: Path) -> None:
    html = Recording(
        url="https://example.test/pricing",
        path=MODELS.path,
        captured_at=MODELS.captured_at,
        content_type="text/html; charset=utf-8",
    )
    with replay_fetcher(shared_data, [html], None, []) as fetcher:
        page = fetcher.fetch("example", "https://example.test/pricing")
    assert page.headers["content-type"] == "text/html; charset=utf-8"


def test_unknown_url_is_a_fetch_error(shared_data: Path) -> None:
    sleeps: list[float] = []
    url = "https://openrouter.ai/api/v1/other"
    with (
        replay_fetcher(shared_data, [MODELS], None, sleeps) as fetcher,
        pytest.raises(FetchError) as info,
    ):
        fetcher.fetch("openrouter", url)
    assert info.value.status == 404
    assert info.value.reason == f"HTTP 404 Not Found: no recording for {url}"
    assert sleeps == []


def test_missing_recording_file_is_a_fetch_error_naming_the_path(
    shared_data: Path, tmp_path: Path
) -> None:
    gone = Recording(
        url=MODELS_URL, path="llm/nowhere/missing.json", captured_at=MODELS.captured_at
    )
    archive = RawArchive(tmp_path)
    with (
        replay_fetcher(shared_data, [gone], archive, []) as fetcher,
        pytest.raises(FetchError) as info,
    ):
        fetcher.fetch("openrouter", MODELS_URL)
    assert info.value.status == 404
    assert str(shared_data / "llm/nowhere/missing.json") in info.value.reason
    assert list(archive.iter_fetches()) == []


def test_conflicting_recordings_for_one_url_are_rejected(shared_data: Path) -> None:
    other = Recording(url=MODELS_URL, path="llm/other.json", captured_at=MODELS.captured_at)
    with pytest.raises(ValueError, match="two different recordings"):
        replay_transport(shared_data, [MODELS, other])


def test_naive_capture_time_is_rejected(shared_data: Path) -> None:
    naive = Recording(url=MODELS_URL, path=MODELS.path, captured_at=datetime(2026, 8, 18))
    with pytest.raises(ValueError, match="time zone"):
        replay_transport(shared_data, [naive])


def test_replay_without_capture_time_is_a_fetch_error() -> None:
    """A replay fetcher needs the capture time to date the page; without it, refuse."""
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=b"{}"))
    with (
        Fetcher(FetchConfig(), None, transport, replay=True) as fetcher,
        pytest.raises(FetchError, match="x-deflator-recorded-at"),
    ):
        fetcher.fetch("openrouter", MODELS_URL)
