"""Page-history replay (scrapers/backfill/page_history.py) on the real captures of
pages-history/, read in place: which captures parse completely and which fail with a clear
problem, that consecutive captures of one page differ only where the published prices
really changed, and that the replayed history reaches the warehouse."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import pytest

from scrapers.backfill import page_history as ph
from scrapers.registry import all_sources

# --- every capture: parsed completely, or not stored with a clear problem -------------------

STORED = {
    "costiash_pricing_2026-02-05.md",
    "costiash_pricing_2026-07-24T1849Z.md",
    "costiash_pricing_2026-07-24T2141Z.md",
    "jokerrun_pricing_2026-08-07.md",
    "jokerrun_pricing_2026-08-12.md",
    "jokerrun_pricing_2026-08-13.md",
    "petehsu_payg-en_2025-12-20.md",  # MiniMax USD
    "petehsu_payg-zh_2025-12-20.md",  # MiniMax CNY
    "lzc0403_bigmodel-pricing_2026-07-17.html",  # Z.ai bigmodel.cn, CNY
    "lzc0403_pricing-raw_2026-08-21.html",  # OpenAI's 2026 page
    "lzc0403_models-api_2026-07-18.json",
    "lzc0403_models-api_2026-07-19T1042Z.json",
    "lzc0403_models-api_2026-07-20T0350Z.json",
    "lzc0403_models-api_2026-08-02.json",
    "lzc0403_models-api_2026-08-07T1259Z.json",
    "lzc0403_models-api_2026-08-08.json",
    "lzc0403_models-api_2026-08-18.json",
    "lzc0403_models-api_2026-08-20T0341Z.json",
    "lzc0403_models-api_2026-08-20T0955Z.json",
    "lzc0403_models-api_2026-08-22T1555Z.json",
}
NO_PARSER = "no parser for this page"
# A table that names no model: read in the captures, 2025-11's long-context table ("≤ 200K
# input tokens | > 200K input tokens", $3 / $6 …, the models only named in the prose above it)
# and 2026-02-17 … 2026-05-11's fast-mode table ($30 / $150, $60 / $225, no model column).
NO_MODEL = "no model named for this price"
TRANSLATED = "machine-translated page (hl="
# The first problem of each capture that is not stored (the capture's other problems follow).
NOT_STORED = {
    **{
        f"costiash_models-overview_{d}.md": NO_PARSER
        for d in (
            "2025-11-05",
            "2025-11-22",
            "2025-12-05",
            "2026-02-05",
            "2026-02-17",
            "2026-02-19T2118Z",
            "2026-03-13",
            "2026-03-30",
            "2026-04-07",
            "2026-04-14",
            "2026-04-18",
            "2026-05-11",
            "2026-07-23",
        )
    },
    "jokerrun_models-overview_2026-08-06.md": NO_PARSER,
    "jokerrun_models-overview_2026-08-13.md": NO_PARSER,
    **{
        f"costiash_pricing_{d}.md": NO_MODEL
        for d in (
            "2025-11-05",
            "2025-11-18",
            "2025-11-24",
            "2026-02-17",
            "2026-03-05",
            "2026-03-13T1820Z",
            "2026-03-19",
            "2026-03-27",
            "2026-04-07T1830Z",
            "2026-04-08T0044Z",
            "2026-04-10",
            "2026-04-18",
            "2026-05-11",
        )
    },
    "jokerrun_pricing_2026-04-15.md": NO_MODEL,
    # Gemini in machine-translated locales: Italian labels are read and their cells are not;
    # the other locales are refused as translations.
    "nickcollect_pricing-it_2026-05-05.md": "no amount in a price cell",
    **{
        f"nickcollect_pricing-{locale}.md": TRANSLATED
        for locale in (
            "vi_2026-05-05",
            "ja_2026-05-11",
            "ar_2026-05-25",
            "vi_2026-06-08",
            "fr_2026-06-22",
            "he_2026-07-06",
            "es-419_2026-07-27",
            "ar_2026-08-10",
        )
    },
    "petehsu_pricing-tools_2025-12-20.md": NO_PARSER,  # Kimi web-search tool price
    "wayback_gpu-cloud-excerpt_2023-09-09.html": NO_PARSER,  # lambda_pricing reads a JSON feed
    "wayback_gpu-cloud-excerpt_2026-01-09.html": NO_PARSER,
    "wayback_pricing-excerpt_2023-09-29.html": NO_PARSER,  # runpod_gpu_types reads GraphQL
    "wayback_pricing-excerpt_2026-08-10.html": NO_PARSER,
    # xAI: only tool prices made it into the crawl (PROVENANCE): a token parser finds none.
    "petehsu_models_2025-12-20.md": "xai_pricing found no price on the page",
}


@pytest.fixture(scope="module")
def replayed(shared_data) -> dict[str, ph.Replayed]:
    sources = all_sources()
    captures = ph.manifest_captures(shared_data)
    return {
        c.file: ph.replay_capture(c, (shared_data / c.path).read_bytes(), sources) for c in captures
    }


def test_the_manifest_lists_64_captures_each_stored_or_reported(replayed):
    assert len(replayed) == 64
    assert STORED.isdisjoint(NOT_STORED) and set(replayed) == STORED | set(NOT_STORED)
    assert {f for f, r in replayed.items() if r.stored} == STORED
    for file, expected in NOT_STORED.items():
        r = replayed[file]
        assert r.problems, file
        assert expected in r.problems[0].reason, (file, r.problems[0].reason)
        assert r.problems[0].url == r.capture.url  # named by the page it came from
        assert r.problems[0].where.startswith(r.capture.path)
    for file in STORED:
        assert replayed[file].observations and not replayed[file].problems


def test_each_capture_goes_to_the_live_source_of_its_page(replayed):
    by_file = {f: r.source for f, r in replayed.items()}
    assert by_file["costiash_pricing_2025-11-05.md"] == "anthropic_pricing"  # docs.claude.com
    assert by_file["jokerrun_pricing_2026-08-13.md"] == "anthropic_pricing"
    assert by_file["nickcollect_pricing-ar_2026-08-10.md"] == "gemini_pricing"  # ?hl=ar
    assert by_file["lzc0403_models-api_2026-07-18.json"] == "openrouter"  # ?sort=top-weekly
    assert by_file["lzc0403_pricing-raw_2026-08-21.html"] == "openai_pricing"  # page moved
    assert by_file["costiash_models-overview_2025-11-05.md"] is None


def test_captures_are_dated_by_their_own_fetch_time(replayed):
    """OpenRouter: the wrapper's fetched_at (the commit came 21 hours later)."""
    first = replayed["lzc0403_models-api_2026-07-18.json"]
    assert str(first.capture.captured_at) == "2026-07-18 15:44:59+00:00"
    assert {o.observed_at.isoformat() for o in first.observations} == {
        "2026-07-17T18:48:20.011450+00:00"
    }
    anthropic = replayed["costiash_pricing_2025-11-24.md"]  # no fetch time in the file
    assert {o.observed_at.isoformat() for o in anthropic.observations} == {
        "2025-11-24T21:08:35+00:00"
    }


