"""The change feed (Atom and JSON Feed 1.1) and the nightly webhook.

Feeds are read back with feedparser (a standard feed parser) and checked structurally against
RFC 4287 and JSON Feed 1.1. The webhook goes to a local server on 127.0.0.1 (tests/
http_server.py); a server that answers 500 or is down leaves the night green.
"""

from __future__ import annotations

import json
import os
import socket
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import feedparser
import jsonschema
import pytest

from flows.webhook import deliver
from tests.http_server import Reply, ScriptedServer
from warehouse.feed import ATOM_NS, JSON_FEED_VERSION, Change, write_feeds

A = f"{{{ATOM_NS}}}"
RUN_AT = datetime(2026, 12, 6, 2, 0)


def _change(**overrides) -> Change:
    # Real list prices: gpt-4o input $2.50 per 1M tokens (pricing_page_facts.csv); the
    # other values of each item are set per test.
    fields = dict(
        run_id="20261206T020000Z-abc123",
        recorded_at=RUN_AT,
        changed_at=datetime(2025, 11, 21),
        change="first",
        leg="llm",
        source="openai_pricing",
        source_kind="first_party_page",
        provider="openai",
        sku="gpt-4o",
        model_id="gpt-4o",
        component="input",
        tier="standard",
        region="global",
        currency="USD",
        unit="per_1m_tokens",
        old_price=None,
        new_price=Decimal("2.5"),
        percent=None,
        url="https://platform.openai.com/docs/pricing",
        old_price_usd=None,
        new_price_usd=Decimal("2.5"),
    )
    return Change(**{**fields, **overrides})


# Hand-made events on real listings: a cut of gpt-4o from $5 to $2.50 (its 2024-08 cut), a
# withdrawal, Kimi K2.6's ¥6.50 input with its USD value at the ECB rate of 2026-07-17
# (6.5 × 1.1645 / 7.8925 = 0.959052141263 USD, fx/eurofxref-hist.csv), and a scheduled change.
ITEMS = [
    _change(
        change="down",
        old_price=Decimal("5"),
        percent=-50.0,
        old_price_usd=Decimal("5"),
        changed_at=datetime(2026, 12, 6, 1, 0),
    ),
    _change(
        change="withdrawn",
        sku="gpt-4-0314",
        model_id=None,
        new_price=None,
        old_price=Decimal("30"),
        new_price_usd=None,
    ),
    _change(
        source="kimi_pricing",
        provider="moonshot",
        sku="kimi-k2.6",
        model_id="kimi-k2.6",
        currency="CNY",
        new_price=Decimal("6.5"),
        new_price_usd=Decimal("0.959052141263"),
        url=None,
        changed_at=datetime(2026, 7, 17),
    ),
    _change(
        change="up",
        component="output",
        old_price=Decimal("10"),
        new_price=Decimal("12"),
        percent=20.0,
        changed_at=datetime(2027, 1, 1),
    ),
]


def assert_valid_atom(path: Path, entries: int) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert len(parsed.entries) == entries
    root = ElementTree.parse(path).getroot()  # RFC 4287 4.1.1: id, title, updated, author
    assert root.tag == f"{A}feed"
    for tag in ("id", "title", "updated", "author"):
        assert root.find(f"{A}{tag}") is not None, tag
    ids = []
    for entry in root.findall(f"{A}entry"):  # 4.1.2: id, title, updated each exactly once
        for tag in ("id", "title", "updated"):
            assert len(entry.findall(f"{A}{tag}")) == 1, tag
        datetime.fromisoformat(entry.find(f"{A}updated").text)
        ids.append(entry.find(f"{A}id").text)
    assert len(set(ids)) == len(ids) and all(i.startswith("urn:uuid:") for i in ids)
    return parsed


# JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/) as a JSON Schema: the top-level and
# item fields the spec defines, their types, the required ones (version, title, items; an
# item's id and content_html or content_text), and "_"-prefixed extensions. feedparser
# 6.0.14 reads Atom and RSS only, so JSON Feeds are checked against this.
_AUTHOR = {"type": "object", "properties": {"name": {"type": "string"}, "url": {"type": "string"}}}
_DATE = {"type": "string", "format": "date-time"}
JSON_FEED_SCHEMA = {
    "type": "object",
    "required": ["version", "title", "items"],
    "properties": {
        "version": {"const": JSON_FEED_VERSION},
        "title": {"type": "string"},
        "home_page_url": {"type": "string"},
        "feed_url": {"type": "string"},
        "description": {"type": "string"},
        "authors": {"type": "array", "items": _AUTHOR},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id"],
                "anyOf": [{"required": ["content_text"]}, {"required": ["content_html"]}],
                "properties": {
                    "id": {"type": "string"},
                    "url": {"type": "string"},
                    "title": {"type": "string"},
                    "content_text": {"type": "string"},
                    "content_html": {"type": "string"},
                    "date_published": _DATE,
                    "date_modified": _DATE,
                    "tags": {"type": "array", "items": {"type": "string"}},
                },
                "patternProperties": {"^_": {}},
                "additionalProperties": False,
            },
        },
    },
    "patternProperties": {"^_": {}},
    "additionalProperties": False,
}


