"""Fault suite: the nightly flow against a local server that fails in every way we know of.

The bodies here are invented test pages (sku names ``m-a`` … ``m-d``, made-up prices): these
tests are about failure handling, not about any real provider's prices.

One module-scoped scenario, so Prefect starts once and every fault shares the same runs:

* warehouse A: night 1 every source healthy (v1) → night 2 every fault at once, one source
  per fault, plus a healthy control source (v2) → nights 3 and 4 the faults cleared (v2);
* warehouse B: night 1 (v1) → nights 2 and 3 (v2), never seeing a fault.

(Two v2 nights each: a price is withdrawn when two successful runs of its source in a row miss
it, docs/load-safety.md.)

Then, for each fault: night 2 finished the other sources, marked the faulty source failed with
its reason in ``run_sources``, left its stored prices exactly as they were; and warehouse A
after night 3 equals warehouse B (same price history, observations and quarantine; only run ids
and the moment of a withdrawal, which is the fetch time, differ).
"""

from __future__ import annotations

import gzip
import json
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from bs4 import BeautifulSoup

from schemas.enums import Component, Currency, Leg
from schemas.observation import FetchedPage
from scrapers.base import ParseResult, Source
from scrapers.collect import PageCollector
from tests.http_server import Action, Reply, ScriptedServer
from warehouse.snapshot import snapshot_path

# A system test (`make test-system`, and CI): not in the `make test` loop.
pytestmark = [pytest.mark.flow, pytest.mark.system]

MAX_BYTES = 64 * 1024
TIMEOUT_S = 1.0
PARSED = Counter()  # parse calls per source, to show a 304 is not parsed
_PARSED_LOCK = threading.Lock()

V1 = {"as_of": "2026-11-01T00:00:00+00:00", "m-a": ("2.5", "10"), "m-b": ("0.15", "0.6"),
      "m-c": ("1", "4")}  # fmt: skip
V2 = {
    "as_of": "2026-11-02T00:00:00+00:00",
    "m-a": ("2", "10"),
    "m-b": ("0.15", "0.6"),
    "m-d": ("0.5", "1.5"),
}  # fmt: skip  (m-a cheaper, m-c withdrawn, m-d new)


# --- two tiny test sources: a JSON price API and an HTML price table -----------------------


def json_body(version: dict) -> bytes:
    items = [{"sku": k, "input": v[0], "output": v[1]} for k, v in version.items() if k != "as_of"]
    return json.dumps({"as_of": version["as_of"], "prices": items}).encode()


def html_body(version: dict, encoding: str = "utf-8") -> bytes:
    rows = "".join(
        f"<tr><td>{k}</td><td>${v[0]}</td><td>${v[1]}</td></tr>"
        for k, v in version.items()
        if k != "as_of"
    )
    return (
        f'<html><head><meta name="as-of" content="{version["as_of"]}"></head><body>'
        f"<h1>Prices – per 1M tokens</h1>"  # an en dash: not ASCII, so encodings matter
        f'<table id="prices"><tr><th>model</th><th>input</th><th>output</th></tr>{rows}</table>'
        f"</body></html>"
    ).encode(encoding)


def _collector(source: str, page: FetchedPage, as_of: str) -> PageCollector:
    with _PARSED_LOCK:
        PARSED[source] += 1
    # Date the prices by the page, not the fetch, so the two warehouses can be compared.
    dated = page.model_copy(update={"fetched_at": datetime.fromisoformat(as_of)})
    return PageCollector(dated, source=source, leg=Leg.LLM, parser_version="1")


def _price(out: PageCollector, sku: str, component: Component, text: str, where: str) -> None:
    try:
        price = Decimal(text.lstrip("$"))
    except ArithmeticError:
        out.problem(text, "not a number", where)
        return
    out.price(
        provider="acme",
        sku=sku,
        model=sku,
        component=component,
        tier="standard",
        region="global",
        currency=Currency.USD,
        price=price,
        published_text=text,
        published_unit="per 1M tokens",
        where=where,
    )


