"""Input hygiene (issue 15, part 1; docs/input-hygiene.md): one test per rule on a hand-computed
case, and one on the real rows the issue names in the warehouse built from the recordings
(`deflator run --offline` + `deflator backfill`: the session fixture ``full_warehouse``)."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from decimal import Decimal

import duckdb
import pytest

from schemas.enums import CanonicalUnit, Component, Currency, Leg
from schemas.listing_tiers import listing_mode, tier_from_listing
from schemas.observation import Observation
from tests.warehouse_utils import obs, outcome
from warehouse.connection import connect
from warehouse.indices.frontier import Listing, frontier_points, same_published_price
from warehouse.load import load_run
from warehouse.sqlfiles import sql

D = Decimal
# The real-rows tests build the full warehouse (~90 s alone, far more on a busy machine).
pytestmark = pytest.mark.timeout(900)


@pytest.fixture
def con(tmp_path):
    connection = connect(tmp_path / "w.duckdb")
    yield connection
    connection.close()


@pytest.fixture
def real(full_warehouse):
    """The full warehouse, read only (shared by the session: never written)."""
    connection = duckdb.connect(str(full_warehouse), read_only=True)
    yield connection
    connection.close()


@pytest.fixture
def real_copy(full_warehouse, tmp_path):
    """A writable copy of the full warehouse, for tests that set the clock."""
    path = tmp_path / "copy.duckdb"
    shutil.copyfile(full_warehouse, path)
    connection = connect(path)
    yield connection
    connection.close()


def point(sku, price, observed, effective=None, source="testsrc", component=Component.INPUT):
    """An LLM input price of ``sku`` observed on ``observed`` (a date), in force from
    ``effective`` when given."""
    when = datetime.combine(observed, datetime.min.time(), tzinfo=UTC)
    return obs(sku, price, when, component=component, source=source).model_copy(
        update={"effective_date": effective}
    )


def load(con, run_id, points, source="testsrc", when=datetime(2026, 11, 20, tzinfo=UTC)):
    return load_run(con, run_id, "backfill", when, [outcome(points, when, source=source)])


def as_dataset(con, source="testsrc", cadence=31, window=62, dated_records=False, regular=False):
    """Declare the test source a dataset with this cadence and window (loads rewrite the
    table from the code's declarations, so call this after the last load)."""
    con.execute("DELETE FROM source_windows WHERE source = ?", [source])
    con.execute(
        "INSERT INTO source_windows VALUES (?, 'dataset', ?, ?, FALSE, ?, ?)",
        [source, cadence, window, dated_records, regular],
    )


def set_clock(con, moment: str) -> None:
    con.execute("DELETE FROM warehouse_clock")
    con.execute("INSERT INTO warehouse_clock VALUES (CAST(? AS TIMESTAMP))", [moment])


def current(con, sku: str) -> list:
    return [
        row[0]
        for row in con.execute(
            "SELECT price FROM history_in_force WHERE sku = ? AND valid_to IS NULL "
            "ORDER BY component",
            [sku],
        ).fetchall()
    ]


# --- tiers from listing names -----------------------------------------------------------------


def test_listing_names_that_state_a_mode_set_the_tier() -> None:
    assert [
        listing_mode(s)
        for s in (
            "openai/gpt-4o:batch",
            "openai/gpt-4o-batch",
            "meta-llama/llama-3.1-8b-instruct:free",
            "openai/gpt-4o:nitro",
            "anthropic/claude-sonnet-4:thinking",
            "fast/us/claude-opus-4-6",
            "anthropic/claude-opus-5-fast",
            "flex/o3",
        )
    ] == ["batch", "batch", "free", "nitro", "thinking", "fast", "fast", "flex"]
    # Models whose names merely contain the word, and versions after a colon, are plain.
    assert [
        listing_mode(s)
        for s in ("xai/grok-4-fast", "moonshot/kimi-k2-thinking", "anthropic.claude-v2:1")
    ] == [None, None, None]
    assert tier_from_listing("openai/gpt-4o:batch", "prompt>200k") == "batch+prompt>200k"
    assert tier_from_listing("openai/gpt-4o:batch", "batch") == "batch"
    stored = Observation(
        source="openrouter",
        leg=Leg.LLM,
        provider="openrouter",
        sku="openai/gpt-4o:batch",
        component=Component.INPUT,
        price=D("1.25"),
        currency=Currency.USD,
        unit=CanonicalUnit.PER_1M_TOKENS,
        published_text="0.00000125",
        published_unit="per token",
        observed_at=datetime(2026, 8, 18, tzinfo=UTC),
        source_url="https://openrouter.ai/api/v1/models",
        page_hash="0" * 64,
        parser_version="1",
    )
    assert (stored.sku, stored.tier) == ("openai/gpt-4o:batch", "batch")


def test_no_mode_listing_is_standard_in_the_real_warehouse(real) -> None:
    rows = real.execute(
        "SELECT source, sku FROM price_history WHERE leg = 'llm' AND tier = 'standard'"
    ).fetchall()
    assert [r for r in rows if listing_mode(r[1])] == []
    batch = real.execute(
        "SELECT DISTINCT source, tier FROM price_history WHERE sku = 'openai/gpt-4o:batch' "
        "ORDER BY source"
    ).fetchall()
    assert batch == [
        ("openrouter", "batch"),
        ("page_history_aggregators", "batch"),
        ("sophie_pricing_history", "batch"),
    ]
    # 361 open batch listings stood in `standard` before; they are all in `batch` now.
    assert (
        real.execute(
            "SELECT count(*) FROM price_history WHERE valid_to IS NULL AND tier = 'batch' "
            "AND (sku LIKE '%:batch' OR sku LIKE '%-batch')"
        ).fetchone()[0]
        >= 361
    )
    # The HumanEval >= 92 frontier row existed only because of openai/gpt-4o:batch.
    assert real.execute(
        "SELECT count(*) FROM frontier_points WHERE model LIKE '%:batch'"
    ).fetchone() == (0,)


# --- unit slips -------------------------------------------------------------------------------


def test_a_move_of_exactly_ten_times_is_a_unit_slip(con) -> None:
    nov = [date(2026, 11, d) for d in (1, 2, 3, 4)]
    load(con, "r1", [point("a", p, nov[i], nov[i]) for i, p in enumerate(["15", "1.5", "14"])])
    load(con, "r2", [point("b", p, nov[i], nov[i]) for i, p in enumerate(["1", "9.8", "9.95"])])
    history = con.execute(
        "SELECT sku, price FROM price_history ORDER BY sku, valid_from"
    ).fetchall()
    # a: $15 → $1.5 (10× exactly) is held back, $14 follows $15. b: 1 → 9.8 is a real move
    # (2% short of 10×); 9.8 → 9.95 is a move of 1.5%.
    assert history == [("a", D("15")), ("a", D("14")), ("b", D("1")), ("b", D("9.8")),
                       ("b", D("9.95"))]  # fmt: skip
    assert con.execute("SELECT price, reason FROM quarantine").fetchall() == [
        (D("1.5"), "unit slip: moved by a factor within 1% of 10, 100 or 1000 in one step "
                   "(from 15.0 to 1.5)")
    ]  # fmt: skip


def test_the_real_ten_times_moves_are_quarantined(real) -> None:
    slips = real.execute(
        "SELECT DISTINCT sku, component, price FROM quarantine "
        "WHERE reason LIKE '%unit slip%' AND sku IN "
        "('vertex_ai/claude-3-opus@20240229', 'gemini/gemini-1.5-pro') ORDER BY 1, 2"
    ).fetchall()
    assert slips == [
        ("gemini/gemini-1.5-pro", "input", D("0.35")),
        ("gemini/gemini-1.5-pro", "output", D("1.05")),
        ("vertex_ai/claude-3-opus@20240229", "input", D("1.5")),
        ("vertex_ai/claude-3-opus@20240229", "output", D("7.5")),
    ]
    moves = real.execute(
        """SELECT count(*) FROM (
               SELECT price, lag(price) OVER (PARTITION BY series_key ORDER BY valid_from) AS prev
               FROM price_history WHERE leg = 'llm')
           WHERE prev > 0 AND list_bool_or(list_transform([10, 100, 1000],
                 f -> abs(greatest(price / prev, prev / price) / f - 1) <= 0.01))"""
    ).fetchone()[0]
    assert moves == 0  # 26 such LLM moves were in history before


# --- scheduled prices -------------------------------------------------------------------------


def test_a_scheduled_price_is_not_in_force_before_its_date(con) -> None:
    aug6, sep1 = date(2026, 8, 6), date(2026, 9, 1)
    load(con, "r1", [point("s5", "2", aug6, aug6), point("s5", "3", aug6, sep1)])
    as_dataset(con, cadence=31, window=62)
    set_clock(con, "2026-08-15")
    assert current(con, "s5") == [D("2")]
    assert con.execute("SELECT price, effective_from FROM scheduled_prices").fetchall() == [
        (D("3"), datetime(2026, 9, 1))
    ]
    months = con.execute(sql("index_monthly_prices"), {"leg": "llm", "components": ["input"]})
    assert [(r[6], r[7]) for r in months.fetchall()] == [(date(2026, 8, 1), 2.0)]
    set_clock(con, "2026-09-02")
    assert current(con, "s5") == [D("3")]
    assert con.execute("SELECT count(*) FROM scheduled_prices").fetchone() == (0,)


def test_claude_sonnet_5s_september_rise_is_scheduled_in_august(real_copy) -> None:
    set_clock(real_copy, "2026-08-15")
    rows = real_copy.execute(
        "SELECT source, component, price, effective_from FROM scheduled_prices "
        "WHERE sku = 'claude-sonnet-5' AND component IN ('input', 'output') "
        "ORDER BY source, component"
    ).fetchall()
    # the dataset, and Anthropic's own page replayed from pages-history/ (both dated Sep 1)
    sep1 = datetime(2026, 9, 1)
    assert rows == [
        ("page_history", "input", D("3"), sep1),
        ("page_history", "output", D("15"), sep1),
        ("simonw_llm_prices", "input", D("3"), sep1),
        ("simonw_llm_prices", "output", D("15"), sep1),
    ]
    in_force = real_copy.execute(
        "SELECT component, price FROM history_in_force WHERE source = 'simonw_llm_prices' "
        "AND sku = 'claude-sonnet-5' AND valid_to IS NULL ORDER BY component"
    ).fetchall()
    assert in_force == [("input", D("2")), ("output", D("10"))]
    assert real_copy.execute(
        "SELECT count(*) FROM prices_in_force WHERE model_id = 'claude-sonnet-5' "
        "AND valid_to IS NULL AND tier = 'standard' AND price IN (3, 15) "
        "AND component IN ('input', 'output')"
    ).fetchone() == (0,)
    months = real_copy.execute(
        sql("index_monthly_prices"), {"leg": "llm", "components": ["input", "output"]}
    ).fetchall()
    assert max(r[6] for r in months) <= date(2026, 8, 1)  # nothing in force after "now"
    # Nowhere, with the default clock, is a scheduled price in force before its date.
    set_clock(real_copy, "2026-10-05")
    assert real_copy.execute(
        "SELECT count(*) FROM history_in_force h JOIN price_history p USING (series_key) "
        "WHERE p.valid_from > p.first_observed_at AND h.valid_from < p.valid_from "
        "AND h.price = p.price AND h.valid_from = p.valid_from"
    ).fetchone() == (0,)


# --- staleness --------------------------------------------------------------------------------


def test_a_price_past_its_window_is_not_current(con) -> None:
    # A dataset captured in 2026 holding a 2006 price and a 2026 one.
    load(
        con,
        "r1",
        [point("old", "0.15", date(2026, 6, 10), date(2006, 3, 14)),
         point("new", "0.023", date(2026, 6, 10), date(2026, 6, 1))],
    )  # fmt: skip
    as_dataset(con, cadence=365, window=548, dated_records=True)
    set_clock(con, "2026-10-05")
    assert (current(con, "old"), current(con, "new")) == ([], [D("0.023")])
    ended = con.execute("SELECT valid_to FROM history_in_force WHERE sku = 'old'").fetchone()[0]
    assert ended == datetime(2007, 9, 13)  # 2006-03-14 + 548 days
    months = con.execute(sql("index_monthly_prices"), {"leg": "llm", "components": ["input"]})
    old = [r[6] for r in months.fetchall() if r[2] == "old"]
    assert (old[0], old[-1], len(old)) == (date(2006, 3, 1), date(2007, 3, 1), 13)  # + 365 d


def test_a_gap_in_a_regular_series_is_missing_data(con) -> None:
    capture = date(2024, 10, 17)
    load(con, "r1", [point("e", p, capture, date(y, 1, 1))
                     for p, y in (("0.0688", 2011), ("0.083", 2022))])  # fmt: skip
    set_clock(con, "2024-10-17")

    def years() -> list[int]:
        rows = con.execute(sql("index_monthly_prices"), {"leg": "llm", "components": ["input"]})
        return sorted({r[6].year for r in rows.fetchall()})

    as_dataset(con, cadence=365, window=548, dated_records=True, regular=True)
    assert years() == [2011, 2022]  # 2011's price does not fill 2012 … 2021
    as_dataset(con, cadence=365, window=548, dated_records=True, regular=False)
    assert years() == list(range(2011, 2023))  # irregular records: it held until 2022


def test_s3_2006_and_eia_2011_prices_are_not_current(real) -> None:
    stale = real.execute(
        "SELECT count(*) FROM mart_current_prices WHERE source IN "
        "('storage_history', 'eia_annual', 'eia_history') AND valid_from < '2024-01-01'"
    ).fetchone()
    assert stale == (0,)
    assert real.execute(
        "SELECT count(*) FROM mart_current_prices WHERE provider = 'aws' "
        "AND source = 'storage_history' AND price IN (0.15, 0.20)"
    ).fetchone() == (0,)
    # They were open rows of price_history (still are: history keeps them).
    assert real.execute(
        "SELECT count(*) FROM price_history WHERE source = 'storage_history' AND sku = 's3' "
        "AND valid_to IS NULL AND price IN (0.15, 0.20) AND valid_from = '2006-03-14'"
    ).fetchone() == (2,)
    # The frozen $0.15 item leaves the storage index a cadence after its point (2007-03).
    months = real.execute(
        sql("index_monthly_prices"), {"leg": "data", "components": ["gb_month"]}
    ).fetchall()
    s3_flat = [r[6] for r in months if r[0] == "storage_history" and r[5] == "all"
               and r[4] == "standard:flat"]  # fmt: skip
    assert (min(s3_flat), max(s3_flat)) == (date(2006, 3, 1), date(2007, 3, 1))
    # S3's own first-tier item runs unbroken from $0.15 (2010) to $0.023 (2016): its ratio
    # 0.153 is the storage index's to read, not a frozen $0.15 beside it.
    first_tier = {r[6]: r[7] for r in months if r[0] == "storage_history" and r[4] ==
                  "standard:first-tier"}  # fmt: skip
    assert (first_tier[date(2010, 1, 1)], first_tier[date(2016, 1, 1)]) == (0.15, 0.023)
    assert len(first_tier) == 84  # 2010-01 … 2016-12 (the 2016 record + 365 days), no gap
    # EIA's annual US industrial series jumps from a 2011 point to a 2022 one: the 2011 price
    # (6.88 ¢) no longer fills the ten missing years (+10.9% in 2022-01 before).
    energy = real.execute(
        sql("index_monthly_prices"), {"leg": "energy", "components": ["kwh"]}
    ).fetchall()
    annual = {r[6]: r[7] for r in energy if r[0] == "eia_annual" and r[4] == "industrial"
              and r[5] == "US"}  # fmt: skip
    assert annual[date(2011, 12, 1)] == 0.0688 and annual[date(2022, 1, 1)] == 0.083
    assert not [m for m in annual if date(2012, 1, 1) <= m <= date(2021, 12, 1)]


# --- re-rounding ------------------------------------------------------------------------------


def test_a_re_rounding_is_not_a_price_change_for_the_indices(con) -> None:
    days = [date(2026, 11, d) for d in (1, 2, 3, 4)]
    load(con, "r1", [point("g", p, days[i], days[i])
                     for i, p in enumerate(["2.19", "2.1875", "2.00", "1.99"])])  # fmt: skip
    set_clock(con, "2026-11-05")
    rows = con.execute(
        "SELECT price, valid_from::DATE FROM history_index_rows WHERE sku = 'g' ORDER BY 2"
    ).fetchall()
    # 2.19 → 2.1875 is one published price re-rounded; 2.00 → 1.99 is a real cut.
    assert rows == [(D("2.19"), days[0]), (D("2.00"), days[2]), (D("1.99"), days[3])]
    assert len(con.execute("SELECT * FROM price_history WHERE sku = 'g'").fetchall()) == 4
    assert same_published_price(0.75, 0.7499999999999999)
    assert not same_published_price(3.0, 3.4)


def test_gemini_15_pros_restated_price_is_no_frontier_cut(real) -> None:
    # Epoch's $2.19 (Artificial Analysis blend) then $2.1875 (the blend of $1.25 / $5) made
    # the MATH-500 >= 88 frontier row, 943×/yr from 4 points in 4.4 months.
    assert real.execute(
        "SELECT count(*) FROM decline_rates WHERE kind = 'frontier' "
        "AND benchmark = 'math_500' AND threshold_score = 88"
    ).fetchone() == (0,)
    assert real.execute(
        "SELECT count(*) FROM frontier_points WHERE benchmark = 'math_500' AND threshold_score = 88"
    ).fetchone() == (0,)
    gemini = [
        Listing("Gemini-1.5-Pro-2024-09", date(2024, 9, 24), 2.19, 88.0, "gemini-1.5-pro"),
        Listing("Gemini 1.5 Pro", date(2024, 10, 1), 2.1875, 88.0, "gemini-1.5-pro"),
    ]
    assert [p.price for p in frontier_points(gemini, 88.0)] == [2.19]


# --- market aggregates ------------------------------------------------------------------------


def test_offer_medians_are_not_list_price_items(con) -> None:
    days = [date(2026, 11, d) for d in (1, 2)]
    load(
        con,
        "r1",
        [point("A100", "4.085", days[0], days[0]).model_copy(update={"tier": "offers-median"}),
         point("A100", "1.50", days[1], days[1]).model_copy(update={"tier": "offers-median"}),
         point("list", "2.00", days[0], days[0])],
    )  # fmt: skip
    set_clock(con, "2026-11-05")
    kinds = con.execute(
        "SELECT sku, tier, item_kind FROM history_index_rows GROUP BY ALL ORDER BY 1"
    ).fetchall()
    assert kinds == [("A100", "offers-median", "market_aggregate"), ("list", "standard", "list")]
    months = con.execute(sql("index_monthly_prices"), {"leg": "llm", "components": ["input"]})
    assert {r[2] for r in months.fetchall()} == {"list"}


def test_the_a100_offers_median_is_out_of_the_gpu_index(real) -> None:
    assert (
        real.execute(
            "SELECT count(*) FROM price_history WHERE source = 'gpuhunt_offers' "
            "AND tier = 'offers-median'"
        ).fetchone()[0]
        > 0
    )
    months = real.execute(
        sql("index_monthly_prices"), {"leg": "compute", "components": ["gpu_hour", "instance_hour"]}
    ).fetchall()
    tiers = {r[4] for r in months}
    assert not any("offers" in t or "median" in t or "restated-index" in t for t in tiers)
    assert "restated" in tiers  # one seller's own restated monthly median is its price
    assert "gpu-price-index" not in {r[1] for r in months}
