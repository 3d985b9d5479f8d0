"""The accelerator catalog and the mapper from published GPU names to canonical ids.

One source of truth: :data:`CATALOG` below. The warehouse copies it into the ``accelerators``
table on every read-write connect (``warehouse/accelerators.py``), so the table, the
``compute_prices`` view and every parser agree on the same ids and figures.

Figures are per accelerator, as the vendor's datasheet publishes them, each with its source and
what the source says:

* ``memory_gb``: memory of one accelerator, GB as the vendor writes it.
* ``peak_dense_bf16_tflops``: peak BF16 tensor throughput WITHOUT structured sparsity. NVIDIA
  datasheets since Ampere print the sparse figure with an asterisk ("* With sparsity") and state
  that dense is half of it; the catalog keeps the dense half and quotes the printed figure in
  the citation. ``None`` where the part has no BF16 (V100) or no datasheet publishes it (A10G).
* ``board_power_w``: maximum board power (TDP/TBP) of the configurable range; for GH200 it is
  the whole module (Grace CPU + H100 + memory), as NVIDIA only publishes that.

:func:`canonical_accelerator` turns a published name ("H100 SXM5 80GB", "NVIDIA H100 80GB
HBM3", "h100-sxm") into a catalog id, or ``None`` when the name does not say enough (a bare
"H100" may be SXM, PCIe or NVL) or names a part the catalog does not hold. It never guesses:
parsers report a ``None`` as a ParseProblem, except for names :func:`is_uncatalogued`
recognises as real accelerators deliberately left out of the catalog (consumer and
workstation cards, parts without a citable dense BF16 figure yet), which they count as skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Accelerator:
    """One catalog row: an accelerator and its datasheet figures, each cited.

    Attributes:
        id: Canonical id used in observations (``H100-SXM-80GB``).
        vendor: ``NVIDIA`` or ``AMD``.
        name: The vendor's product name.
        memory_gb: Memory per accelerator in GB.
        memory_source: URL of the document the memory figure is from.
        memory_citation: What that document says.
        peak_dense_bf16_tflops: Peak dense BF16 tensor TFLOP/s, or None (see module doc).
        peak_source: URL of the document the throughput figure is from.
        peak_citation: What that document says, and how the dense figure follows from it.
        board_power_w: Maximum board power in watts, or None.
        power_source: URL of the document the power figure is from.
        power_citation: What that document says.
    """

    id: str
    vendor: str
    name: str
    memory_gb: Decimal
    memory_source: str
    memory_citation: str
    peak_dense_bf16_tflops: Decimal | None
    peak_source: str
    peak_citation: str
    board_power_w: int | None
    power_source: str
    power_citation: str


_H100_DS = "https://resources.nvidia.com/en-us-tensor-core/nvidia-tensor-core-gpu-datasheet"
_H100_PCIE_DS = (
    "https://www.nvidia.com/content/dam/en-zz/Solutions/gtcs22/data-center/h100/"
    "PB-11133-001_v01.pdf"
)
_H200_DS = "https://www.nvidia.com/en-us/data-center/h200/"
_BLACKWELL_DS = "https://www.nvidia.com/en-us/data-center/gb200-nvl72/"
_HGX_DS = "https://www.nvidia.com/en-us/data-center/hgx/"
_A100_DS = (
    "https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/a100/pdf/"
    "nvidia-a100-datasheet-us-nvidia-1758950-r4-web.pdf"
)
_A100_2020_DS = (
    "https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/a100/pdf/"
    "nvidia-a100-datasheet.pdf"
)
_L40S_DS = "https://resources.nvidia.com/en-us-l40s/l40s-datasheet-28413"
_L40_DS = "https://images.nvidia.com/content/Solutions/data-center/vgpu-L40-datasheet.pdf"
_L4_DS = "https://resources.nvidia.com/en-us-data-center-overview/l4-gpu-datasheet"
_A10_DS = "https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/a10/pdf/a10-datasheet.pdf"
_A10G_AWS = "https://aws.amazon.com/ec2/instance-types/g5/"
_MI300X_DS = (
    "https://www.amd.com/content/dam/amd/en/documents/instinct-tech-docs/data-sheets/"
    "amd-instinct-mi300x-data-sheet.pdf"
)
_GH200_DS = "https://resources.nvidia.com/en-us-grace-cpu/grace-hopper-superchip"
_V100_DS = (
    "https://images.nvidia.com/content/technologies/volta/pdf/"
    "volta-v100-datasheet-update-us-1165301-r5.pdf"
)
_DENSE = "dense = half the sparse figure, per the datasheet's footnote"


def _nvidia(
    id: str,
    name: str,
    memory: str,
    memory_source: str,
    memory_citation: str,
    peak: str | None,
    peak_source: str,
    peak_citation: str,
    power: int | None,
    power_source: str,
    power_citation: str,
    vendor: str = "NVIDIA",
) -> Accelerator:
    return Accelerator(
        id=id,
        vendor=vendor,
        name=name,
        memory_gb=Decimal(memory),
        memory_source=memory_source,
        memory_citation=memory_citation,
        peak_dense_bf16_tflops=Decimal(peak) if peak is not None else None,
        peak_source=peak_source,
        peak_citation=peak_citation,
        board_power_w=power,
        power_source=power_source,
        power_citation=power_citation,
    )


CATALOG: tuple[Accelerator, ...] = (
    _nvidia(
        "H100-SXM-80GB",
        "NVIDIA H100 SXM5 80GB",
        "80",
        _H100_DS,
        "H100 SXM: GPU memory 80GB",
        "989.5",
        _H100_DS,
        f"H100 SXM: BFLOAT16 Tensor Core 1,979 teraFLOPS* (* with sparsity); {_DENSE}",
        700,
        _H100_DS,
        "H100 SXM: Max thermal design power (TDP) up to 700W (configurable)",
    ),
    _nvidia(
        "H100-PCIe-80GB",
        "NVIDIA H100 PCIe 80GB",
        "80",
        _H100_PCIE_DS,
        "H100 PCIe product brief PB-11133-001: 80 GB HBM2e",
        "756.5",
        _H100_PCIE_DS,
        f"H100 PCIe: BFLOAT16 Tensor Core 1,513 teraFLOPS* (* with sparsity); {_DENSE}",
        350,
        _H100_PCIE_DS,
        "H100 PCIe operates unconstrained up to its maximum TDP of 350 W (300-350 W configurable)",
    ),
    _nvidia(
        "H100-NVL-94GB",
        "NVIDIA H100 NVL 94GB",
        "94",
        _H100_DS,
        "H100 NVL: GPU memory 94GB",
        "835.5",
        _H100_DS,
        f"H100 NVL: BFLOAT16 Tensor Core 1,671 teraFLOPS* (* with sparsity); {_DENSE}",
        400,
        _H100_DS,
        "H100 NVL: Max thermal design power (TDP) 350-400W (configurable)",
    ),
    _nvidia(
        "H200-SXM-141GB",
        "NVIDIA H200 SXM 141GB",
        "141",
        _H200_DS,
        "H200 SXM: GPU memory 141GB",
        "989.5",
        _H200_DS,
        f"H200 SXM: BFLOAT16 Tensor Core 1,979 TFLOPS* (* with sparsity); {_DENSE}",
        700,
        _H200_DS,
        "H200 SXM: Max thermal design power (TDP) up to 700W (configurable)",
    ),
    _nvidia(
        "H200-NVL-141GB",
        "NVIDIA H200 NVL 141GB",
        "141",
        _H200_DS,
        "H200 NVL: GPU memory 141GB",
        "835.5",
        _H200_DS,
        f"H200 NVL: BFLOAT16 Tensor Core 1,671 TFLOPS* (* with sparsity); {_DENSE}",
        600,
        _H200_DS,
        "H200 NVL: Max thermal design power (TDP) up to 600W (configurable)",
    ),
    _nvidia(
        "B200",
        "NVIDIA B200 (HGX B200)",
        "180",
        _HGX_DS,
        "HGX B200, individual Blackwell GPU: GPU memory 180GB HBM3E",
        "2250",
        _HGX_DS,
        "HGX B200, individual Blackwell GPU: FP16/BF16 Tensor Core 4.5 PFLOPS (Tensor Core "
        f"figures with sparsity); {_DENSE}",
        1000,
        _HGX_DS,
        "HGX B200, individual Blackwell GPU: Max TDP configurable up to 1,000W",
    ),
    _nvidia(
        "GB200",
        "NVIDIA GB200 NVL72 (per Blackwell GPU)",
        "186",
        _BLACKWELL_DS,
        "GB200 NVL72, individual Blackwell GPU: GPU memory 186GB HBM3E",
        "2500",
        _BLACKWELL_DS,
        "GB200 NVL72, individual Blackwell GPU: FP16/BF16 Tensor Core 5 PFLOPS (Tensor Core "
        f"figures with sparsity); {_DENSE}",
        1200,
        _BLACKWELL_DS,
        "GB200 NVL72, individual Blackwell GPU: Max TDP configurable up to 1,200W",
    ),
    _nvidia(
        "A100-SXM-40GB",
        "NVIDIA A100 SXM4 40GB",
        "40",
        _A100_2020_DS,
        "A100 (2020 datasheet): GPU memory 40GB HBM2, SXM4",
        "312",
        _A100_DS,
        "A100: BFLOAT16 Tensor Core 312 TFLOPS | 624 TFLOPS* (* with sparsity)",
        400,
        _A100_2020_DS,
        "A100 SXM4 (2020 datasheet): Max TDP power 400W",
    ),
    _nvidia(
        "A100-SXM-80GB",
        "NVIDIA A100 SXM4 80GB",
        "80",
        _A100_DS,
        "A100 80GB SXM: GPU memory 80GB HBM2e",
        "312",
        _A100_DS,
        "A100: BFLOAT16 Tensor Core 312 TFLOPS | 624 TFLOPS* (* with sparsity)",
        400,
        _A100_DS,
        "A100 80GB SXM: Max thermal design power (TDP) 400W",
    ),
    _nvidia(
        "A100-PCIe-40GB",
        "NVIDIA A100 PCIe 40GB",
        "40",
        _A100_2020_DS,
        "A100 PCIe (2020 datasheet): GPU memory 40GB HBM2",
        "312",
        _A100_DS,
        "A100: BFLOAT16 Tensor Core 312 TFLOPS | 624 TFLOPS* (* with sparsity)",
        250,
        _A100_2020_DS,
        "A100 PCIe (2020 datasheet): Max TDP power 250W",
    ),
    _nvidia(
        "A100-PCIe-80GB",
        "NVIDIA A100 PCIe 80GB",
        "80",
        _A100_DS,
        "A100 80GB PCIe: GPU memory 80GB HBM2e",
        "312",
        _A100_DS,
        "A100: BFLOAT16 Tensor Core 312 TFLOPS | 624 TFLOPS* (* with sparsity)",
        300,
        _A100_DS,
        "A100 80GB PCIe: Max thermal design power (TDP) 300W",
    ),
    _nvidia(
        "L40S",
        "NVIDIA L40S",
        "48",
        _L40S_DS,
        "L40S: GPU memory 48GB GDDR6 with ECC",
        "362.05",
        _L40S_DS,
        "L40S: BF16 Tensor Core TFLOPS 362.05 | 733* (* with sparsity)",
        350,
        _L40S_DS,
        "L40S: Max power consumption 350W",
    ),
    _nvidia(
        "L40",
        "NVIDIA L40",
        "48",
        _L40_DS,
        "L40: GPU memory 48GB GDDR6 with ECC",
        "181.05",
        _L40_DS,
        "L40: BFLOAT16 Tensor Core TFLOPS 181.05 | 362.1* (* with sparsity)",
        300,
        _L40_DS,
        "L40: Max power consumption 300W",
    ),
    _nvidia(
        "L4",
        "NVIDIA L4",
        "24",
        _L4_DS,
        "L4: GPU memory 24GB",
        "121",
        _L4_DS,
        f"L4: BF16 Tensor Core 242 teraFLOPS* (* with sparsity); {_DENSE}",
        72,
        _L4_DS,
        "L4: Max thermal design power (TDP) 72W",
    ),
    _nvidia(
        "A10",
        "NVIDIA A10",
        "24",
        _A10_DS,
        "A10: GPU memory 24GB GDDR6",
        "125",
        _A10_DS,
        "A10: BF16 Tensor Core 125 TF | 250 TF* (* with sparsity)",
        150,
        _A10_DS,
        "A10: Max thermal design power (TDP) 150W",
    ),
    _nvidia(
        "A10G",
        "NVIDIA A10G (AWS)",
        "24",
        _A10G_AWS,
        "Amazon EC2 G5: NVIDIA A10G Tensor Core GPUs with 24 GB of memory per GPU",
        None,
        _A10G_AWS,
        "not published: the A10G is an AWS-specific part without an NVIDIA datasheet",
        None,
        _A10G_AWS,
        "not published: the A10G is an AWS-specific part without an NVIDIA datasheet",
    ),
    _nvidia(
        "MI300X",
        "AMD Instinct MI300X",
        "192",
        _MI300X_DS,
        "MI300X data sheet: 192 GB HBM3",
        "1307.4",
        _MI300X_DS,
        "MI300X data sheet: Peak bfloat16 1307.4 TFLOPs (2614.9 TFLOPs with structured sparsity)",
        750,
        _MI300X_DS,
        "MI300X data sheet: Peak total board power (TBP) 750W",
        vendor="AMD",
    ),
    _nvidia(
        "GH200",
        "NVIDIA GH200 Grace Hopper Superchip (96GB HBM3)",
        "96",
        _GH200_DS,
        "GH200: GPU memory 96GB HBM3 (a 144GB HBM3e version is a different part)",
        "989.5",
        _GH200_DS,
        f"GH200: FP16/BF16 Tensor Core 1,979 TFLOPS* (* with sparsity); {_DENSE}",
        1000,
        _GH200_DS,
        "GH200: Module power 450W to 1000W programmable (CPU + GPU + memory)",
    ),
    _nvidia(
        "V100-SXM2-16GB",
        "NVIDIA Tesla V100 SXM2 16GB",
        "16",
        _V100_DS,
        "V100 SXM2: GPU memory 32/16 GB HBM2 (this id: 16 GB)",
        None,
        _V100_DS,
        "not applicable: Volta Tensor Cores compute FP16 (125 TFLOPS SXM2), not BF16",
        300,
        _V100_DS,
        "V100 SXM2: Max power consumption 300 W",
    ),
    _nvidia(
        "V100-PCIe-16GB",
        "NVIDIA Tesla V100 PCIe 16GB",
        "16",
        _V100_DS,
        "V100 PCIe: GPU memory 32/16 GB HBM2 (this id: 16 GB)",
        None,
        _V100_DS,
        "not applicable: Volta Tensor Cores compute FP16 (112 TFLOPS PCIe), not BF16",
        250,
        _V100_DS,
        "V100 PCIe: Max power consumption 250 W",
    ),
)

BY_ID: dict[str, Accelerator] = {accelerator.id: accelerator for accelerator in CATALOG}

# --- the name mapper ------------------------------------------------------------------------

_FAMILIES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (family, re.compile(pattern))
    for family, pattern in (
        ("gb200", r"\bgb200\b"),
        ("gh200", r"\bgh200\b"),
        ("b200", r"\bb200\b"),
        ("h200", r"\bh200\b"),
        ("h100", r"\bh100\b"),
        ("a100", r"\ba100\b"),
        ("l40s", r"\bl40s\b"),
        ("l40", r"\bl40\b"),
        ("l4", r"\bl4\b"),
        ("a10g", r"\ba10g\b"),
        ("a10", r"\ba10\b"),
        ("mi300x", r"\bmi300x\b"),
        ("v100", r"\bv100\b"),
    )
)
_SXM = re.compile(r"\b(?:sxm\d?|hgx|dgx)\b")
_PCIE = re.compile(r"\bpcie\b")
_NVL = re.compile(r"\bnvl\b")
_HBM3 = re.compile(r"\bhbm3\b")
_MEMORY = re.compile(r"\b(\d+)\s?gb\b")

# Real accelerators the catalog leaves out on purpose: consumer and workstation cards, and
# parts whose dense BF16 figure is not yet citable from a datasheet. A name matching one of
# these is skipped (counted), not reported as a problem.
_UNCATALOGUED = re.compile(
    r"\b(?:b300|gb300|mi355x|mi325x|mi250x?|mi210|rtx|geforce|quadro|titan|"
    r"a40|a30|a16|a2|a4000|a4500|a5000|a6000|t4|p100|p40|p4|k80|m60|l20|h20|h800|a800|"
    r"gaudi\s?\d?|tpu)\b"
)


def _normal(name: str) -> str:
    text = name.lower().replace("nvidia", " ").replace("amd", " ")
    text = re.sub(r"[\s_\-/,()+]+", " ", text)
    # "80GB" and "80 GB" read alike; "sxm5-80gb" was split above.
    return " ".join(text.split())


def canonical_accelerator(name: str) -> str | None:
    """The catalog id a published accelerator name stands for, or None when it is not clear.

    Examples: "H100 SXM5 80GB", "NVIDIA H100 80GB HBM3" (the SXM part's device name; the PCIe
    part reports "H100 PCIe"), "h100-sxm" and "HGX H100" are ``H100-SXM-80GB``; "A100 80GB
    PCIe" is ``A100-PCIe-80GB``. A bare "H100" or "A100" (form factor or memory not stated),
    a name naming two parts, and anything outside the catalog give None.
    """
    text = _normal(name)
    families = {family for family, pattern in _FAMILIES if pattern.search(text)}
    if "l40s" in families:
        families.discard("l40")
    if len(families) != 1:
        return None
    (family,) = families
    memories = {int(m) for m in _MEMORY.findall(text)}
    if len(memories) > 1:
        return None
    memory = next(iter(memories), None)
    sxm, pcie, nvl = bool(_SXM.search(text)), bool(_PCIE.search(text)), bool(_NVL.search(text))
    if sum((sxm, pcie, nvl)) > 1:
        return None
    return _RULES[family](memory, sxm, pcie, nvl, bool(_HBM3.search(text)))


def _fixed(ident: str, *memories: int):
    def rule(memory: int | None, sxm: bool, pcie: bool, nvl: bool, hbm3: bool) -> str | None:
        if memory is not None and memory not in memories:
            return None
        return ident

    return rule


def _h100(memory: int | None, sxm: bool, pcie: bool, nvl: bool, hbm3: bool) -> str | None:
    if nvl:
        return "H100-NVL-94GB" if memory in (None, 94, 96) else None
    if memory not in (None, 80):
        return None
    if pcie:
        return "H100-PCIe-80GB"
    if sxm or (hbm3 and memory == 80):
        return "H100-SXM-80GB"
    return None


def _h200(memory: int | None, sxm: bool, pcie: bool, nvl: bool, hbm3: bool) -> str | None:
    if memory not in (None, 141):
        return None
    if nvl:
        return "H200-NVL-141GB"
    return "H200-SXM-141GB" if sxm else None


def _a100(memory: int | None, sxm: bool, pcie: bool, nvl: bool, hbm3: bool) -> str | None:
    if memory not in (40, 80) or not (sxm or pcie):
        return None
    return f"A100-{'SXM' if sxm else 'PCIe'}-{memory}GB"


def _v100(memory: int | None, sxm: bool, pcie: bool, nvl: bool, hbm3: bool) -> str | None:
    if memory != 16 or not (sxm or pcie):
        return None
    return "V100-SXM2-16GB" if sxm else "V100-PCIe-16GB"


def _no_nvl_or_form(ident: str, *memories: int):
    fixed = _fixed(ident, *memories)

    def rule(memory: int | None, sxm: bool, pcie: bool, nvl: bool, hbm3: bool) -> str | None:
        return None if nvl else fixed(memory, sxm, pcie, nvl, hbm3)

    return rule


_RULES = {
    "gb200": _fixed("GB200", 186, 192),
    "gh200": _no_nvl_or_form("GH200", 96),
    "b200": _no_nvl_or_form("B200", 180, 192),
    "h200": _h200,
    "h100": _h100,
    "a100": _a100,
    "l40s": _no_nvl_or_form("L40S", 48),
    "l40": _no_nvl_or_form("L40", 48),
    "l4": _no_nvl_or_form("L4", 24),
    "a10g": _no_nvl_or_form("A10G", 24),
    "a10": _no_nvl_or_form("A10", 24),
    "mi300x": _no_nvl_or_form("MI300X", 192),
    "v100": _v100,
}


def is_uncatalogued(name: str) -> bool:
    """True when ``name`` is a real accelerator the catalog deliberately leaves out."""
    return bool(_UNCATALOGUED.search(_normal(name))) and canonical_accelerator(name) is None


def require_known(ident: str) -> str:
    """``ident`` itself, after checking it is a catalog id (for parsers' hand-kept SKU maps)."""
    if ident not in BY_ID:
        raise KeyError(f"{ident!r} is not an accelerator catalog id")
    return ident