def test_mirror_front_matter_is_cut_and_the_pages_own_kept(shared_data):
    capture = next(
        c for c in ph.manifest_captures(shared_data) if c.file == "jokerrun_pricing_2026-08-13.md"
    )
    body, fetched_at = ph.page_as_served(capture, (shared_data / capture.path).read_bytes())
    assert body.startswith(b"---\ntitle: Pricing\nurl: https://platform.claude.com/")
    assert fetched_at.isoformat() == "2026-08-13T02:58:08.547465+00:00"


def test_an_unbelievable_fetch_time_is_reported_not_guessed(shared_data):
    capture = next(c for c in ph.manifest_captures(shared_data) if c.provider == "openrouter")
    body = (shared_data / capture.path).read_bytes().replace(b'"2026-07-17', b'"2026-06-17', 1)
    with pytest.raises(ph.CaptureError, match="does not fit captured_at"):
        ph.page_as_served(capture, body)
    replayed = ph.replay_capture(capture, body, all_sources())
    assert not replayed.stored and "does not fit captured_at" in replayed.problems[0].reason


# --- consecutive captures of one page agree except where prices really changed --------------


def _prices(r: ph.Replayed) -> dict[tuple, Decimal]:
    return {
        (o.sku, o.component.value, o.tier, o.region, o.currency.value, o.effective_date): o.price
        for o in r.observations
    }


