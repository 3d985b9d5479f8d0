"""The accelerator catalog, the name mapper, the accelerators table and the compute_prices view."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from schemas.accelerators import (
    BY_ID,
    CATALOG,
    canonical_accelerator,
    is_uncatalogued,
    require_known,
)
from schemas.enums import CanonicalUnit, Component, Currency, Leg
from schemas.observation import Observation
from warehouse.accelerators import sync_accelerators
from warehouse.connection import connect
from warehouse.load import FetchRecord, SourceOutcome, load_run

CAPTURED = datetime(2026, 9, 29, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("H100 SXM5 80GB", "H100-SXM-80GB"),
        ("NVIDIA H100 80GB HBM3", "H100-SXM-80GB"),
        ("h100-sxm", "H100-SXM-80GB"),
        ("NVIDIA HGX H100", "H100-SXM-80GB"),
        ("H100-SXM5-80GB", "H100-SXM-80GB"),
        ("NVIDIA H100 PCIe", "H100-PCIe-80GB"),
        ("H100 PCIe 80GB", "H100-PCIe-80GB"),
        ("NVIDIA H100 NVL", "H100-NVL-94GB"),
        ("H100 NVL 94GB", "H100-NVL-94GB"),
        ("NVIDIA H200 141GB HGX", "H200-SXM-141GB"),
        ("H200 SXM", "H200-SXM-141GB"),
        ("NVIDIA H200 NVL", "H200-NVL-141GB"),
        ("NVIDIA B200 SXM6 180GB", "B200"),
        ("NVIDIA HGX B200", "B200"),
        ("NVIDIA GB200 NVL72 186GB", "GB200"),
        ("A100-SXM4-40GB", "A100-SXM-40GB"),
        ("NVIDIA A100-SXM4-80GB", "A100-SXM-80GB"),
        ("NVIDIA A100 80GB PCIe", "A100-PCIe-80GB"),
        ("A100 PCIe 40GB", "A100-PCIe-40GB"),
        ("NVIDIA L40S", "L40S"),
        ("NVIDIA L40S 48GB", "L40S"),
        ("NVIDIA L40", "L40"),
        ("NVIDIA L4", "L4"),
        ("NVIDIA A10G", "A10G"),
        ("NVIDIA A10 24GB", "A10"),
        ("AMD Instinct MI300X OAM", "MI300X"),
        ("AMD MI300X 192GB", "MI300X"),
        ("NVIDIA GH200 96GB", "GH200"),
        ("Tesla V100-SXM2-16GB", "V100-SXM2-16GB"),
        ("Tesla V100-PCIE-16GB", "V100-PCIe-16GB"),
    ],
)
def test_name_variants_map_to_one_id(name: str, expected: str) -> None:
    assert canonical_accelerator(name) == expected


@pytest.mark.parametrize(
    "name",
    [
        "H100",  # SXM, PCIe or NVL?
        "NVIDIA H100 80GB",  # still no form factor
        "NVIDIA A100",  # no memory, no form factor
        "A100 SXM4",  # no memory
        "NVIDIA H200",  # SXM or NVL?
        "NVIDIA Tesla V100 16GB",  # SXM2 or PCIe?
        "H100 vs A100",  # two parts
        "H100 SXM 94GB",  # memory contradicts the part
        "NVIDIA B300",  # outside the catalog
        "RTX 4090",
        "Intel Gaudi 2",
        "TPU v5e",
        "",
    ],
)
def test_unclear_or_unknown_names_give_none(name: str) -> None:
    assert canonical_accelerator(name) is None


def test_uncatalogued_parts_are_told_from_unknown_names() -> None:
    for name in ("NVIDIA B300", "NVIDIA GeForce RTX 4090", "AMD MI355X", "NVIDIA A40", "Gaudi 2"):
        assert is_uncatalogued(name), name
    for name in ("H100", "NVIDIA A100", "H100T", "Acme X1", "NVIDIA L40S"):
        assert not is_uncatalogued(name), name


def test_catalog_ids_are_the_requested_ones() -> None:
    assert {a.id for a in CATALOG} == {
        "H100-SXM-80GB",
        "H100-PCIe-80GB",
        "H100-NVL-94GB",
        "H200-SXM-141GB",
        "H200-NVL-141GB",
        "B200",
        "GB200",
        "A100-SXM-40GB",
        "A100-SXM-80GB",
        "A100-PCIe-40GB",
        "A100-PCIe-80GB",
        "L40S",
        "L40",
        "L4",
        "A10",
        "A10G",
        "MI300X",
        "GH200",
        "V100-SXM2-16GB",
        "V100-PCIe-16GB",
    }
    assert len(CATALOG) == len(BY_ID)
    with pytest.raises(KeyError):
        require_known("H100")


@pytest.mark.parametrize(
    ("ident", "memory", "dense_bf16", "power"),
    [
        ("H100-SXM-80GB", "80", "989.5", 700),
        ("H100-PCIe-80GB", "80", "756.5", 350),
        ("H100-NVL-94GB", "94", "835.5", 400),
        ("H200-SXM-141GB", "141", "989.5", 700),
        ("H200-NVL-141GB", "141", "835.5", 600),
        ("B200", "180", "2250", 1000),
        ("GB200", "186", "2500", 1200),
        ("A100-SXM-40GB", "40", "312", 400),
        ("A100-SXM-80GB", "80", "312", 400),
        ("A100-PCIe-40GB", "40", "312", 250),
        ("A100-PCIe-80GB", "80", "312", 300),
        ("L40S", "48", "362.05", 350),
        ("L40", "48", "181.05", 300),
        ("L4", "24", "121", 72),
        ("A10", "24", "125", 150),
        ("MI300X", "192", "1307.4", 750),
        ("GH200", "96", "989.5", 1000),
    ],
)
def test_catalog_figures(ident: str, memory: str, dense_bf16: str, power: int) -> None:
    accelerator = BY_ID[ident]
    assert accelerator.memory_gb == Decimal(memory)
    assert accelerator.peak_dense_bf16_tflops == Decimal(dense_bf16)
    assert accelerator.board_power_w == power


def test_every_figure_is_cited_and_dense_not_sparse() -> None:
    for accelerator in CATALOG:
        for url in (accelerator.memory_source, accelerator.peak_source, accelerator.power_source):
            assert url.startswith("https://"), accelerator.id
        for citation in (
            accelerator.memory_citation,
            accelerator.peak_citation,
            accelerator.power_citation,
        ):
            assert citation, accelerator.id
        if accelerator.peak_dense_bf16_tflops is not None and accelerator.vendor == "NVIDIA":
            # Every NVIDIA figure is half the printed sparse one, or printed as dense beside it.
            assert "sparsity" in accelerator.peak_citation, accelerator.id
    # Unpublished or unsupported, never invented.
    assert BY_ID["V100-SXM2-16GB"].peak_dense_bf16_tflops is None
    assert BY_ID["A10G"].peak_dense_bf16_tflops is None
    assert BY_ID["A10G"].board_power_w is None


def test_the_table_follows_the_catalog(tmp_path) -> None:
    con = connect(tmp_path / "w.duckdb")
    rows = con.execute(
        "SELECT id, memory_gb, peak_dense_bf16_tflops, board_power_w, peak_source "
        "FROM accelerators WHERE id = 'H100-SXM-80GB'"
    ).fetchall()
    assert rows == [
        ("H100-SXM-80GB", Decimal("80"), Decimal("989.5"), 700, BY_ID["H100-SXM-80GB"].peak_source)
    ]
    assert con.execute("SELECT count(*) FROM accelerators").fetchone()[0] == len(CATALOG)
    assert sync_accelerators(con) is False  # already equal: nothing rewritten
    con.execute("UPDATE accelerators SET board_power_w = 1 WHERE id = 'L4'")
    con.execute(
        "INSERT INTO accelerators SELECT 'X1', vendor, name, memory_gb, memory_source, "
        "memory_citation, NULL, peak_source, peak_citation, NULL, power_source, "
        "power_citation FROM accelerators WHERE id = 'L4'"
    )
    assert sync_accelerators(con) is True
    assert con.execute("SELECT board_power_w FROM accelerators WHERE id = 'L4'").fetchone() == (72,)
    assert con.execute("SELECT count(*) FROM accelerators WHERE id = 'X1'").fetchone() == (0,)
    con.close()


def _compute(
    sku: str,
    price: str,
    component: Component,
    accelerator: str,
    count: int | None,
    tier: str = "standard",
    provider: str = "aws",
) -> Observation:
    return Observation(
        source="testcompute",
        leg=Leg.COMPUTE,
        provider=provider,
        sku=sku,
        component=component,
        tier=tier,
        region="us-east-1",
        price=Decimal(price),
        currency=Currency.USD,
        unit=CanonicalUnit.PER_HOUR,
        published_text=price,
        published_unit="per hour",
        observed_at=CAPTURED,
        source_url="https://example.invalid/compute",
        page_hash=hashlib.sha256(sku.encode()).hexdigest(),
        parser_version="1",
        accelerator=accelerator,
        accelerator_count=count,
    )


def test_compute_prices_view_math(tmp_path) -> None:
    # Real list prices: AWS p5.48xlarge us-east-1 (pages/aws, $55.04 for 8 x H100), Crusoe's
    # H100 at $3.90 per GPU-hour (pages/crusoe), Azure's ND96isr H100 v5 spot in spaincentral
    # ($23.620397, pages/azure) and RunPod's V100 SXM2 community price ($0.23, pages/runpod).
    observations = [
        _compute("p5.48xlarge", "55.04", Component.INSTANCE_HOUR, "H100-SXM-80GB", 8),
        _compute(
            "NVIDIA H100 80GB HGX",
            "3.9",
            Component.GPU_HOUR,
            "H100-SXM-80GB",
            None,
            provider="crusoe",
        ),
        _compute(
            "Standard_ND96isr_H100_v5",
            "23.620397",
            Component.INSTANCE_HOUR,
            "H100-SXM-80GB",
            8,
            tier="spot",
            provider="azure",
        ),
        _compute(
            "Tesla V100-SXM2-16GB",
            "0.23",
            Component.GPU_HOUR,
            "V100-SXM2-16GB",
            None,
            tier="community",
            provider="runpod",
        ),
    ]
    fetch = FetchRecord(
        "testcompute", "https://example.invalid/compute", 200, CAPTURED, "0" * 64, 10, {}, False
    )
    con = connect(tmp_path / "w.duckdb")
    load_run(
        con,
        "run1",
        "offline",
        CAPTURED,
        [SourceOutcome("testcompute", "compute", "ok", fetches=[fetch], observations=observations)],
    )
    rows = {
        row[0]: row[1:]
        for row in con.execute(
            "SELECT sku, tier, price, per_instance_hour, per_gpu_hour, per_pflop_hour, "
            "peak_dense_bf16_tflops FROM compute_prices"
        ).fetchall()
    }
    con.close()
    p5 = rows["p5.48xlarge"]
    assert p5[:4] == ("standard", Decimal("55.04"), Decimal("55.04"), Decimal("6.88"))
    assert p5[4] == pytest.approx(6.88 / 0.9895)  # $ per PFLOP-hour of dense BF16
    crusoe = rows["NVIDIA H100 80GB HGX"]
    assert crusoe[:4] == ("standard", Decimal("3.9"), None, Decimal("3.9"))
    assert crusoe[4] == pytest.approx(3.9 / 0.9895)
    spot = rows["Standard_ND96isr_H100_v5"]
    assert spot[0] == "spot"
    assert spot[3] == Decimal("2.952549625")  # 23.620397 / 8, exact at 12 decimals
    v100 = rows["Tesla V100-SXM2-16GB"]
    assert v100[3] == Decimal("0.23")
    assert v100[4] is None and v100[5] is None  # no BF16 figure: no per-PFLOP price