def assert_valid_json_feed(path: Path, items: int) -> dict:
    feed = json.loads(path.read_text())
    jsonschema.validate(feed, JSON_FEED_SCHEMA, format_checker=jsonschema.FormatChecker())
    assert len(feed["items"]) == items
    for item in feed["items"]:  # RFC 3339, as the spec requires
        for key in ("date_published", "date_modified"):
            assert item[key].endswith("Z")
            datetime.fromisoformat(item[key])
    assert len({item["id"] for item in feed["items"]}) == items
    return feed


def test_feeds_render_each_kind_of_change(tmp_path):
    written = write_feeds(ITEMS, tmp_path, "https://example.invalid/feeds")
    assert written.providers == {"openai": 3, "moonshot": 1}
    atom = assert_valid_atom(tmp_path / "feed.atom", 4)
    titles = [e.title for e in atom.entries]
    assert titles[0] == ("openai gpt-4o input: price cut, 5 USD → 2.5 USD per 1M tokens (-50.0%)")
    assert titles[1] == "openai gpt-4-0314 input: withdrawn, 30 USD per 1M tokens no longer listed"
    assert titles[2] == "moonshot kimi-k2.6 input: new listing, 6.5 CNY per 1M tokens"
    assert titles[3].startswith("openai gpt-4o output: scheduled price rise, 10 USD → 12 USD")
    assert "0.959052141263 USD" in atom.entries[2].summary
    assert atom.entries[0].link == "https://platform.openai.com/docs/pricing"
    feed = assert_valid_json_feed(tmp_path / "feed.json", 4)
    assert feed["feed_url"] == "https://example.invalid/feeds/feed.json"
    kimi = feed["items"][2]["_deflator"]
    assert (kimi["new_price"], kimi["currency"], kimi["new_price_usd"]) == (
        "6.5",
        "CNY",
        "0.959052141263",
    )
    assert feed["items"][3]["_deflator"]["scheduled"] is True
    assert_valid_atom(tmp_path / "providers" / "moonshot.atom", 1)
    assert_valid_json_feed(tmp_path / "providers" / "openai.json", 3)
    # Item ids are stable: a reader polling twice sees each change once.
    write_feeds(ITEMS, tmp_path)
    assert [e.id for e in feedparser.parse(tmp_path / "feed.atom").entries] == [
        e.id for e in atom.entries
    ]


def test_empty_night_writes_valid_empty_feeds(tmp_path):
    write_feeds([], tmp_path)
    assert_valid_atom(tmp_path / "feed.atom", 0)
    feed = assert_valid_json_feed(tmp_path / "feed.json", 0)
    # The check can fail: an item without content, or a feed without title, is refused.
    for broken in (
        {**feed, "items": [{"id": "x"}]},
        {k: v for k, v in feed.items() if k != "title"},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, JSON_FEED_SCHEMA)


def test_webhook_is_delivered_with_the_summary():
    with ScriptedServer() as server:
        server.script("/hook", Reply(204))
        result = deliver(server.url("/hook"), {"run_id": "r1", "changes": {"price cut": 2}})
        (request,) = server.requests_to("/hook")
    assert result.delivered and result.attempts == 1 and result.status == 204
    assert request.method == "POST" and request.headers["content-type"] == "application/json"
    assert json.loads(request.body) == {"run_id": "r1", "changes": {"price cut": 2}}


def test_webhook_retries_with_backoff_then_reports():
    waits: list[float] = []
    with ScriptedServer() as server:
        server.script("/hook", Reply(500), Reply(503), Reply(200))
        ok = deliver(server.url("/hook"), {}, retries=3, backoff_s=0.5, sleep=waits.append)
        server.script("/gone", Reply(500))
        failed = deliver(server.url("/gone"), {}, retries=2, backoff_s=0.5, sleep=waits.append)
        server.script("/refused", Reply(403))
        refused = deliver(server.url("/refused"), {}, retries=3, sleep=waits.append)
        assert len(server.requests_to("/refused")) == 1  # a 4xx is not retried
    assert (ok.delivered, ok.attempts) == (True, 3)
    assert (failed.delivered, failed.attempts, failed.error) == (False, 3, "HTTP 500")
    assert "FAILED after 3 attempt(s)" in failed.line()
    assert (refused.delivered, refused.error) == (False, "HTTP 403")
    assert waits == [0.5, 1.0, 0.5, 1.0]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_webhook_to_a_server_that_is_down_is_reported():
    result = deliver(f"http://127.0.0.1:{_closed_port()}/hook", {}, retries=1, sleep=lambda s: None)
    assert not result.delivered and result.attempts == 2
    assert result.error.startswith("ConnectError")


