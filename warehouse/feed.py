"""The change feed: the night's price changes as Atom (RFC 4287) and JSON Feed 1.1 files.

One feed of every change and one per provider, written under a folder (``deflator feed
--out DIR``; the nightly flow writes ``<data dir>/feeds`` after every run). An item is one
event of ``mart_price_changes`` recorded by a nightly run: a new listing, a cut, a rise, a
withdrawal, a relisting; "scheduled" when the price takes effect after the run that read it.
Each carries the old and new price as published (currency, unit), the percent change, the
source and the page, and their USD values where the ECB rate of the change's date exists.

Item ids are stable (a UUID of the series, the event and its date), so a reader that polls
the feed twice shows each change once. A feed keeps the newest :data:`MAX_ITEMS` items.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import duckdb

from warehouse.sqlfiles import sql

MAX_ITEMS = 1000
# Part of each feed's fingerprint: a new version of this module (how a feed is rendered)
# rewrites every feed once.
RENDERER = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
ATOM_NS = "http://www.w3.org/2005/Atom"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
_NAMESPACE = uuid.UUID("6f1c3b9e-5d0e-4d36-9a61-3d5b0c2f7e11")  # deflator's change items
LABEL = {
    "first": "new listing",
    "down": "price cut",
    "up": "price rise",
    "withdrawn": "withdrawn",
    "relisted": "relisted",
}
UNIT_TEXT = {
    "per_1m_tokens": "per 1M tokens",
    "per_hour": "per hour",
    "per_kwh": "per kWh",
    "per_gb_month": "per GB-month",
    "per_gb": "per GB",
}


@dataclass(frozen=True)
class Change:
    """One price event as the feed shows it (a row of warehouse/sql/feed_changes.sql)."""

    run_id: str
    recorded_at: datetime
    changed_at: datetime
    change: str
    leg: str
    source: str
    source_kind: str
    provider: str
    sku: str
    model_id: str | None
    component: str
    tier: str
    region: str
    currency: str
    unit: str
    old_price: Decimal | None
    new_price: Decimal | None
    percent: float | None
    url: str | None
    old_price_usd: Decimal | None
    new_price_usd: Decimal | None

    @property
    def scheduled(self) -> bool:
        """The price takes effect after the run that read it (a announced future change)."""
        return self.changed_at > self.recorded_at

    @property
    def kind(self) -> str:
        """``price cut``, ``new listing``…, prefixed ``scheduled`` for a future change."""
        label = LABEL.get(self.change, self.change)
        return f"scheduled {label}" if self.scheduled else label

    @property
    def item_id(self) -> str:
        key = "|".join(
            str(part)
            for part in (
                self.source,
                self.provider,
                self.sku,
                self.component,
                self.tier,
                self.region,
                self.currency,
                self.change,
                self.changed_at.isoformat(),
            )
        )
        return f"urn:uuid:{uuid.uuid5(_NAMESPACE, key)}"

    @property
    def title(self) -> str:
        what = self.model_id or self.sku
        tier = "" if self.tier == "standard" else f", {self.tier}"
        region = "" if self.region == "global" else f", {self.region}"
        unit = UNIT_TEXT.get(self.unit, self.unit)
        old, new = _money(self.old_price, self.currency), _money(self.new_price, self.currency)
        if self.change == "withdrawn":
            move = f"{old} {unit} no longer listed"
        elif self.old_price is None or self.change == "relisted":
            move = f"{new} {unit}"
        else:
            move = f"{old} → {new} {unit} ({self.percent:+.1f}%)"
        return f"{self.provider} {what} {self.component}{tier}{region}: {self.kind}, {move}"

    def summary(self) -> str:
        """The item's text: the title's facts plus the date, source, page and USD values."""
        lines = [
            self.title + ".",
            f"Takes effect: {self.changed_at:%Y-%m-%d %H:%M} UTC; recorded by run "
            f"{self.run_id} ({self.recorded_at:%Y-%m-%d %H:%M} UTC).",
            f"Source: {self.source} ({self.source_kind}); listing {self.sku}.",
        ]
        if self.url:
            lines.append(f"Page: {self.url}")
        if self.currency != "USD" and (self.old_price_usd or self.new_price_usd):
            lines.append(
                f"In USD at the ECB rate of its date: {_money(self.old_price_usd, 'USD')} → "
                f"{_money(self.new_price_usd, 'USD')}."
            )
        return "\n".join(lines)

    def data(self) -> dict:
        """The item's facts for machines (JSON Feed extension ``_deflator``)."""
        return {
            "change": self.change,
            "kind": self.kind,
            "scheduled": self.scheduled,
            "leg": self.leg,
            "provider": self.provider,
            "sku": self.sku,
            "model_id": self.model_id,
            "component": self.component,
            "tier": self.tier,
            "region": self.region,
            "currency": self.currency,
            "unit": self.unit,
            "old_price": _text(self.old_price),
            "new_price": _text(self.new_price),
            "percent": None if self.percent is None else round(self.percent, 4),
            "old_price_usd": _text(self.old_price_usd),
            "new_price_usd": _text(self.new_price_usd),
            "source": self.source,
            "source_kind": self.source_kind,
            "changed_at": _rfc3339(self.changed_at),
            "run_id": self.run_id,
        }


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _money(value: Decimal | None, currency: str) -> str:
    return "none" if value is None else f"{_text(value)} {currency}"


