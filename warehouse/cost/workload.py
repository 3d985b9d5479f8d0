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

Each table is a pydantic model (unknown keys refused, numbers finite and not negative, text
and booleans strict: ``include_reasoning = "no"`` is an error, not true). A bad file is a
:class:`WorkloadError` of one line naming the field, what it got and what it expects, e.g.
``[llm] include_reasoning: got 'no', expected true or false``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StrictBool,
    StrictStr,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

KINDS = ("compute", "llm")


class WorkloadError(ValueError):
    """A workload file that cannot be read: says which key and why."""


def _number(value: Any) -> Decimal:
    """A TOML integer or float (read as Decimal); not a string, a boolean, NaN or inf."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise PydanticCustomError("deflator", "a number")
    number = Decimal(value)
    if not number.is_finite():
        raise PydanticCustomError("deflator", "a finite number")
    return number


def _not_negative(number: Decimal) -> Decimal:
    if number < 0:
        raise PydanticCustomError("deflator", "a number ≥ 0 (it must not be negative)")
    return number


def _pair(values: list[Decimal]) -> tuple[Decimal, Decimal]:
    if len(values) != 2:
        raise PydanticCustomError("deflator", "a list [low, high] of two numbers")
    return values[0], values[1]


Amount = Annotated[Decimal, BeforeValidator(_number), AfterValidator(_not_negative)]
Band = Annotated[list[Amount], AfterValidator(_pair)]
Text = StrictStr


@dataclass(frozen=True)
class RateOverride:
    """A decline rate given in the file instead of a fitted one."""

    factor_per_year: float
    ci90_low: float
    ci90_high: float


class _Table(BaseModel):
    """One table of a workload file: unknown keys refused, an optional decline override."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    decline_per_year: Amount | None = None
    decline_ci90: Band | None = None

    @model_validator(mode="after")
    def _check_rate(self) -> _Table:
        factor, band = self.decline_per_year, self.decline_ci90
        if factor is None:
            if band is not None:
                raise ValueError("decline_ci90 needs decline_per_year")
            return self
        if factor <= 0:
            raise ValueError("decline_per_year must be positive")
        low, high = band if band is not None else (factor, factor)
        if not 0 < low <= factor <= high:
            raise ValueError("decline_ci90 must satisfy 0 < low ≤ factor ≤ high")
        return self

    @property
    def rate(self) -> RateOverride | None:
        """The override of the fitted decline rate, when the table gives one."""
        if self.decline_per_year is None:
            return None
        low, high = self.decline_ci90 or (self.decline_per_year, self.decline_per_year)
        return RateOverride(float(self.decline_per_year), float(low), float(high))


class ComputeLeg(_Table):
    hours: Amount
    gpus: Amount = Decimal(1)
    accelerator: Text | None = None
    price_per_hour: Amount | None = None
    provider: Text | None = None

    @model_validator(mode="after")
    def _priced(self) -> ComputeLeg:
        if self.price_per_hour is None and self.accelerator is None:
            raise ValueError("give price_per_hour, or an accelerator to price from")
        return self

    @property
    def gpu_hours(self) -> Decimal:
        return self.hours * self.gpus


class EnergyLeg(_Table):
    kwh: Amount | None = None
    power_kw: Amount | None = None
    hours: Amount | None = None
    pue: Amount = Decimal(1)
    price_per_kwh: Amount | None = None
    sector: Text = "industrial"

    @model_validator(mode="after")
    def _consistent(self) -> EnergyLeg:
        if self.kwh is not None and (self.power_kw is not None or "pue" in self.model_fields_set):
            raise ValueError("give kwh, or power_kw/pue, not both")
        if self.pue < 1:
            raise ValueError("pue cannot be below 1")
        return self


class DataLeg(_Table):
    gb_stored: Amount = Decimal(0)
    months: Amount = Decimal(1)
    price_per_gb_month: Amount | None = None
    storage_provider: Text | None = None
    storage_tier: Text | None = None
    gb_transferred: Amount = Decimal(0)
    price_per_gb: Amount | None = None
    egress_provider: Text | None = None
    egress_tier: Text | None = None