# --- The night: feeds written, webhook sent, never failing the run --------------------------


@pytest.fixture
def night_env(tmp_path, shared_data, monkeypatch):
    monkeypatch.setenv("DEFLATOR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DEFLATOR_SHARED_DATA", str(shared_data))
    monkeypatch.setenv("DEFLATOR_WEBHOOK_RETRIES", "2")
    monkeypatch.setenv("DEFLATOR_WEBHOOK_BACKOFF", "0.01")
    for name in ("DEFLATOR_DB", "DEFLATOR_ARCHIVE", "DEFLATOR_FEED_DIR", "DEFLATOR_WEBHOOK_URL"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.mark.flow
def test_a_night_writes_its_feeds_and_calls_the_webhook(night_env, monkeypatch, capsys):
    from flows.nightly import nightly

    with ScriptedServer() as server:
        server.script("/hook", Reply(200))
        monkeypatch.setenv("DEFLATOR_WEBHOOK_URL", server.url("/hook"))
        report = nightly(offline=True, source_names=["kimi_pricing"])
        (request,) = server.requests_to("/hook")
    assert report.status == "ok"
    payload = json.loads(request.body)
    assert payload["run_id"] == report.run_id and payload["status"] == "ok"
    assert payload["changes"] == {"new listing": 3}  # Kimi K2.6: input, cache hit, output
    top = {c["component"]: c["new_price"] for c in payload["top_changes"]}
    assert top == {"input": "6.5", "cached_input": "1.1", "output": "27"}
    feeds = night_env / "feeds"
    atom = assert_valid_atom(feeds / "feed.atom", 3)
    assert all(e.title.startswith("moonshot kimi-k2.6") for e in atom.entries)
    assert_valid_json_feed(feeds / "providers" / "moonshot.json", 3)
    out = capsys.readouterr().out
    assert "feeds: 3 change(s) tonight (3 new listing)" in out and "webhook: delivered" in out


@pytest.mark.flow
@pytest.mark.parametrize("down", [False, True], ids=["answers-500", "down"])
def test_a_failing_webhook_leaves_the_night_green(night_env, monkeypatch, capsys, down):
    from flows.nightly import nightly

    with ScriptedServer() as server:
        server.script("/hook", Reply(500))
        url = f"http://127.0.0.1:{_closed_port()}/hook" if down else server.url("/hook")
        monkeypatch.setenv("DEFLATOR_WEBHOOK_URL", url)
        report = nightly(offline=True, source_names=["kimi_pricing"])
        posts = len(server.requests_to("/hook"))
    assert report.status == "ok"
    out = capsys.readouterr().out
    assert "webhook: FAILED after 3 attempt(s)" in out
    assert ("ConnectError" in out) if down else ("HTTP 500" in out and posts == 3)
    assert_valid_atom(night_env / "feeds" / "feed.atom", 3)


def test_a_feed_whose_items_did_not_change_is_not_rewritten(tmp_path):
    write_feeds(ITEMS, tmp_path)
    moonshot = tmp_path / "providers" / "moonshot.atom"
    openai = tmp_path / "providers" / "openai.json"
    before = {p: p.stat().st_mtime_ns for p in (moonshot, openai, tmp_path / "feed.atom")}
    os.utime(moonshot, ns=(1, 1))  # mark the files: a rewrite would give them a new time
    os.utime(openai, ns=(1, 1))
    cheaper = replace(ITEMS[2], new_price=Decimal("6"))  # the moonshot item changes
    write_feeds([ITEMS[0], ITEMS[1], cheaper, ITEMS[3]], tmp_path)
    assert openai.stat().st_mtime_ns == 1  # openai's items are the same: left as they were
    assert moonshot.stat().st_mtime_ns != 1  # rewritten, with the new price
    assert "6 CNY per 1M tokens" in assert_valid_atom(moonshot, 1).entries[0].title
    assert (tmp_path / "feed.atom").stat().st_mtime_ns >= before[tmp_path / "feed.atom"]
    (tmp_path / "providers" / "openai.json").unlink()  # a missing file is always written
    write_feeds([ITEMS[0], ITEMS[1], cheaper, ITEMS[3]], tmp_path)
    assert_valid_json_feed(openai, 3)