def _pairs(replayed: dict[str, ph.Replayed], source: str) -> list[tuple[ph.Replayed, ...]]:
    """Consecutive stored captures of each page the source reads (MiniMax: USD and CNY)."""
    pages: dict[str | None, list[ph.Replayed]] = {}
    for r in replayed.values():
        if r.stored and r.source == source:
            pages.setdefault(r.live_url, []).append(r)
    pairs: list[tuple[ph.Replayed, ...]] = []
    for captures in pages.values():
        pairs.extend(pairwise(sorted(captures, key=lambda r: r.capture.captured_at)))
    return pairs


def _changes(a: ph.Replayed, b: ph.Replayed) -> dict[tuple, tuple[Decimal, Decimal]]:
    pa, pb = _prices(a), _prices(b)
    return {k: (pa[k], pb[k]) for k in pa.keys() & pb.keys() if pa[k] != pb[k]}


# Real price changes between consecutive stored captures of a first-party page, read in the
# captures themselves: (earlier file, later file) -> {(sku, component, tier): (old, new)}.
# A pair not listed must agree on every price both list.
FIRST_PARTY_CHANGES: dict[tuple[str, str], dict[tuple[str, str, str], tuple[str, str]]] = {}


FIRST_PARTY_PAGES = [
    "anthropic_pricing",
    "minimax_pricing",
    "openai_pricing",
    "zai_bigmodel_pricing",
]


@pytest.mark.parametrize("source", FIRST_PARTY_PAGES)
def test_consecutive_first_party_captures_agree_except_listed_changes(replayed, source):
    """Pairs come from the stored captures (STORED above); each must agree on every price both
    list, except the changes listed in FIRST_PARTY_CHANGES."""
    for a, b in _pairs(replayed, source):
        found = {
            (k[0], k[1], k[2]): (str(old.normalize()), str(new.normalize()))
            for k, (old, new) in _changes(a, b).items()
        }
        assert found == FIRST_PARTY_CHANGES.get((a.capture.file, b.capture.file), {})


def test_stored_anthropic_captures_hold_the_real_prices(replayed):
    """Read in every capture: Sonnet 4.5 $3 / $15 and Haiku 4.5 $1 input throughout; Opus 4.5
    at $5 / $25 from the 2025-11-24 page (its release) on, absent before."""
    stored = sorted(
        (r for r in replayed.values() if r.stored and r.source == "anthropic_pricing"),
        key=lambda r: r.capture.captured_at,
    )
    assert len(stored) == len([f for f in STORED if "_pricing_" in f])
    for r in stored:
        p = {(k[0], k[1], k[2]): v for k, v in _prices(r).items()}
        assert p[("claude-sonnet-4-5", "input", "standard")] == Decimal(3), r.capture.file
        assert p[("claude-sonnet-4-5", "output", "standard")] == Decimal(15), r.capture.file
        assert p[("claude-haiku-4-5", "input", "standard")] == Decimal(1), r.capture.file
        opus = (
            p.get(("claude-opus-4-5", "input", "standard")),
            p.get(("claude-opus-4-5", "output", "standard")),
        )
        released = r.capture.captured_at.date().isoformat() >= "2025-11-24"
        assert opus == ((Decimal(5), Decimal(25)) if released else (None, None)), r.capture.file