class LlmLeg(_Table):
    input_tokens_per_month: Amount = Decimal(0)
    output_tokens_per_month: Amount = Decimal(0)
    months: Amount = Decimal(1)
    model: Text | None = None
    benchmark: Text | None = None
    min_score: Amount | None = None
    source: Text | None = None
    include_reasoning: StrictBool = False

    @model_validator(mode="after")
    def _one_choice(self) -> LlmLeg:
        if (self.model is None) == (self.benchmark is None):
            raise ValueError("give either model or benchmark + min_score")
        if self.benchmark is not None and self.min_score is None:
            raise ValueError("benchmark needs min_score")
        return self


class _File(BaseModel):
    """The whole file: which kind, and the tables that kind may have."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Text | None = None
    kind: Text = "compute"
    description: Text | None = None
    compute: ComputeLeg | None = None
    energy: EnergyLeg | None = None
    data: DataLeg | None = None
    llm: LlmLeg | None = None

    @model_validator(mode="before")
    @classmethod
    def _kind_first(cls, doc: Any) -> Any:
        """The kind decides which tables are allowed: checked before the tables are read."""
        if not isinstance(doc, dict):
            return doc
        kind = doc.get("kind", "compute")
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
        other = {"compute", "energy", "data"} if kind == "llm" else {"llm"}
        extra = sorted(other & set(doc))
        if extra:
            raise ValueError(f"[{extra[0]}] is not allowed in a {kind!r} workload")
        if kind == "llm" and "llm" not in doc:
            raise ValueError("an llm workload needs an [llm] table")
        if kind == "compute" and not {"compute", "energy", "data"} & set(doc):
            raise ValueError("a compute workload needs [compute], [energy] or [data]")
        return doc


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


# What a field expects, for pydantic's own error types (ours carry their text as the message).
_EXPECTS = {
    "bool_type": "true or false",
    "string_type": "a string",
    "list_type": "a list [low, high] of two numbers",
    "model_type": "a table",
    "dict_type": "a table",
}


def _one_line(error: ValidationError) -> str:
    """The first problem, as ``[table] field: got …, expected …`` (or the rule it breaks)."""
    problem = error.errors(include_url=False)[0]
    loc = [str(part) if isinstance(part, str) else f"[{part}]" for part in problem["loc"]]
    if problem["type"] == "value_error":  # a rule across fields, raised by a model validator
        rule = problem["msg"].removeprefix("Value error, ")
        return f"[{loc[0]}] {rule}" if loc else rule
    table, field = (f"[{loc[0]}]", "".join(loc[1:])) if len(loc) > 1 else ("[top level]", loc[0])
    where = f"{table} {field}"
    if problem["type"] == "missing":
        return f"{where} is required"
    if problem["type"] == "extra_forbidden":
        return f"{where}: unknown key"
    expected = _EXPECTS.get(problem["type"], problem["msg"].removeprefix("Input should be "))
    return f"{where}: got {_toml(problem['input'])}, expected {expected}"


def _toml(value: Any) -> str:
    """A value as the file wrote it: 2.5 and nan, not Decimal('2.5')."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    return repr(value)


def parse_workload(text: str, path: str = "<string>") -> Workload:
    """Read a workload from TOML text.

    Raises:
        WorkloadError: not TOML, or a field is missing, unknown or not what it expects.
    """
    try:
        doc = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as problem:
        raise WorkloadError(f"{path}: not valid TOML: {problem}") from None
    try:
        parsed = _File.model_validate(doc)
    except ValidationError as error:
        raise WorkloadError(_one_line(error)) from None
    return Workload(
        name=parsed.name or Path(path).stem,
        kind=parsed.kind,
        path=path,
        compute=parsed.compute,
        energy=parsed.energy,
        data=parsed.data,
        llm=parsed.llm,
    )


def load_workload(path: Path | str) -> Workload:
    """Read a workload file."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as problem:
        raise WorkloadError(f"cannot read {file}: {problem.strerror or problem}") from None
    return parse_workload(text, str(path))
