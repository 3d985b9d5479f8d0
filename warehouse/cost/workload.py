"""Workload files: what a job needs, in TOML, read with exact Decimals.

Two kinds. A **compute** workload (P = C + E + D)::

    name = "H100 fine-tune"
    kind = "compute"

    [compute]                       # C: accelerator-hours
    hours = 720                     # wall-clock hours
    gpus = 8                        # accelerators used the whole time (default 1)
    accelerator = "H100-SXM-80GB"   # catalog id; needed for a warehouse price or board power
    price_per_hour = 2.50           # USD per GPU-hour; omit to use the warehouse price in force
    provider = "aws"                # optional: this provider's price instead of the median

    [energy]                        # E: kWh, given or derived
    kwh = 1000                      # given, or derived from power × hours × PUE:
    power_kw = 5.6                  # total draw; default board power × gpus (accelerators table)
    hours = 720                     # default: compute hours
    pue = 1.2                       # default 1
    price_per_kwh = 0.08            # omit to use the latest EIA price of `sector` (US)
    sector = "industrial"

    [data]                          # D: storage and transfer
    gb_stored = 2000                # GB kept for `months` (default 1)
    price_per_gb_month = 0.023      # or from the warehouse: storage_provider / storage_tier
    gb_transferred = 500
    price_per_gb = 0.09             # or egress_provider / egress_tier

An **LLM** workload prices tokens (its cost is C; E and D are inside the token price)::

    name = "support assistant"
    kind = "llm"

    [llm]
    input_tokens_per_month = 2_000_000_000
    output_tokens_per_month = 400_000_000
    months = 1
    model = "gpt-4o-mini"           # a named model (canonical id), or a capability threshold:
    benchmark = "GPQA Diamond"      # the cheapest model scoring at least min_score today
    min_score = 50

Every leg may set ``decline_per_year`` (a factor, e.g. 2.0 = half the price a year later) and
``decline_ci90 = [low, high]`` to override the fitted rate used for projections. Numbers are
read as Decimals (``tomllib`` with ``parse_float=Decimal``): 0.10 is exactly ten cents.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

KINDS = ("compute", "llm")


class WorkloadError(ValueError):
    """A workload file that cannot be read: says which key and why."""


@dataclass(frozen=True)
class RateOverride:
    """A decline rate given in the file instead of a fitted one."""

    factor_per_year: float
    ci90_low: float
    ci90_high: float


@dataclass(frozen=True)
class ComputeLeg:
    hours: Decimal
    gpus: Decimal
    accelerator: str | None
    price_per_hour: Decimal | None
    provider: str | None
    rate: RateOverride | None

    @property
    def gpu_hours(self) -> Decimal:
        return self.hours * self.gpus


@dataclass(frozen=True)
class EnergyLeg:
    kwh: Decimal | None
    power_kw: Decimal | None
    hours: Decimal | None
    pue: Decimal
    price_per_kwh: Decimal | None
    sector: str
    rate: RateOverride | None


@dataclass(frozen=True)
class DataLeg:
    gb_stored: Decimal
    months: Decimal
    price_per_gb_month: Decimal | None
    storage_provider: str | None
    storage_tier: str | None
    gb_transferred: Decimal
    price_per_gb: Decimal | None
    egress_provider: str | None
    egress_tier: str | None
    rate: RateOverride | None


@dataclass(frozen=True)
class LlmLeg:
    input_tokens_per_month: Decimal
    output_tokens_per_month: Decimal
    months: Decimal
    model: str | None
    benchmark: str | None
    min_score: Decimal | None
    source: str | None
    include_reasoning: bool
    rate: RateOverride | None


@dataclass(frozen=True)
class Workload:
    """A parsed workload file."""

    name: str
    kind: str
    path: str
    compute: ComputeLeg | None = None
    energy: EnergyLeg | None = None
    data: DataLeg | None = None
    llm: LlmLeg | None = None


def _number(table: dict[str, Any], key: str, where: str, default=None) -> Decimal | None:
    value = table.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise WorkloadError(f"[{where}] {key} must be a number, not {value!r}")
    number = Decimal(value)
    if number < 0:
        raise WorkloadError(f"[{where}] {key} must not be negative")
    return number


def _text(table: dict[str, Any], key: str, where: str) -> str | None:
    value = table.get(key)
    if value is not None and not isinstance(value, str):
        raise WorkloadError(f"[{where}] {key} must be a string")
    return value


def _rate(table: dict[str, Any], where: str) -> RateOverride | None:
    factor = _number(table, "decline_per_year", where)
    if factor is None:
        if "decline_ci90" in table:
            raise WorkloadError(f"[{where}] decline_ci90 needs decline_per_year")
        return None
    if factor <= 0:
        raise WorkloadError(f"[{where}] decline_per_year must be positive")
    band = table.get("decline_ci90", [factor, factor])
    if not isinstance(band, list) or len(band) != 2:
        raise WorkloadError(f"[{where}] decline_ci90 must be [low, high]")
    low, high = (Decimal(v) for v in band)
    if not 0 < low <= factor <= high:
        raise WorkloadError(f"[{where}] decline_ci90 must satisfy 0 < low ≤ factor ≤ high")
    return RateOverride(float(factor), float(low), float(high))


def _unknown(table: dict[str, Any], known: set[str], where: str) -> None:
    extra = sorted(set(table) - known)
    if extra:
        raise WorkloadError(f"[{where}] unknown key(s): {', '.join(extra)}")


_RATE_KEYS = {"decline_per_year", "decline_ci90"}


def _compute(table: dict[str, Any]) -> ComputeLeg:
    keys = {"hours", "gpus", "accelerator", "price_per_hour", "provider"}
    _unknown(table, keys | _RATE_KEYS, "compute")
    hours = _number(table, "hours", "compute")
    if hours is None:
        raise WorkloadError("[compute] hours is required")
    leg = ComputeLeg(
        hours=hours,
        gpus=_number(table, "gpus", "compute", 1),
        accelerator=_text(table, "accelerator", "compute"),
        price_per_hour=_number(table, "price_per_hour", "compute"),
        provider=_text(table, "provider", "compute"),
        rate=_rate(table, "compute"),
    )
    if leg.price_per_hour is None and leg.accelerator is None:
        raise WorkloadError("[compute] give price_per_hour, or an accelerator to price from")
    return leg


def _energy(table: dict[str, Any]) -> EnergyLeg:
    _unknown(
        table,
        {"kwh", "power_kw", "hours", "pue", "price_per_kwh", "sector"} | _RATE_KEYS,
        "energy",
    )
    leg = EnergyLeg(
        kwh=_number(table, "kwh", "energy"),
        power_kw=_number(table, "power_kw", "energy"),
        hours=_number(table, "hours", "energy"),
        pue=_number(table, "pue", "energy", 1),
        price_per_kwh=_number(table, "price_per_kwh", "energy"),
        sector=_text(table, "sector", "energy") or "industrial",
        rate=_rate(table, "energy"),
    )
    if leg.kwh is not None and (leg.power_kw is not None or "pue" in table):
        raise WorkloadError("[energy] give kwh, or power_kw/pue, not both")
    if leg.pue < 1:
        raise WorkloadError("[energy] pue cannot be below 1")
    return leg


def _data(table: dict[str, Any]) -> DataLeg:
    keys = {
        "gb_stored",
        "months",
        "price_per_gb_month",
        "storage_provider",
        "storage_tier",
        "gb_transferred",
        "price_per_gb",
        "egress_provider",
        "egress_tier",
    }
    _unknown(table, keys | _RATE_KEYS, "data")
    return DataLeg(
        gb_stored=_number(table, "gb_stored", "data", 0),
        months=_number(table, "months", "data", 1),
        price_per_gb_month=_number(table, "price_per_gb_month", "data"),
        storage_provider=_text(table, "storage_provider", "data"),
        storage_tier=_text(table, "storage_tier", "data"),
        gb_transferred=_number(table, "gb_transferred", "data", 0),
        price_per_gb=_number(table, "price_per_gb", "data"),
        egress_provider=_text(table, "egress_provider", "data"),
        egress_tier=_text(table, "egress_tier", "data"),
        rate=_rate(table, "data"),
    )


def _llm(table: dict[str, Any]) -> LlmLeg:
    keys = {
        "input_tokens_per_month",
        "output_tokens_per_month",
        "months",
        "model",
        "benchmark",
        "min_score",
        "source",
        "include_reasoning",
    }
    _unknown(table, keys | _RATE_KEYS, "llm")
    leg = LlmLeg(
        input_tokens_per_month=_number(table, "input_tokens_per_month", "llm", 0),
        output_tokens_per_month=_number(table, "output_tokens_per_month", "llm", 0),
        months=_number(table, "months", "llm", 1),
        model=_text(table, "model", "llm"),
        benchmark=_text(table, "benchmark", "llm"),
        min_score=_number(table, "min_score", "llm"),
        source=_text(table, "source", "llm"),
        include_reasoning=bool(table.get("include_reasoning", False)),
        rate=_rate(table, "llm"),
    )
    if (leg.model is None) == (leg.benchmark is None):
        raise WorkloadError("[llm] give either model or benchmark + min_score")
    if leg.benchmark is not None and leg.min_score is None:
        raise WorkloadError("[llm] benchmark needs min_score")
    return leg


def parse_workload(text: str, path: str = "<string>") -> Workload:
    """Read a workload from TOML text."""
    try:
        doc = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as problem:
        raise WorkloadError(f"{path}: not valid TOML: {problem}") from None
    kind = doc.get("kind", "compute")
    if kind not in KINDS:
        raise WorkloadError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    name = doc.get("name") or Path(path).stem
    if not isinstance(name, str):
        raise WorkloadError("name must be a string")
    sections = {"compute", "energy", "data"} if kind == "compute" else {"llm"}
    _unknown(doc, {"name", "kind", "description"} | sections, "top level")
    if kind == "llm":
        if "llm" not in doc:
            raise WorkloadError("an llm workload needs an [llm] table")
        return Workload(name, kind, path, llm=_llm(doc["llm"]))
    if not sections & set(doc):
        raise WorkloadError("a compute workload needs [compute], [energy] or [data]")
    return Workload(
        name,
        kind,
        path,
        compute=_compute(doc["compute"]) if "compute" in doc else None,
        energy=_energy(doc["energy"]) if "energy" in doc else None,
        data=_data(doc["data"]) if "data" in doc else None,
    )


def load_workload(path: Path | str) -> Workload:
    """Read a workload file."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as problem:
        raise WorkloadError(f"cannot read {file}: {problem.strerror or problem}") from None
    return parse_workload(text, str(path))
