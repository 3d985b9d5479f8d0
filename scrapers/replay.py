"""Replay recorded responses through httpx, so offline runs use the live code path unchanged.

A replayed fetch goes through the same Fetcher, archive and parser as a live one; only the
transport differs. Each response carries the recording's capture time in
``x-deflator-recorded-at`` so the page, and every price read from it, is dated truthfully.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC
from pathlib import Path

import httpx

from scrapers.base import Recording
from scrapers.fetch import RECORDED_AT_HEADER


def replay_transport(shared_data: Path, recordings: Iterable[Recording]) -> httpx.MockTransport:
    """A transport serving each recording's file (read in place) for its URL.

    Args:
        shared_data: The shared data folder the recordings' paths are relative to.
        recordings: The recordings to serve.

    Returns:
        A MockTransport answering 200 with the recorded bytes for a recorded URL, 404 with
        ``no recording for <url>`` for any other URL, and 404 naming the path when a
        recording's file is missing (files are read per request, never cached or copied).

    Raises:
        ValueError: Two recordings claim the same URL with different files or times, or a
            capture time has no time zone.
    """
    by_url = _index(recordings)

    def handle(request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        recording = by_url.get(url)
        if recording is None:
            return _not_found(f"no recording for {url}")
        path = Path(shared_data) / recording.path
        try:
            body = path.read_bytes()
        except FileNotFoundError:
            return _not_found(f"recording file missing: {path}")
        captured_at = recording.captured_at.astimezone(UTC).isoformat()
        headers = {"content-type": recording.content_type, RECORDED_AT_HEADER: captured_at}
        return httpx.Response(200, headers=headers, content=body)

    return httpx.MockTransport(handle)


def _index(recordings: Iterable[Recording]) -> dict[str, Recording]:
    by_url: dict[str, Recording] = {}
    for recording in recordings:
        if recording.captured_at.tzinfo is None:
            raise ValueError(f"recording {recording.path}: captured_at must carry a time zone")
        url = str(httpx.URL(recording.url))  # normalized the way requests will be
        known = by_url.get(url)
        if known is not None and known != recording:
            raise ValueError(f"two different recordings for {url}: {known.path}, {recording.path}")
        by_url[url] = recording
    return by_url


def _not_found(message: str) -> httpx.Response:
    return httpx.Response(404, headers={"content-type": "text/plain; charset=utf-8"}, text=message)