PER_TOKEN_FIELDS = {
    "prompt": ("input", "standard"),
    "completion": ("output", "standard"),
    "input_cache_read": ("cached_input", "standard"),
    "input_cache_write": ("cache_write", "standard"),
    "input_cache_write_1h": ("cache_write", "cache-1h"),
}
# Price changes per consecutive pair of OpenRouter captures, counted over every tier.
OPENROUTER_CHANGES = [25, 11, 107, 38, 20, 72, 120, 3, 69]


def _raw_pricing(shared_data: Path, r: ph.Replayed) -> dict[str, dict]:
    body = json.loads((shared_data / r.capture.path).read_bytes())["body"]
    return {m["id"]: m.get("pricing") or {} for m in body["data"]}


def _published(pricing: dict, component: str, tier: str) -> Decimal:
    """The published per-token string for a (component, tier), per 1M tokens at the stored
    scale (12 decimals: "0.00000100000000000000015" is float noise in the listing, $1)."""
    parts = tier.split("+")
    above = [p for p in parts if p.startswith("prompt>")]
    # a listing's mode (":free", ":batch"… → tier, schemas/listing_tiers.py) is not a field:
    # its prices are in the same per-token fields as any listing's
    base = "cache-1h" if "cache-1h" in parts else "standard"
    field = next(f for f, ct in PER_TOKEN_FIELDS.items() if ct == (component, base))
    if above:
        threshold = int(above[0].removeprefix("prompt>").removesuffix("k")) * 1000
        pricing = next(o for o in pricing["overrides"] if o.get("min_prompt_tokens") == threshold)
    return (Decimal(pricing[field]) * 10**6).quantize(Decimal("1e-12"))


def test_consecutive_openrouter_captures_differ_exactly_where_its_published_prices_did(
    replayed, shared_data
):
    """Every parsed change is a change of the published per-token string, and every changed
    string of a price read in both captures is a parsed change (read independently here)."""
    pairs = _pairs(replayed, "openrouter")
    assert [len(_changes(a, b)) for a, b in pairs] == OPENROUTER_CHANGES
    for a, b in pairs:
        raw_a, raw_b = _raw_pricing(shared_data, a), _raw_pricing(shared_data, b)
        expected = {
            key
            for key in _prices(a).keys() & _prices(b).keys()
            if _published(raw_a[key[0]], key[1], key[2])
            != _published(raw_b[key[0]], key[1], key[2])
        }
        assert set(_changes(a, b)) == expected, (a.capture.file, b.capture.file)
    # Read in the captures: OpenAI's gpt-5.6-sol halved on OpenRouter between 2026-08-17 and
    # 2026-08-20 ("prompt": "0.000005" -> "0.0000025"), then fell to $2 on 2026-08-22.
    sol = [
        _prices(r)[("openai/gpt-5.6-sol", "input", "standard", "global", "USD", None)]
        for r in (pairs[5][1], pairs[6][1], pairs[8][1])
    ]
    assert sol == [Decimal(5), Decimal("2.5"), Decimal(2)]


# --- the replayed history in the warehouse --------------------------------------------------


def _fetch_time(shared_data: Path, file: str) -> datetime:
    capture = next(c for c in ph.manifest_captures(shared_data) if c.file == file)
    return ph.page_as_served(capture, (shared_data / capture.path).read_bytes())[1]


