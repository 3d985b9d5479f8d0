"""A new series priced far above its peers is quarantined until confirmed (issue 18).

The issue's trial multiplied every price by 1000: the step rule quarantined every series with
history, but two RunPod series with no history (MI300X and H200 NVL community, listed at the
0.5 placeholder before, so never stored) went in at $500 per GPU-hour. Here: night 1 loads
the real RunPod, Vast.ai and Lambda recordings; night 2 is RunPod's real recording with every
price ×1000.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest

from flows.cli import main
from tests.test_load_isolation import recorded_outcome
from tests.warehouse_utils import at
from warehouse.connection import connect
from warehouse.load import load_run

NIGHT_ONE = ["runpod_gpu_types", "vast_offers", "lambda_pricing"]
PEER_REASON = "new series far above its peers:"


def times_1000(outcome_body: bytes) -> bytes:
    return re.sub(
        rb'("(?:securePrice|communityPrice)": )([0-9.]+)',
        lambda m: m.group(1) + str(Decimal(m.group(2).decode()) * 1000).encode(),
        outcome_body,
    )


def runpod_times_1000(shared_data, days_later: int):
    outcome = recorded_outcome(shared_data, "runpod_gpu_types", days_later=days_later)
    from scrapers.registry import all_sources
    from tests.source_utils import page_of

    source = all_sources()["runpod_gpu_types"]
    recording = source.recordings[0]
    body = times_1000((shared_data / recording.path).read_bytes())
    when = recording.captured_at + timedelta(days=days_later)
    page = page_of(source, recording.url, body, when, recording.content_type)
    result = source.parse(page)
    outcome.observations, outcome.problems = result.observations, result.problems
    outcome.fetches[0] = type(outcome.fetches[0]).of(page)
    return outcome


@pytest.fixture
def db(tmp_path, shared_data):
    path = tmp_path / "w.duckdb"
    con = connect(path)
    report = load_run(
        con, "n1", "offline", at(1), [recorded_outcome(shared_data, n) for n in NIGHT_ONE]
    )
    assert report.status == "ok"
    con.close()
    return path


def test_new_series_far_above_their_peers_are_quarantined(db, shared_data):
    con = connect(db)
    report = load_run(con, "n2", "offline", at(2), [runpod_times_1000(shared_data, 1)])
    runpod = report.sources[0]
    assert runpod.status == "ok"
    assert runpod.history_new == 0 and runpod.history_changed == 0  # nothing at $500
    new_ones = con.execute(
        "SELECT sku, tier, price, reason FROM quarantine WHERE reason LIKE ? ORDER BY sku",
        [PEER_REASON + "%"],
    ).fetchall()
    assert [(sku, tier, price) for sku, tier, price, _ in new_ones] == [
        ("AMD Instinct MI300X OAM", "community", Decimal("500")),
        ("NVIDIA H200 NVL", "community", Decimal("500")),
    ]
    assert new_ones[0][3] == (
        "new series far above its peers: 209.2× the highest 2.39 USD of 1 series in force "
        "(MI300X per GPU-hour); confirm with `deflator confirm`"
    )
    # every other RunPod price had history: the ceiling or the step rule caught it
    reasons = dict(
        con.execute(
            "SELECT split_part(split_part(reason, ':', 1), ' (', 1), count(*) FROM quarantine "
            "GROUP BY 1"
        ).fetchall()
    )
    assert reasons == {
        "implausible": 11,  # above $2,000 per hour
        "moved more than 10× in one step": 14,
        "new series far above its peers": 2,
    }
    assert sum(reasons.values()) == runpod.rows_quarantined == runpod.rows_parsed == 27
    con.close()


def test_a_confirmed_price_loads_on_the_next_run(db, shared_data, capsys):
    con = connect(db)
    load_run(con, "n2", "offline", at(2), [runpod_times_1000(shared_data, 1)])
    con.close()
    capsys.readouterr()
    assert main(["--db", str(db), "confirm"]) == 0
    listed = capsys.readouterr()
    assert "2 series waiting for confirmation" in listed.err
    assert "AMD Instinct MI300X OAM" in listed.out and "NVIDIA H200 NVL" in listed.out
    assert main(["--db", str(db), "confirm", "--sku", "x"]) == 2  # --sku needs --source
    for bad in ("abc", "nan", "-1"):
        assert (
            main(["--db", str(db), "confirm", "--source", "s", "--sku", "x", "--price", bad]) == 2
        )
    assert "is not a positive price" in capsys.readouterr().err
    other_price = ["--source", "runpod_gpu_types", "--sku", "NVIDIA H200 NVL", "--price", "499"]
    assert main(["--db", str(db), "confirm", *other_price]) == 1  # not the quarantined price
    assert "nothing to confirm for runpod_gpu_types NVIDIA H200 NVL at 499" in (
        capsys.readouterr().err
    )
    code = main(
        ["--db", str(db), "confirm", "--source", "runpod_gpu_types",
         "--sku", "AMD Instinct MI300X OAM", "--note", "test: confirmed on the provider's page"]
    )  # fmt: skip
    assert code == 0
    assert (
        "confirmed runpod_gpu_types / runpod / AMD Instinct MI300X OAM" in capsys.readouterr().out
    )
    con = connect(db)
    report = load_run(con, "n3", "offline", at(3), [runpod_times_1000(shared_data, 2)])
    assert report.sources[0].history_new == 1
    assert con.execute(
        "SELECT sku, tier, price FROM price_history WHERE opened_by_run = 'n3'"
    ).fetchall() == [("AMD Instinct MI300X OAM", "community", Decimal("500"))]
    assert con.execute(  # not confirmed: quarantined again on the next night
        "SELECT tier FROM quarantine WHERE run_id = 'n3' AND sku = 'NVIDIA H200 NVL' "
        "AND reason LIKE ?",
        [PEER_REASON + "%"],
    ).fetchall() == [("community",)]
    assert con.execute(
        "SELECT count(*) FROM price_history WHERE sku = 'NVIDIA H200 NVL' AND tier = 'community'"
    ).fetchone() == (0,)
    con.close()


def test_a_backfill_is_not_checked_against_todays_peers(db, shared_data):
    con = connect(db)
    report = load_run(con, "b1", "backfill", at(2), [runpod_times_1000(shared_data, 1)])
    assert con.execute(
        "SELECT count(*) FROM quarantine WHERE reason LIKE ?", [PEER_REASON + "%"]
    ).fetchone() == (0,)
    assert report.sources[0].history_new == 2  # a backfill brings old prices: not peers
    con.close()


def test_llm_prices_of_one_model_may_differ_100x_across_hosts_before_they_wait(tmp_path):
    """Hand-made prices (no recording has a new listing beside its peers): a model listed at
    $0.10 per 1M input tokens by two hosts; a new host's $9 (90×: real host spreads reach 45×
    in the recorded data) loads, a per-1K value read as per-1M ($150, 1500×) waits."""
    from tests.warehouse_utils import obs, outcome

    con = connect(tmp_path / "w.duckdb")
    night_one = [outcome([obs("m", "0.10", at(1), source=s)], at(1), source=s) for s in "ab"]
    load_run(con, "n1", "offline", at(1), night_one)
    new_hosts = [
        outcome([obs("m", "9", at(2), source="c")], at(2), source="c"),
        outcome([obs("m", "150", at(2), source="d")], at(2), source="d"),
    ]
    report = load_run(con, "n2", "offline", at(2), new_hosts)
    assert {s.source: (s.history_new, s.rows_quarantined) for s in report.sources} == {
        "c": (1, 0),
        "d": (0, 1),
    }
    assert con.execute("SELECT reason FROM quarantine").fetchall() == [
        (
            "new series far above its peers: 1500.0× the highest 0.1 USD of 2 series in force "
            "(m input); confirm with `deflator confirm`",
        )
    ]
    con.close()
