"""The benchmarks' synthetic data: seeded (same seed, same rows), the promised size, and the
faults it plants (unit slips, zero prices) caught by the real loader, row for row.

Small scales only: the benchmarks themselves run in `make bench`, not here.
"""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import pytest

from bench import synth
from bench.load import _leg
from warehouse.connection import connect
from warehouse.load import SourceOutcome, load_run

ROWS, SKUS = 100_000, 300


def _write(folder, seed: int = synth.SEED) -> dict[str, int]:
    con = duckdb.connect()
    try:
        return synth.write_observations(con, folder, ROWS, SKUS, seed=seed)
    finally:
        con.close()


def _rows(folder) -> str:
    return f"read_parquet('{folder}/*/*.parquet', hive_partitioning = false)"


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("synth") / "obs"
    info = _write(folder)
    return folder, info


def test_the_same_seed_writes_the_same_rows_and_another_seed_other_rows(generated, tmp_path):
    folder, info = generated
    assert info["observations"] == ROWS and info["skus"] == SKUS
    again, other = tmp_path / "again", tmp_path / "other"
    _write(again)
    _write(other, seed=synth.SEED + 1)
    con = duckdb.connect()
    assert con.execute(f"SELECT count(*) FROM {_rows(folder)}").fetchone() == (ROWS,)
    for a, b in ((folder, again), (again, folder)):
        assert con.execute(
            f"SELECT count(*) FROM (FROM {_rows(a)} EXCEPT ALL FROM {_rows(b)})"
        ).fetchone() == (0,)
    assert (
        con.execute(
            f"SELECT count(*) FROM (FROM {_rows(folder)} EXCEPT ALL FROM {_rows(other)})"
        ).fetchone()[0]
        > ROWS // 2
    )


def test_every_leg_and_the_planted_faults_are_there(generated):
    folder, _ = generated
    con = duckdb.connect()
    legs = dict(con.execute(f"SELECT leg, count(*) FROM {_rows(folder)} GROUP BY leg").fetchall())
    assert set(legs) == {"llm", "compute", "energy", "data"}
    assert legs["llm"] > legs["compute"] > legs["data"] > 0 and legs["energy"] > 0
    zeros = con.execute(f"SELECT count(*) FROM {_rows(folder)} WHERE price = 0").fetchone()[0]
    assert zeros >= 1  # one in 50,000


def test_the_loader_quarantines_exactly_the_planted_slips_and_zeros(generated, tmp_path):
    """A slip is the sku's price × 1000: the only prices more than 100× their series' median.
    The loader finds them by its step rule alone; the test by the median, independently."""
    folder, _ = generated
    con = connect(tmp_path / "w.duckdb")
    outcomes = [
        SourceOutcome(source, _leg(source), "ok", table=dataset)
        for source, dataset in synth.source_datasets(folder).items()
    ]
    report = load_run(con, "synth", "backfill", datetime.now(UTC), outcomes)
    planted = con.execute(
        f"""
        SELECT source, sku, component, tier, observed_at
        FROM (
            SELECT *, median(price) OVER (
                PARTITION BY source, provider, sku, component, tier, region
            ) AS typical
            FROM {_rows(folder)}
        )
        WHERE price = 0 OR price > 100 * typical
        ORDER BY ALL
        """
    ).fetchall()
    quarantined = con.execute(
        "SELECT source, sku, component, tier, observed_at FROM quarantine ORDER BY ALL"
    ).fetchall()
    con.close()
    assert len(planted) >= 3, planted
    assert quarantined == planted
    assert report.quarantined == len(planted)
    assert report.status == "ok"


def test_the_offer_file_holds_the_gpu_products_the_streaming_reader_reads(tmp_path):
    from bench.streaming import measure

    path = tmp_path / "offer.json"
    products = synth.write_offer_file(path, 2 * 1024 * 1024)
    assert products >= 2 * synth.GPU_PRODUCTS
    assert path.stat().st_size > 1024 * 1024
    figures = measure(path)
    assert figures["prices_read"] == 2 * synth.GPU_PRODUCTS  # on-demand and reserved each
