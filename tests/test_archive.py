"""The content-addressed raw archive."""

from __future__ import annotations

import gzip
import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from schemas.observation import FetchedPage
from scrapers.archive import RawArchive

AT = datetime(2026, 8, 18, 20, 1, 54, tzinfo=UTC)


def page(
    body: bytes = b'{"data": []}', source: str = "openrouter", **fields: object
) -> FetchedPage:
    values: dict[str, object] = {
        "source": source,
        "url": "https://openrouter.ai/api/v1/models",
        "status": 200,
        "headers": {"content-type": "application/json"},
        "body": body,
        "fetched_at": AT,
    }
    values.update(fields)
    return FetchedPage(**values)


def test_store_writes_gzip_object_and_metadata(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    fetched = page()
    sha = hashlib.sha256(fetched.body).hexdigest()

    stored = archive.store(fetched)

    assert stored.sha256 == sha
    assert stored.body_path == tmp_path / "objects" / sha[:2] / f"{sha}.gz"
    assert gzip.decompress(stored.body_path.read_bytes()) == fetched.body
    assert (
        stored.meta_path
        == tmp_path / "fetches" / "2026-08-18" / f"200154-{sha[:12]}-openrouter.json"
    )
    assert json.loads(stored.meta_path.read_text()) == {
        "source": "openrouter",
        "url": "https://openrouter.ai/api/v1/models",
        "status": 200,
        "headers": {"content-type": "application/json"},
        "fetched_at": "2026-08-18T20:01:54+00:00",
        "sha256": sha,
        "size": len(fetched.body),
        "replayed": False,
    }


def test_identical_body_is_stored_once_and_not_rewritten(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    first = archive.store(page())
    before = first.body_path.stat()

    second = archive.store(page(fetched_at=AT + timedelta(days=1)))

    assert second.body_path == first.body_path
    after = second.body_path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert second.meta_path != first.meta_path  # each fetch still gets its own record
    assert len(list((tmp_path / "objects").rglob("*.gz"))) == 1


def test_no_temporary_files_are_left_behind(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    archive.store(page())
    archive.store(page(b"other"))
    names = [p.name for p in tmp_path.rglob("*") if p.is_file()]
    assert not [name for name in names if name.endswith(".tmp")]
    assert len(names) == 4


def test_fetch_times_are_recorded_in_utc(tmp_path: Path) -> None:
    tokyo = timezone(timedelta(hours=9))
    stored = RawArchive(tmp_path).store(
        page(fetched_at=datetime(2026, 8, 19, 5, 1, 54, tzinfo=tokyo))
    )
    assert stored.meta_path.parent.name == "2026-08-18"
    assert stored.meta_path.name.startswith("200154-")


def test_read_body_returns_exact_bytes(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    body = bytes(range(256)) * 10
    stored = archive.store(page(body))
    assert archive.read_body(stored.sha256) == body


def test_read_body_of_unknown_or_bad_address(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    with pytest.raises(FileNotFoundError):
        archive.read_body("0" * 64)
    with pytest.raises(ValueError, match="not a sha256"):
        archive.read_body("../../etc/passwd")


def test_read_body_detects_corruption(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    stored = archive.store(page(b"original"))
    stored.body_path.write_bytes(gzip.compress(b"tampered"))
    with pytest.raises(ValueError, match="hashes to"):
        archive.read_body(stored.sha256)


def test_iter_fetches_oldest_first(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    archive.store(page(b"c", fetched_at=AT + timedelta(days=1)))
    archive.store(page(b"b", fetched_at=AT + timedelta(hours=1)))
    archive.store(page(b"a", fetched_at=AT, source="litellm", replayed=True))

    records = list(archive.iter_fetches())

    assert [r["fetched_at"] for r in records] == [
        "2026-08-18T20:01:54+00:00",
        "2026-08-18T21:01:54+00:00",
        "2026-08-19T20:01:54+00:00",
    ]
    assert [r["source"] for r in records] == ["litellm", "openrouter", "openrouter"]
    assert records[0]["replayed"] is True
    assert archive.read_body(records[2]["sha256"]) == b"c"


def test_iter_fetches_of_empty_archive(tmp_path: Path) -> None:
    assert list(RawArchive(tmp_path / "missing").iter_fetches()) == []


def test_unsafe_source_name_stays_inside_the_folder(tmp_path: Path) -> None:
    stored = RawArchive(tmp_path).store(page(source="../evil name"))
    assert stored.meta_path.parent == tmp_path / "fetches" / "2026-08-18"
    assert stored.meta_path.name.endswith("-.._evil_name.json")
    assert json.loads(stored.meta_path.read_text())["source"] == "../evil name"
