"""Prices the warehouse cannot hold, set aside per source before any shared table is built.

Prices are DECIMAL(28, 12): twelve decimals and at most sixteen integer digits, so a price
must be below 10^16 in magnitude. A larger one (a RunPod ``communityPrice`` of 1e16, an
OpenRouter per-token ``prompt`` of "10000000000", i.e. 1e16 per 1M tokens) cannot become a
row of the Arrow table the load stages all sources in: before this module, the conversion
failed and took every source of the night with it. Such a price is far above every
plausibility ceiling, so it could never be stored anyway; it cannot be written to the
quarantine table either (its price column has the same type). It becomes a parse problem of
its source instead (``parse_problems``: the page, the sku and the text as published, and the
reason), the rest of the source loads, and every other source loads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc

from schemas.observation import Observation, ParseProblem
from warehouse.arrow_rows import PRICE_TYPE, BulkRows

PRICE_LIMIT = Decimal(10) ** (PRICE_TYPE.precision - PRICE_TYPE.scale)
REASON = (
    f"price out of range: the warehouse stores prices below 10^"
    f"{PRICE_TYPE.precision - PRICE_TYPE.scale} (DECIMAL({PRICE_TYPE.precision}, "
    f"{PRICE_TYPE.scale})); not stored"
)
# A bulk table may hold millions of rows: its out-of-range rows are reported up to this many.
MAX_BULK_PROBLEMS = 20


def storable(price: Decimal) -> bool:
    """Whether ``price`` fits the warehouse's price column."""
    return abs(price) < PRICE_LIMIT


def problem_of(observation: Observation) -> ParseProblem:
    """The parse problem that stands for an observation whose price cannot be stored."""
    return ParseProblem(
        source=observation.source,
        url=observation.source_url,
        text=observation.published_text,
        reason=f"{REASON} (read as {observation.price.normalize():E} {observation.unit.value})",
        where=_where(
            observation.provider,
            observation.sku,
            observation.component.value,
            observation.tier,
            observation.region,
        ),
    )


SERIES_COLUMNS = ("source", "provider", "sku", "component", "tier", "region", "currency")


def series_key(*parts: str) -> str:
    """The warehouse's series key (stage_checked.sql: ``concat_ws(chr(31), …)``)."""
    return chr(31).join(parts)


@dataclass
class SetAside:
    """What one source loses to out-of-range prices: problems to report, series to keep."""

    rows: int = 0
    problems: list[ParseProblem] = field(default_factory=list)
    series: set[str] = field(default_factory=set)  # their prices in force stay (not withdrawn)


def split_observations(observations: list[Observation]) -> tuple[list[Observation], SetAside]:
    """(the observations that fit, what was set aside)."""
    kept = [o for o in observations if storable(o.price)]
    aside = SetAside()
    if len(kept) == len(observations):
        return observations, aside
    for o in observations:
        if not storable(o.price):
            aside.rows += 1
            aside.problems.append(problem_of(o))
            aside.series.add(
                series_key(o.source, o.provider, o.sku, o.component.value, o.tier, o.region,
                           o.currency.value)
            )  # fmt: skip
    return kept, aside


def split_table(source: str, rows: BulkRows) -> tuple[BulkRows, SetAside]:
    """(the rows that fit, what was set aside: problems for the first out-of-range rows).

    Only an in-memory table with a numeric price column is filtered; a dataset is scanned by
    DuckDB as it is (its price column must already be DECIMAL(28, 12), so every value fits).
    """
    if not isinstance(rows, pa.Table) or "price" not in rows.schema.names:
        return rows, SetAside()
    price = rows.column("price")
    kind = price.type
    if pa.types.is_decimal(kind):
        if kind.precision - kind.scale <= PRICE_TYPE.precision - PRICE_TYPE.scale:
            return rows, SetAside()  # every value of this type fits
        out = pc.greater_equal(pc.abs(price), pa.scalar(PRICE_LIMIT, kind))
    elif pa.types.is_floating(kind) or pa.types.is_integer(kind):
        out = pc.greater_equal(pc.abs(pc.cast(price, pa.float64())), float(PRICE_LIMIT))
    else:
        return rows, SetAside()  # conform() refuses a type it cannot cast, naming it
    out = pc.fill_null(out, False)
    count = pc.sum(out).as_py() or 0
    if not count:
        return rows, SetAside()
    out_rows = rows.filter(out)
    bad = out_rows.slice(0, MAX_BULK_PROBLEMS).to_pylist()
    problems = [
        ParseProblem(
            source=source,
            url=str(row.get("source_url") or ""),
            text=str(row.get("published_text") or row["price"]),
            reason=f"{REASON} (read as {row['price']})",
            where=_where(*(str(row.get(c)) for c in ("provider", "sku", "component", "tier"))),
        )
        for row in bad
    ]
    if count > len(bad):
        problems.append(
            ParseProblem(
                source=source, url="", text=f"{count - len(bad)} more row(s)", reason=REASON
            )
        )
    keys = out_rows.select([c for c in SERIES_COLUMNS if c in rows.schema.names]).to_pylist()
    series = {series_key(*(str(v) for v in key.values())) for key in keys}
    return rows.filter(pc.invert(out)), SetAside(count, problems, series)


def _where(*parts: str) -> str:
    return " / ".join(parts)