@pytest.mark.flow
def test_the_backfill_stores_first_party_and_openrouter_history_through_2026(
    full_warehouse, shared_data
):
    import duckdb

    con = duckdb.connect(str(full_warehouse), read_only=True)
    try:
        runs = con.execute(
            "SELECT source, status, rows_parsed, problems FROM run_sources "
            "WHERE source LIKE 'page\\_history%' ESCAPE '\\' ORDER BY source"
        ).fetchall()
        sonnet = con.execute(
            "SELECT price, valid_from, last_observed_at FROM price_history "
            "WHERE source = 'page_history' AND provider = 'anthropic' "
            "AND sku = 'claude-sonnet-4-5' AND component = 'input' AND tier = 'standard'"
        ).fetchall()
        sol = con.execute(
            "SELECT price, valid_from FROM price_history WHERE source = "
            "'page_history_aggregators' AND sku = 'openai/gpt-5.6-sol' AND component = 'input' "
            "AND tier = 'standard' ORDER BY valid_from"
        ).fetchall()
        kinds = dict(
            con.execute(
                "SELECT source, kind FROM source_kind_of WHERE source LIKE 'page%'"
            ).fetchall()
        )
        no_parser = con.execute(
            "SELECT count(*) FROM parse_problems WHERE reason = 'no parser for this page'"
        ).fetchone()[0]
    finally:
        con.close()
    assert [r[:2] for r in runs] == [
        ("page_history", "ok"),
        ("page_history_aggregators", "ok"),
    ]
    assert runs[1][3] == 0  # every OpenRouter capture parsed completely
    assert kinds == {
        "page_history": "first_party_page_history",
        "page_history_aggregators": "aggregator_history",
    }
    assert no_parser == 20  # 15 models-overview, Kimi's tool page, Lambda x2, RunPod x2
    # Claude Sonnet 4.5 at $3 from the first stored Anthropic capture, seen until the last
    # (each dated by the file's own fetch time where it states one).
    anthropic = sorted(
        (f for f in STORED if "_pricing_" in f), key=lambda f: _fetch_time(shared_data, f)
    )
    first, last = (
        _fetch_time(shared_data, f).replace(tzinfo=None) for f in (anthropic[0], anthropic[-1])
    )
    assert sonnet == [(Decimal(3), first, last)]
    assert (str(first), str(last)) == ("2026-02-05 18:27:57", "2026-08-13 02:58:08.547465")
    assert [(p, str(v)) for p, v in sol] == [
        (Decimal(5), "2026-07-17 18:48:20.011450"),  # the wrapper's fetched_at, not the commit
        (Decimal("2.5"), "2026-08-20 03:41:36.639109"),
        (Decimal(2), "2026-08-22 15:51:48.089407"),
    ]


# --- the mapping and the unwrapping -----------------------------------------------------------


def test_a_source_added_later_is_picked_up_by_its_url(shared_data):
    """A source whose urls hold a page's URL reads its captures, with no line here (the
    bigmodel.cn capture has no parser until such a source exists)."""
    capture = next(c for c in ph.manifest_captures(shared_data) if c.provider == "zai")
    live = all_sources()["zai_pricing"]
    assert ph.live_source_for(capture, {"zai_pricing": live}) is None
    added = replace(live, name="zai_bigmodel_pricing", urls=("https://www.bigmodel.cn/pricing/",))
    found = ph.live_source_for(capture, {"zai_bigmodel_pricing": added})
    assert found == (added, "https://www.bigmodel.cn/pricing/")
    assert ph.normalize_url("https://ai.google.dev/gemini-api/docs/pricing.md.txt") == (
        ph.normalize_url("https://ai.google.dev/gemini-api/docs/pricing?hl=ar")
    )


def test_the_openrouter_wrapper_gives_its_body_byte_for_byte(shared_data):
    capture = next(c for c in ph.manifest_captures(shared_data) if c.provider == "openrouter")
    recorded = (shared_data / capture.path).read_bytes()
    body, _ = ph.page_as_served(capture, recorded)
    assert body in recorded and body.startswith(b"{") and body.endswith(b"}")
    assert json.loads(body) == json.loads(recorded)["body"]
    assert len(json.loads(body)["data"]) == 343  # PROVENANCE: 343 models