def _rfc3339(moment: datetime) -> str:
    """A stored UTC wall time as RFC 3339 (``2026-07-17T00:00:00Z``)."""
    return moment.replace(tzinfo=None, microsecond=0).isoformat() + "Z"


def changes(
    con: duckdb.DuckDBPyConnection, *, run_id: str | None = None, since: datetime | None = None
) -> list[Change]:
    """The changes of nightly run ``run_id``, or of the nightly runs started since ``since``,
    or (neither given) of the latest nightly run."""
    if run_id is None and since is None:
        row = con.execute(
            "SELECT run_id FROM runs WHERE mode <> 'backfill' ORDER BY started_at DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return []
        run_id = row[0]
    since_naive = since.astimezone(UTC).replace(tzinfo=None) if since else None
    rows = con.execute(sql("feed_changes"), {"run_id": run_id, "since": since_naive}).fetchall()
    return [Change(*row) for row in rows]


@dataclass(frozen=True)
class WrittenFeeds:
    """What :func:`write_feeds` wrote."""

    folder: Path
    items: int
    providers: dict[str, int]
    files: list[Path]


def write_feeds(items: list[Change], out_dir: Path | str, base_url: str = "") -> WrittenFeeds:
    """Write ``feed.atom`` and ``feed.json`` of every change, and ``providers/<p>.atom`` and
    ``.json`` per provider, under ``out_dir``; each file replaced whole (renamed into place).

    Args:
        items: The changes, newest first.
        out_dir: The folder (created).
        base_url: Where the folder is served, for the feeds' self links (optional).
    """
    out = Path(out_dir)
    (out / "providers").mkdir(parents=True, exist_ok=True)
    by_slug: dict[str, list[Change]] = defaultdict(list)  # one file per provider name's slug
    for item in items:
        by_slug[provider_slug(item.provider)].append(item)
    files: list[Path] = []
    files += _write_pair(out, "feed", "deflator: price changes", "all", items, base_url)
    for slug, own in sorted(by_slug.items()):
        files += _write_pair(
            out / "providers",
            slug,
            f"deflator: price changes, {own[0].provider}",
            f"provider:{slug}",
            own,
            f"{base_url.rstrip('/')}/providers" if base_url else "",
        )
    return WrittenFeeds(out, len(items), {p: len(v) for p, v in by_slug.items()}, files)


def provider_slug(provider: str) -> str:
    """The file name of a provider's feeds: lower case, ``[a-z0-9._-]`` only."""
    return re.sub(r"[^a-z0-9._-]+", "-", provider.lower()).strip("-.") or "provider"


def _write_pair(
    folder: Path, stem: str, title: str, scope: str, items: list[Change], base_url: str
) -> list[Path]:
    """Write one feed as Atom and JSON, unless both files already hold exactly these items.

    A night changes few providers' prices, so most feeds are the same as last night's:
    rewriting them costs ~2.5 s a night on the recorded data and tells pollers that go by the
    file's date that something changed. A fingerprint of what the files were made from (kept
    items, title, scope, links, total) sits beside them in ``.<stem>.fingerprint``.
    """
    kept = items[:MAX_ITEMS]
    atom = folder / f"{stem}.atom"
    feed_json = folder / f"{stem}.json"
    self_url = f"{base_url.rstrip('/')}/{stem}" if base_url else ""
    stamp = folder / f".{stem}.fingerprint"
    fingerprint = hashlib.sha256(
        repr((RENDERER, title, scope, self_url, len(items), kept)).encode()
    ).hexdigest()
    if atom.is_file() and feed_json.is_file() and _read(stamp) == fingerprint:
        return [atom, feed_json]
    updated = max((i.recorded_at for i in kept), default=None)
    updated_text = _rfc3339(updated) if updated else _rfc3339(datetime.now(UTC))
    stamp.unlink(missing_ok=True)  # a crash between the two files leaves no stale fingerprint
    _replace(atom, atom_feed(kept, title, f"urn:deflator:feed:{scope}", updated_text, self_url))
    _replace(feed_json, json_feed(kept, title, self_url, len(items)))
    _replace(stamp, fingerprint)
    return [atom, feed_json]


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def atom_feed(items: list[Change], title: str, feed_id: str, updated: str, self_url: str) -> str:
    """An Atom 1.0 document of ``items``."""
    ElementTree.register_namespace("", ATOM_NS)

    def sub(parent: ElementTree.Element, tag: str, text: str | None = None, **attrs: str):
        element = ElementTree.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    feed = ElementTree.Element(f"{{{ATOM_NS}}}feed")
    sub(feed, "id", feed_id)
    sub(feed, "title", title)
    sub(feed, "updated", updated)
    author = sub(feed, "author")
    sub(author, "name", "deflator")
    if self_url:
        sub(feed, "link", rel="self", href=f"{self_url}.atom")
    for item in items:
        entry = sub(feed, "entry")
        sub(entry, "id", item.item_id)
        sub(entry, "title", item.title)
        sub(entry, "updated", _rfc3339(item.recorded_at))
        sub(entry, "published", _rfc3339(min(item.changed_at, item.recorded_at)))
        if item.url:
            sub(entry, "link", rel="alternate", href=item.url)
        sub(entry, "category", term=item.kind)
        sub(entry, "category", term=item.provider)
        sub(entry, "summary", item.summary(), type="text")
    ElementTree.indent(feed)
    body = ElementTree.tostring(feed, encoding="unicode")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n"


def json_feed(items: list[Change], title: str, self_url: str, total: int) -> str:
    """A JSON Feed 1.1 document of ``items`` (``total``: changes before the cap)."""
    feed: dict = {
        "version": JSON_FEED_VERSION,
        "title": title,
        "description": f"{total} price change(s) recorded by deflator's nightly runs"
        + (f"; the newest {MAX_ITEMS} are listed" if total > len(items) else ""),
        "authors": [{"name": "deflator"}],
        "items": [
            {
                "id": item.item_id,
                "title": item.title,
                "content_text": item.summary(),
                "date_published": _rfc3339(min(item.changed_at, item.recorded_at)),
                "date_modified": _rfc3339(item.recorded_at),
                "tags": [item.kind, item.provider, item.leg],
                **({"url": item.url} if item.url else {}),
                "_deflator": item.data(),
            }
            for item in items
        ],
    }
    if self_url:
        feed["feed_url"] = f"{self_url}.json"
    return json.dumps(feed, indent=2, ensure_ascii=False) + "\n"


def _replace(target: Path, text: str) -> None:
    temporary = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, target)
