"""Content-addressed archive of every raw response, so a parser fix can be replayed over history.

Layout under the root::

    objects/<sha[:2]>/<sha>.gz                               the body, gzip'd, written once
    fetches/<YYYY-MM-DD>/<HHMMSS>-<sha[:12]>-<source>[-<status>].json  one record per fetch
    last/<sha256 of the URL>.json                            the last good fetch of each URL

The ``last/`` index is what makes conditional requests possible: it keeps the body address and
the response headers (ETag, Last-Modified, Content-Type) of the latest successful fetch of a URL,
so the next night can ask "changed since?" and, on 304 Not Modified, read the unchanged body
back from ``objects/`` instead of downloading it.

Bodies are addressed by the SHA-256 of the exact bytes received, so a page that did not change
between two nights is stored once while each fetch still gets its own metadata record. Every
file is written to a temporary name in its final folder and moved into place with
``os.replace``, so a crash never leaves a half-written object or record behind.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from schemas.observation import FetchedPage

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_UNSAFE_IN_NAME = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(frozen=True)
class ArchivedFetch:
    """Where one stored fetch landed.

    Attributes:
        sha256: Content address of the body.
        body_path: The gzip'd body (shared by every fetch of identical bytes).
        meta_path: This fetch's metadata record.
    """

    sha256: str
    body_path: Path
    meta_path: Path


@dataclass(frozen=True)
class LastFetch:
    """The last good fetch of a URL: what a conditional request needs.

    Attributes:
        url: The URL as requested.
        sha256: Address of the body in ``objects/``.
        headers: Response headers (lower-case names) of that fetch.
        fetched_at: When it was fetched.
    """

    url: str
    sha256: str
    headers: dict[str, str]
    fetched_at: datetime

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")


class RawArchive:
    """The raw archive rooted at ``root`` (created on first store)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    @property
    def objects_dir(self) -> Path:
        return self.root / "objects"

    @property
    def fetches_dir(self) -> Path:
        return self.root / "fetches"

    def object_path(self, sha256: str) -> Path:
        """Path of the gzip'd body with this content address.

        Raises:
            ValueError: ``sha256`` is not 64 lower-case hex digits (keeps paths inside the root).
        """
        if not _SHA256.match(sha256):
            raise ValueError(f"not a sha256 hex digest: {sha256!r}")
        return self.objects_dir / sha256[:2] / f"{sha256}.gz"

    def store(self, page: FetchedPage) -> ArchivedFetch:
        """Store the body (unless already present) and a metadata record for this fetch."""
        sha256 = page.sha256
        body_path = self.object_path(sha256)
        if not body_path.exists():
            # mtime=0 makes the gzip bytes a pure function of the body.
            _write_atomically(body_path, gzip.compress(page.body, compresslevel=6, mtime=0))
        fetched_at = page.fetched_at.astimezone(UTC)
        meta_path = self.fetches_dir / fetched_at.strftime("%Y-%m-%d") / _meta_name(page, sha256)
        record = {
            "source": page.source,
            "url": page.url,
            "status": page.status,
            "headers": page.headers,
            "fetched_at": fetched_at.isoformat(),
            "sha256": sha256,
            "size": len(page.body),
            "replayed": page.replayed,
        }
        payload = json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        _write_atomically(meta_path, payload.encode("utf-8"))
        return ArchivedFetch(sha256=sha256, body_path=body_path, meta_path=meta_path)

    def read_body(self, sha256: str) -> bytes:
        """The exact body bytes stored under ``sha256``.

        Raises:
            FileNotFoundError: Nothing is stored under that address.
            ValueError: The stored object does not hash to its address (corrupted archive).
        """
        path = self.object_path(sha256)
        if not path.is_file():
            raise FileNotFoundError(f"no archived body {sha256} at {path}")
        body = gzip.decompress(path.read_bytes())
        actual = hashlib.sha256(body).hexdigest()
        if actual != sha256:
            raise ValueError(f"archived body {path} hashes to {actual}, not {sha256}")
        return body

    def last_fetch_path(self, url: str) -> Path:
        """Where the last good fetch of ``url`` is recorded."""
        return self.root / "last" / f"{hashlib.sha256(url.encode('utf-8')).hexdigest()}.json"

    def remember_last_fetch(self, url: str, page: FetchedPage) -> None:
        """Record ``page`` (already stored) as the last good fetch of the requested ``url``."""
        record = {
            "url": url,
            "sha256": page.sha256,
            "headers": page.headers,
            "fetched_at": page.fetched_at.astimezone(UTC).isoformat(),
        }
        payload = json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        _write_atomically(self.last_fetch_path(url), payload.encode("utf-8"))

    def last_fetch(self, url: str) -> LastFetch | None:
        """The last good fetch of ``url``, or None if unknown or its body is no longer stored."""
        path = self.last_fetch_path(url)
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return None
        if record.get("url") != url or not self.object_path(record["sha256"]).is_file():
            return None
        return LastFetch(
            url=url,
            sha256=record["sha256"],
            headers=dict(record.get("headers") or {}),
            fetched_at=datetime.fromisoformat(record["fetched_at"]),
        )

    def iter_fetches(self) -> Iterator[dict]:
        """Every metadata record, oldest first (one day's folder is loaded at a time)."""
        if not self.fetches_dir.is_dir():
            return
        for day in sorted(p for p in self.fetches_dir.iterdir() if p.is_dir()):
            records = [json.loads(p.read_text(encoding="utf-8")) for p in day.glob("*.json")]
            records.sort(key=lambda r: (datetime.fromisoformat(r["fetched_at"]), r["sha256"]))
            yield from records


def _meta_name(page: FetchedPage, sha256: str) -> str:
    source = _UNSAFE_IN_NAME.sub("_", page.source) or "_"
    stamp = page.fetched_at.astimezone(UTC).strftime("%H%M%S")
    # A 304 carries the body of an earlier 200: its own suffix keeps it from replacing that
    # 200's record when both fall in the same second.
    status = "" if page.status == 200 else f"-{page.status}"
    return f"{stamp}-{sha256[:12]}-{source}{status}.json"


def _write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and ``os.replace``.

    The temporary name starts with a dot and ends in ``.tmp`` so readers globbing for
    ``*.gz`` / ``*.json`` never see a partial file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o644)  # mkstemp creates 0600; archived files are meant to be shared
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