def parse_json(source: str):
    def parse(page: FetchedPage) -> ParseResult:
        try:
            document = json.loads(page.text())
        except ValueError as error:
            raise ValueError(f"{source}: body is not valid JSON ({error})") from None
        out = _collector(source, page, document["as_of"])
        for i, item in enumerate(document["prices"]):
            _price(out, item["sku"], Component.INPUT, item["input"], f"prices[{i}].input")
            _price(out, item["sku"], Component.OUTPUT, item["output"], f"prices[{i}].output")
        return out.result

    return parse


def parse_html(source: str):
    def parse(page: FetchedPage) -> ParseResult:
        soup = BeautifulSoup(page.text(), "lxml")  # strict decoding: charset or UTF-8
        meta = soup.find("meta", attrs={"name": "as-of"})
        out = _collector(source, page, meta["content"] if meta else V1["as_of"])
        table = soup.find("table", id="prices")
        for i, row in enumerate(table.find_all("tr")[1:] if table else []):
            cells = [c.get_text(strip=True) for c in row.find_all("td")]
            if len(cells) != 3:
                out.problem(row.get_text(" "), "expected model, input, output", f"row {i}")
                continue
            _price(out, cells[0], Component.INPUT, cells[1], f"row {i} input")
            _price(out, cells[0], Component.OUTPUT, cells[2], f"row {i} output")
        return out.result

    return parse


# --- the faults ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    """One source, what its server does on night 2, and how night 2 must end for it."""

    name: str
    kind: str  # 'json' or 'html'
    night2: tuple[Reply, ...]
    status: str  # expected status of the source on night 2
    reason: str | None = None  # expected in run_sources.error
    path: str | None = None
    encoding: str = "utf-8"  # of its HTML on healthy nights

    @property
    def url_path(self) -> str:
        return self.path or f"/{self.name}"

    def body(self, version: dict) -> bytes:
        return json_body(version) if self.kind == "json" else html_body(version, self.encoding)

    def content_type(self) -> dict[str, str]:
        kind = "application/json" if self.kind == "json" else f"text/html; charset={self.encoding}"
        return {"Content-Type": kind}


