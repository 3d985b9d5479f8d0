"""The closed vocabularies every room agrees on: legs, price components, units, currencies."""

from __future__ import annotations

from enum import StrEnum


class Leg(StrEnum):
    """Which leg of the cost model P = C + E + D a price belongs to (LLM tokens sit beside C)."""

    LLM = "llm"
    COMPUTE = "compute"
    ENERGY = "energy"
    DATA = "data"


class Component(StrEnum):
    """What a price is charged for. Tiers and conditions are separate columns, never components."""

    INPUT = "input"
    OUTPUT = "output"
    CACHED_INPUT = "cached_input"
    CACHE_WRITE = "cache_write"
    BATCH_INPUT = "batch_input"
    BATCH_OUTPUT = "batch_output"
    # One price for a mix of input and output tokens (Artificial Analysis style, 3 input : 1
    # output); only historical datasets publish it. Never compared with input or output prices.
    BLENDED = "blended"
    GPU_HOUR = "gpu_hour"
    INSTANCE_HOUR = "instance_hour"
    KWH = "kwh"
    GB_MONTH = "gb_month"
    EGRESS_GB = "egress_gb"


class CanonicalUnit(StrEnum):
    """The one unit each component is stored in, so prices of one component always compare."""

    PER_1M_TOKENS = "per_1m_tokens"
    PER_HOUR = "per_hour"
    PER_KWH = "per_kwh"
    PER_GB_MONTH = "per_gb_month"
    PER_GB = "per_gb"


CANONICAL_UNIT_OF: dict[Component, CanonicalUnit] = {
    Component.INPUT: CanonicalUnit.PER_1M_TOKENS,
    Component.OUTPUT: CanonicalUnit.PER_1M_TOKENS,
    Component.CACHED_INPUT: CanonicalUnit.PER_1M_TOKENS,
    Component.CACHE_WRITE: CanonicalUnit.PER_1M_TOKENS,
    Component.BATCH_INPUT: CanonicalUnit.PER_1M_TOKENS,
    Component.BATCH_OUTPUT: CanonicalUnit.PER_1M_TOKENS,
    Component.BLENDED: CanonicalUnit.PER_1M_TOKENS,
    Component.GPU_HOUR: CanonicalUnit.PER_HOUR,
    Component.INSTANCE_HOUR: CanonicalUnit.PER_HOUR,
    Component.KWH: CanonicalUnit.PER_KWH,
    Component.GB_MONTH: CanonicalUnit.PER_GB_MONTH,
    Component.EGRESS_GB: CanonicalUnit.PER_GB,
}


class Currency(StrEnum):
    """Currencies a source may publish in. Kept as published: never converted on the way in."""

    USD = "USD"
    CNY = "CNY"
    EUR = "EUR"
