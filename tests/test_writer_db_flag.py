"""`deflator --db ducklake:… run` and `… backfill` write to that lake, not to the default file.

Before, both commands passed only the file path on to their flows, so a `--db ducklake:…` run
loaded the embedded file in the data folder and left the lake empty."""

from __future__ import annotations

import duckdb
import pytest

from flows.cli import main
from warehouse.backends import DuckLake
from warehouse.extensions import install_extensions

# A system test (`make test-system`, and CI): not in the `make test` loop.
pytestmark = pytest.mark.system


@pytest.fixture(scope="module")
def extension_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("duckdb-extensions")
    install_extensions(folder)
    return folder


def lake_count(lake: DuckLake, sql: str) -> int:
    con = duckdb.connect(config={"extension_directory": str(lake.extension_dir)})
    try:
        con.execute(f"ATTACH 'ducklake:{lake.catalog}' AS lake (DATA_PATH '{lake.data_path}')")
        return con.execute(sql.replace("FROM ", "FROM lake.")).fetchone()[0]
    finally:
        con.close()


@pytest.mark.flow
def test_run_and_backfill_write_the_lake_the_db_flag_names(
    tmp_path, extension_dir, shared_data, monkeypatch
):
    lake = DuckLake(str(tmp_path / "catalog.ducklake"), f"{tmp_path / 'lake'}/", extension_dir)
    monkeypatch.setenv("DEFLATOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DEFLATOR_SHARED_DATA", str(shared_data))
    monkeypatch.setenv("DEFLATOR_LAKE_DATA_PATH", lake.data_path)
    monkeypatch.setenv("DEFLATOR_EXTENSIONS_DIR", str(extension_dir))
    for name in ("DEFLATOR_DB", "DEFLATOR_WAREHOUSE", "DEFLATOR_ARCHIVE"):
        monkeypatch.delenv(name, raising=False)
    spec = f"ducklake:{lake.catalog}"

    assert main(["--db", spec, "run", "--offline", "--source", "deepseek_pricing"]) == 0
    assert main(["--db", spec, "backfill", "storage_history"]) == 0

    assert not list(tmp_path.rglob("*.duckdb")), "a writer opened the embedded file"
    assert lake_count(lake, "SELECT count(*) FROM runs") == 2
    assert (
        lake_count(lake, "SELECT count(*) FROM observations WHERE source = 'storage_history'") == 27
    )
    assert (
        lake_count(lake, "SELECT count(*) FROM observations WHERE source = 'deepseek_pricing'") == 6
    )
