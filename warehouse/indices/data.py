"""Read what the LLM indices need: price points, model identity and capability scores.

Model identity and scores come from the history tables (``models``, ``model_aliases``,
``providers``, ``benchmarks``). A price point takes the score its model had on that date:

- a listing whose own name was scored (``benchmarks.model_name`` = the listing's model as
  published, e.g. Epoch's "GPT-4o-2024-05") takes only those scores: a source that scored
  this exact snapshot and left a benchmark empty did not evaluate it there, and another
  snapshot's score must not stand in (GPT-3.5 Turbo of March 2023 never scored what the June
  snapshot did);
- any other listing takes the scores of its canonical model (``model_aliases``);
- of those, the latest dated on or before the price's date (a score counts from its date,
  never backwards); undated scores count always.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import duckdb

from warehouse.indices.build import ListingFacts
from warehouse.indices.frontier import Listing
from warehouse.sqlfiles import sql

# Preferred order when two benchmarks cover a model equally (for the hedonic regressors).
_PREFERENCE = ("mmlu", "gpqa_diamond", "chatbot_arena_elo", "humaneval", "math_500")
HEDONIC_MIN_JOINT_COVERAGE = 0.75


@dataclass(frozen=True)
class Score:
    day: date | None
    value: float


class ScoreBook:
    """Every score by benchmark, reachable by the model's published name or canonical id."""

    def __init__(self, rows: Iterable[tuple[str | None, str, str, float, date | None]]):
        by_name: dict[tuple[str, str], list[Score]] = defaultdict(list)
        by_model: dict[tuple[str, str], list[Score]] = defaultdict(list)
        self.benchmarks: set[str] = set()
        for model_id, model_name, benchmark, score, day in rows:
            self.benchmarks.add(benchmark)
            by_name[(benchmark, model_name)].append(Score(day, float(score)))
            if model_id:
                by_model[(benchmark, model_id)].append(Score(day, float(score)))
        self._by_name = {k: _ordered(v) for k, v in by_name.items()}
        self._by_model = {k: _ordered(v) for k, v in by_model.items()}
        self._scored_names = {name for _, name in by_name}

    def score(self, benchmark: str, name: str, model_id: str | None, day: date) -> float | None:
        """The score of a listing on ``day`` (see the module docstring), or None."""
        if name in self._scored_names:
            scores = self._by_name.get((benchmark, name))
        else:
            scores = self._by_model.get((benchmark, model_id)) if model_id else None
        if not scores:
            return None
        dated = [s for s in scores if s.day is not None]
        at = bisect.bisect_right([s.day for s in dated], day)
        if at:
            return dated[at - 1].value
        undated = [s for s in scores if s.day is None]
        return undated[-1].value if undated else None


def _ordered(scores: list[Score]) -> list[Score]:
    # By date, and of one date the highest score last (so it is the one "in force").
    return sorted(scores, key=lambda s: (s.day is not None, s.day or date.min, s.value))


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """True when the warehouse has this table or view."""
    return bool(
        con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
        ).fetchone()[0]
    )


def score_book(con: duckdb.DuckDBPyConnection) -> ScoreBook:
    """Every score in the ``benchmarks`` table."""
    if not has_table(con, "benchmarks"):
        return ScoreBook([])
    rows = con.execute(
        "SELECT model_id, model_name, benchmark, CAST(score AS DOUBLE), date FROM benchmarks"
    ).fetchall()
    return ScoreBook(rows)


def source_has_prices(con: duckdb.DuckDBPyConnection, source: str) -> bool:
    """True when the source has LLM prices in the history."""
    return bool(
        con.execute(
            "SELECT count(*) FROM price_history WHERE leg = 'llm' AND source = ?", [source]
        ).fetchone()[0]
    )


def frontier_listings(
    con: duckdb.DuckDBPyConnection, source: str | None
) -> dict[str, list[Listing]]:
    """For each benchmark, every price point (of ``source``, or of all) with a score on it."""
    scores = score_book(con)
    if not scores.benchmarks or not has_table(con, "model_aliases"):
        return {}
    points = con.execute(sql("frontier_price_points"), {"source": source}).fetchall()
    listings: dict[str, list[Listing]] = {b: [] for b in sorted(scores.benchmarks)}
    for _source, _provider, _sku, model, model_id, day, price in points:
        for benchmark, found in listings.items():
            value = scores.score(benchmark, model, model_id, day)
            if value is not None:
                found.append(Listing(model, day, price, value, model_id))
    return {b: found for b, found in listings.items() if found}


def listing_models(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], ListingFacts]:
    """(provider, sku) → its model, whether the seller is the developer, open weights."""
    if not has_table(con, "model_aliases"):
        return {}
    rows = con.execute(
        """
        SELECT a.provider, a.listing_id, a.model_id,
               CASE WHEN p.organization IS NULL THEN NULL
                    ELSE p.organization = m.developer END,
               m.open_weights
        FROM model_aliases a
        JOIN models m USING (model_id)
        LEFT JOIN providers p ON p.provider = a.provider
        """
    ).fetchall()
    return {(r[0], r[1]): ListingFacts(r[2], r[3], r[4]) for r in rows}


def latest_scores(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, float]]:
    """model_id → benchmark → its latest score (the hedonic regression's characteristics)."""
    if not has_table(con, "benchmarks"):
        return {}
    rows = con.execute(
        """
        SELECT model_id, benchmark, CAST(arg_max(score, coalesce(date, DATE '0001-01-01'))
                                         AS DOUBLE)
        FROM benchmarks
        WHERE model_id IS NOT NULL
        GROUP BY model_id, benchmark
        """
    ).fetchall()
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for model_id, benchmark, score in rows:
        out[model_id][benchmark] = score
    return dict(out)


def hedonic_characteristics(scores: dict[str, dict[str, float]]) -> tuple[str, ...]:
    """The hedonic regressors: the benchmark scored for the most models, and the second one
    too when requiring both keeps at least 75% of the models the first covers."""
    coverage: dict[str, int] = defaultdict(int)
    for by_benchmark in scores.values():
        for benchmark in by_benchmark:
            coverage[benchmark] += 1
    if not coverage:
        return ()

    def rank(benchmark: str) -> tuple[int, int]:
        order = _PREFERENCE.index(benchmark) if benchmark in _PREFERENCE else len(_PREFERENCE)
        return (-coverage[benchmark], order)

    ranked = sorted(coverage, key=rank)
    first = ranked[0]
    if len(ranked) > 1:
        second = ranked[1]
        both = sum(1 for s in scores.values() if first in s and second in s)
        if both >= HEDONIC_MIN_JOINT_COVERAGE * coverage[first]:
            return (first, second)
    return (first,)