def faults(other_host_url: str) -> list[Fault]:
    v2j, v2h = json_body(V2), html_body(V2)
    plain = {"Content-Type": "application/json"}
    return [
        Fault("control", "json", (Reply(200, v2j, plain),), "ok"),
        Fault("http_500_then_ok", "json", (Reply(500), Reply(200, v2j, plain)), "ok"),
        Fault("http_500", "json", (Reply(500, b"boom"),), "failed", "HTTP 500; gave up after 2"),
        Fault(
            "retry_after_1s",
            "json",
            (Reply(429, headers={"Retry-After": "1"}), Reply(200, v2j, plain)),
            "ok",
        ),
        Fault(
            "retry_after_1h",
            "json",
            (Reply(429, headers={"Retry-After": "3600"}),),
            "failed",
            "HTTP 429 with Retry-After 3600 s, longer than the 120 s limit",
        ),
        Fault(
            "timeout",
            "json",
            (Reply(200, v2j, plain, delay_s=3 * TIMEOUT_S),),
            "failed",
            f"timed out after {TIMEOUT_S:g} s",
        ),
        Fault(
            "connection_reset",
            "json",
            (Reply(action=Action.RESET),),
            "failed",
            "gave up after 2 attempts",
        ),
        Fault(
            "truncated",
            "json",
            (Reply(200, v2j[:40], plain, action=Action.TRUNCATE, declared_length=len(v2j)),),
            "failed",
            "truncated body",
        ),
        Fault(
            "oversized",
            "json",
            (Reply(200, b" " * (2 * MAX_BYTES) + v2j, plain),),
            "failed",
            f"body larger than {MAX_BYTES} bytes",
        ),
        Fault(
            "gzip_bomb",
            "json",
            (Reply(200, gzip.compress(bytes(20 * 1024 * 1024)), {"Content-Encoding": "gzip"}),),
            "failed",
            f"body larger than {MAX_BYTES} bytes",
        ),
        Fault(
            "malformed_json",
            "json",
            (Reply(200, v2j[: len(v2j) // 2], plain),),
            "failed",
            "parse: ValueError: malformed_json: body is not valid JSON",
        ),
        Fault(
            "malformed_html",
            "html",
            (Reply(200, v2h[: v2h.index(b"<tr><td>m-a")] + b"<tr><td>m-a<td>$2.<</p></div>&&"),),
            "failed",
            "layout drift: no prices found",
        ),
        Fault(
            "layout_changed",
            "html",
            (
                Reply(
                    200,
                    b'<html><body><div class="card"><h3>m-a</h3><span>$2</span></div></body>',
                    {"Content-Type": "text/html; charset=utf-8"},
                ),
            ),
            "failed",
            "layout drift: no prices found",
        ),
        Fault(
            "redirect_other_host",
            "json",
            (Reply(302, headers={"Location": other_host_url}),),
            "failed",
            "redirected to another host (localhost",
        ),
        Fault(
            "not_utf8",
            "html",
            (Reply(200, html_body(V2, "cp1252"), {"Content-Type": "text/html"}),),
            "failed",
            "parse: UnicodeDecodeError",
        ),
        Fault(  # not a fault: a non-UTF-8 page that says so is read every night
            "not_utf8_declared",
            "html",
            (Reply(200, html_body(V2, "cp1252"), {"Content-Type": "text/html; charset=cp1252"}),),
            "ok",
            encoding="cp1252",
        ),
        Fault(
            "robots_disallowed",
            "json",
            (Reply(200, v2j, plain),),
            "failed",
            "disallowed by robots.txt",
            path="/private/robots_disallowed",
        ),
        Fault(
            "not_modified",
            "json",
            (Reply(304, headers={"ETag": '"e1"'}),),
            "unchanged",
        ),
    ]


ROBOTS_NIGHT2 = b"User-agent: deflator\nDisallow: /private/\n"
ROBOTS_CLEAR = b"User-agent: *\nAllow: /\n"


# --- running nights -----------------------------------------------------------------------


@dataclass
class Scenario:
    server: ScriptedServer
    faults: list[Fault]
    sources: list[Source]
    reports: dict[str, object]
    db_a: Path
    db_b: Path
    history_before_faults: list[tuple]
    history_after_faults: list[tuple]
    timings: dict[str, float]


def script_night(server: ScriptedServer, all_faults: list[Fault], night: str) -> None:
    """Script every path for one night: 'v1', 'faults' (v2 with faults) or 'v2'."""
    server.script("/robots.txt", Reply(200, ROBOTS_NIGHT2 if night == "faults" else ROBOTS_CLEAR))
    server.script("/elsewhere", Reply(200, json_body(V2)))
    for fault in all_faults:
        headers = fault.content_type()
        if fault.name == "not_modified":
            etag = '"e1"' if night in ("v1", "faults") else '"e2"'
            headers = {**headers, "ETag": etag}
        if night == "faults":
            server.script(fault.url_path, *fault.night2)
        else:
            server.script(
                fault.url_path, Reply(200, fault.body(V1 if night == "v1" else V2), headers)
            )


def run_night(monkeypatch, data_dir: Path, db: Path, sources: list[Source]):
    import time

    from flows.nightly import nightly

    monkeypatch.setenv("DEFLATOR_DATA_DIR", str(data_dir))
    started = time.perf_counter()
    report = nightly(sources=sources, db=str(db))
    return report, time.perf_counter() - started


def rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def comparable_state(db: Path) -> dict[str, list[tuple]]:
    """The warehouse without run ids and withdrawal moments (those are when the run ran)."""
    return {
        "price_history": rows(
            db,
            "SELECT * EXCLUDE (opened_by_run, closed_by_run, valid_to), "
            "CASE WHEN close_reason = 'withdrawn' THEN NULL ELSE valid_to END AS valid_to "
            "FROM price_history ORDER BY ALL",
        ),
        "observations": rows(db, "SELECT * EXCLUDE (run_id) FROM observations ORDER BY ALL"),
        "quarantine": rows(db, "SELECT * EXCLUDE (run_id) FROM quarantine ORDER BY ALL"),
    }


@pytest.fixture(scope="module")
def scenario(tmp_path_factory) -> Scenario:
    root = tmp_path_factory.mktemp("faults")
    with ScriptedServer() as server, pytest.MonkeyPatch.context() as patch:
        for key, value in {
            "DEFLATOR_TIMEOUT": str(TIMEOUT_S),
            "DEFLATOR_RETRIES": "1",
            "DEFLATOR_BACKOFF": "0.05",
            "DEFLATOR_HOST_DELAY": "0",
            "DEFLATOR_MAX_BYTES": str(MAX_BYTES),
            "DEFLATOR_TASK_RETRIES": "0",
        }.items():
            patch.setenv(key, value)
        for key in ("DEFLATOR_DB", "DEFLATOR_ARCHIVE"):
            patch.delenv(key, raising=False)
        all_faults = faults(server.url("/elsewhere", host="localhost"))
        sources = [
            Source(
                name=f.name,
                leg=Leg.LLM,
                description=f"test source: {f.name}",
                urls=(server.url(f.url_path),),
                recordings=(),
                parser_version="1",
                parse=parse_json(f.name) if f.kind == "json" else parse_html(f.name),
            )
            for f in all_faults
        ]
        db_a, db_b = root / "a" / "w.duckdb", root / "b" / "w.duckdb"
        reports, timings = {}, {}

        script_night(server, all_faults, "v1")
        reports["a1"], timings["a1"] = run_night(patch, root / "a", db_a, sources)
        history_before = rows(db_a, "SELECT * FROM price_history ORDER BY ALL")
        script_night(server, all_faults, "faults")
        PARSED.clear()
        seen_before = len(server.requests)
        reports["a2"], timings["a2"] = run_night(patch, root / "a", db_a, sources)
        reports["parsed_a2"] = dict(PARSED)
        reports["requests_a2"] = server.requests[seen_before:]
        history_after = rows(db_a, "SELECT * FROM price_history ORDER BY ALL")
        script_night(server, all_faults, "v2")
        reports["a3"], timings["a3"] = run_night(patch, root / "a", db_a, sources)
        # A price is withdrawn when two successful runs in a row miss it (docs/load-safety.md):
        # one more v2 night in each warehouse lets m-c's withdrawal land in both.
        reports["a4"], timings["a4"] = run_night(patch, root / "a", db_a, sources)

        script_night(server, all_faults, "v1")
        reports["b1"], timings["b1"] = run_night(patch, root / "b", db_b, sources)
        script_night(server, all_faults, "v2")
        reports["b2"], timings["b2"] = run_night(patch, root / "b", db_b, sources)
        reports["b3"], timings["b3"] = run_night(patch, root / "b", db_b, sources)
        print("fault suite nights (s):", {k: round(v, 2) for k, v in timings.items()})
        yield Scenario(
            server,
            all_faults,
            sources,
            reports,
            db_a,
            db_b,
            history_before,
            history_after,
            timings,
        )


def fault_ids() -> list[str]:
    return [f.name for f in faults("http://localhost/elsewhere")]


def test_first_night_loads_every_source(scenario):
    report = scenario.reports["a1"]
    assert report.status == "ok"
    assert {s.source: s.rows_parsed for s in report.sources} == {f.name: 6 for f in scenario.faults}


def test_the_night_of_faults_finishes_and_reports_partial(scenario):
    report = scenario.reports["a2"]
    assert report.status == "partial"
    assert {s.source for s in report.sources} == {f.name for f in scenario.faults}
    control = next(s for s in report.sources if s.source == "control")
    assert (control.status, control.history_new, control.history_changed) == ("ok", 2, 1)
    # m-c's input and output are missing once: pending withdrawal, still in force
    assert (control.history_withdrawn, control.history_pending) == (0, 2)
    # the next successful night misses them again: withdrawn
    withdrawn = [w for w in scenario.reports["a3"].withdrawn if w[0] == "control"]
    assert withdrawn == [
        ("control", "acme / m-c / input / standard / global / USD"),
        ("control", "acme / m-c / output / standard / global / USD"),
    ]
    expected = Counter(f.status for f in scenario.faults)
    ledger = rows(
        scenario.db_a,
        "SELECT status, sources_ok, sources_failed FROM runs WHERE run_id = ?",
        [report.run_id],
    )
    # 'unchanged' is a success: counted with the ok sources, not the failed ones
    assert ledger == [("partial", expected["ok"] + expected["unchanged"], expected["failed"])]


@pytest.mark.parametrize("name", fault_ids())
def test_each_fault_is_marked_with_its_reason_and_keeps_stored_prices(scenario, name):
    fault = next(f for f in scenario.faults if f.name == name)
    run_id = scenario.reports["a2"].run_id
    [(status, error)] = rows(
        scenario.db_a,
        "SELECT status, error FROM run_sources WHERE run_id = ? AND source = ?",
        [run_id, name],
    )
    assert status == fault.status, error
    if fault.reason is not None:
        assert fault.reason in error
    if fault.status != "ok":  # failed or unchanged: its prices stay exactly as they were
        before = [r for r in scenario.history_before_faults if r[1] == name]
        after = [r for r in scenario.history_after_faults if r[1] == name]
        assert after == before and len(before) == 6


@pytest.mark.parametrize("name", fault_ids())
def test_after_the_fault_clears_the_warehouse_equals_one_that_never_saw_it(scenario, name):
    state_a, state_b = comparable_state(scenario.db_a), comparable_state(scenario.db_b)
    for table in state_a:
        mine = [r for r in state_a[table] if name in r]
        assert mine == [r for r in state_b[table] if name in r], table
        assert mine or table == "quarantine"


def test_both_warehouses_are_equal_as_a_whole(scenario):
    for night in ("a3", "a4", "b2", "b3"):
        assert scenario.reports[night].status == "ok", night
    assert comparable_state(scenario.db_a) == comparable_state(scenario.db_b)


def test_recoverable_faults_were_retried_and_waited(scenario):
    requests = Counter(r.path for r in scenario.reports["requests_a2"])
    assert requests["/http_500_then_ok"] == 2
    assert requests["/retry_after_1s"] == 2
    assert requests["/http_500"] == 2  # one retry (DEFLATOR_RETRIES=1), then failed
    assert requests["/private/robots_disallowed"] == 0  # never requested
    assert requests["/elsewhere"] == 0  # the redirect was not followed
    assert requests["/robots.txt"] == 1  # once per origin per run


def test_not_modified_costs_a_304_and_no_parse(scenario):
    not_modified = [r for r in scenario.reports["requests_a2"] if r.path == "/not_modified"]
    assert [r.headers.get("if-none-match") for r in not_modified] == ['"e1"']
    assert "not_modified" not in scenario.reports["parsed_a2"]
    assert "control" in scenario.reports["parsed_a2"]
    run_id = scenario.reports["a2"].run_id
    assert rows(
        scenario.db_a,
        "SELECT status, bytes FROM fetches WHERE run_id = ? AND source = 'not_modified'",
        [run_id],
    ) == [(304, len(json_body(V1)))]


def test_each_night_published_a_read_snapshot_equal_to_the_warehouse(scenario):
    for db in (scenario.db_a, scenario.db_b):
        published = snapshot_path(db)
        assert published.is_file()
        for table in ("runs", "price_history", "observations", "run_sources"):
            sql = f"SELECT * FROM {table} ORDER BY ALL"
            assert rows(published, sql) == rows(db, sql), table


def test_the_fault_suite_stays_fast(scenario):
    assert scenario.timings["a2"] < 20, scenario.timings
