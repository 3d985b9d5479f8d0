"""Seeded synthetic scale for the benchmarks, built set-based in DuckDB (no Python row loops).

Nothing here is a real price: every value is drawn from a seeded hash, so the same seed and
scale give byte-identical rows on any machine (``hash()`` of DuckDB 1.5.5). Four artifacts:

**Observations** (:func:`write_observations`): ``n`` rows in the loader's column order
(``warehouse.arrow_rows.OBSERVATION_SCHEMA``) over ``years`` years across ``skus`` skus of all
four legs, written to Parquet. Each sku has one or more series (component × tier), all
observed on the same days (one page fetch prices every component), between the sku's launch
and its withdrawal:

- **llm** (60% of skus): input and output; cached input (40%), batch input/output (20%), a
  ``prompt>200k`` tier (15%). Lognormal base (median $1 / 1M input tokens), output 2-5×;
  **step cuts** every 90-400 days of a 20-120%/year decline.
- **compute** (25%): ``gpu_hour`` or ``instance_hour`` (1/2/4/8 GPUs); spot (35%) and
  reserved (15%) tiers. Per-GPU base by accelerator, 10-40%/year decline in steps of 1-6
  months; **marketplaces** (vast, runpod, tensordock) move every observation by ±3%.
- **energy** (7%): residential / commercial / industrial. $0.10-0.20 / kWh, **rising**
  2-5%/year in monthly steps with ±4% seasons.
- **data** (8%): ``gb_month`` standard and infrequent, ``egress_gb``. $0.005-0.025 / GB-month,
  egress 4×; steps every 1-2.5 years, 5-15%/year.

30% of skus exist from the first day, the rest launch over the first three quarters of the
span; 20% are withdrawn before the end. Observations are spread evenly over each sku's life
(``ceil(n / series)`` per series), so short-lived skus are seen daily and old ones every few
days. One observation in 20,000 is a unit slip (× 1000) and one in 50,000 a zero: the
quarantine paths run too. The ``synth_llm_dataset`` source states effective dates.

**Dense history** (:func:`build_history_warehouse`): a warehouse whose ``price_history`` has
``rows`` rows (one island per observation: every observation changed the price, the worst
case for the nightly scans) and whose ``observations`` has the same count, plus
:func:`night_outcomes`: one night's observations of those series — 2% withdrawn, 1% new
series, 5% price changes, a few unit slips — as pydantic Observations, like a real night.

**Offer file** (:func:`write_offer_file`): an AWS Price List offer file of about the requested
size in the real shape (``products`` then ``terms.OnDemand`` / ``terms.Reserved``): a fixed
5,000 GPU products, the rest non-GPU, as in the real file where GPU SKUs are a small share.
DuckDB formats each entry; Python only writes the chunks.

**Pricing pages** (:func:`pricing_pages`): HTML pages in the shapes the pricing-table extractor
reads: each template is the structure of a real recorded page of an HTML source (read in place
from the shared data folder, never copied), with every money amount replaced by a seeded
synthetic one, so each generated page has the same tables, spans and headings as the real
page and different prices.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb

START = date(2021, 1, 1)
SEED = 20261128
_M = 1_000_000_007  # modulus turning a 64-bit hash into a uniform draw

LLM_PROVIDERS = (
    "openai", "anthropic", "google", "deepseek", "mistral", "meta", "xai", "cohere",
    "together", "fireworks", "groq", "deepinfra", "bedrock", "vertex_ai", "azure",
    "perplexity", "moonshot", "zhipu", "alibaba", "novita", "hyperbolic", "lepton",
)  # fmt: skip
LLM_SOURCES = ("synth_llm_pages", "synth_openrouter", "synth_litellm", "synth_llm_dataset")
GPU_PROVIDERS = (
    "aws", "azure", "gcp", "oracle", "lambda", "coreweave", "nebius", "crusoe",
    "hyperstack", "denvr", "fluidstack", "paperspace", "vast", "runpod", "tensordock",
)  # fmt: skip
MARKETPLACES = ("vast", "runpod", "tensordock")
# Catalog ids (schemas/accelerators.py), the bare name a page shows, and a per-GPU-hour base.
ACCELERATORS = (
    ("H100-SXM-80GB", "H100", 3.5),
    ("H100-PCIe-80GB", "H100", 2.8),
    ("H100-NVL-94GB", "H100", 3.0),
    ("H200-SXM-141GB", "H200", 4.2),
    ("B200", "B200", 6.0),
    ("GB200", "GB200", 7.5),
    ("A100-SXM-80GB", "A100", 1.9),
    ("A100-SXM-40GB", "A100", 1.4),
)
REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-northeast-1", "global")
STORAGE_PROVIDERS = ("aws", "gcp", "azure", "cloudflare", "backblaze", "wasabi", "ovh", "do")


@dataclass(frozen=True)
class Scale:
    """How big each artifact is. :data:`FULL` is the issue's scale; :data:`QUICK` a smoke test.

    ``load_rows`` / ``load_skus``: the rows the load benchmark passes through the loader in
    one transaction (a backfill of 5 years of 2,000 skus; the same density of points per
    series as the 10M set, whose history the indices benchmark reads).
    """

    observations: int
    skus: int
    years: int
    load_rows: int
    load_skus: int
    history_rows: int
    history_skus: int
    offer_mb: int
    pages: int

    @property
    def days(self) -> int:
        return (date(START.year + self.years, START.month, START.day) - START).days


FULL = Scale(
    observations=10_000_000,
    skus=20_000,
    years=5,
    load_rows=1_000_000,
    load_skus=2_000,
    history_rows=10_000_000,
    history_skus=18_750,
    offer_mb=1024,
    pages=1000,
)
QUICK = Scale(
    observations=200_000,
    skus=2_000,
    years=5,
    load_rows=100_000,
    load_skus=200,
    history_rows=200_000,
    history_skus=2_000,
    offer_mb=64,
    pages=80,
)


def _macros(con: duckdb.DuckDBPyConnection, seed: int) -> None:
    """u(tag, i): a uniform draw in (0, 1); z(tag, i): a standard normal (Box-Muller)."""
    con.execute(
        f"CREATE OR REPLACE TEMP MACRO u(tag, i) AS "
        f"((hash({int(seed)}, tag, i) % {_M}) + 1) / ({_M} + 1.0)"
    )
    con.execute(
        "CREATE OR REPLACE TEMP MACRO z(tag, i) AS "
        "sqrt(-2 * ln(u(tag || ':a', i))) * cos(2 * pi() * u(tag || ':b', i))"
    )
    con.execute(
        "CREATE OR REPLACE TEMP MACRO pick(list, tag, i) AS "
        "list[1 + CAST(floor(u(tag, i) * len(list)) AS INTEGER)]"
    )


def _lit(values: tuple) -> str:
    """A Python tuple as a DuckDB list literal."""
    return "[" + ", ".join(repr(v) if not isinstance(v, str) else f"'{v}'" for v in values) + "]"


def build_series(con: duckdb.DuckDBPyConnection, skus: int, days: int, seed: int = SEED) -> int:
    """Temp tables ``synth_skus`` and ``synth_series`` (every priced series); returns the count."""
    _macros(con, seed)
    accelerators = _lit(tuple(a[0] for a in ACCELERATORS))
    names = _lit(tuple(a[1] for a in ACCELERATORS))
    gpu_base = _lit(tuple(a[2] for a in ACCELERATORS))
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE synth_skus AS
        WITH drawn AS (
            SELECT s AS sku_id,
                   CASE WHEN u('leg', s) < 0.60 THEN 'llm'
                        WHEN u('leg', s) < 0.85 THEN 'compute'
                        WHEN u('leg', s) < 0.92 THEN 'energy'
                        ELSE 'data' END AS leg,
                   CASE WHEN u('old', s) < 0.30 THEN 0
                        ELSE CAST(floor(u('enter', s) * {days} * 0.75) AS INTEGER) END AS enter,
                   u('exit', s) < 0.20 AS withdrawn,
                   1 + CAST(floor(u('acc', s) * {len(ACCELERATORS)}) AS INTEGER) AS acc
            FROM range({skus}) t(s)
        )
        SELECT d.sku_id, d.leg, d.enter,
               greatest(LEAST(200, {days} - 1 - d.enter),
                        CAST(({days} - 1 - d.enter)
                             * CASE WHEN d.withdrawn THEN 0.3 + 0.6 * u('life', d.sku_id)
                                    ELSE 1 END AS INTEGER)) AS span,
               CASE d.leg
                   WHEN 'llm' THEN pick({_lit(LLM_PROVIDERS)}, 'prov', d.sku_id)
                   WHEN 'compute' THEN pick({_lit(GPU_PROVIDERS)}, 'prov', d.sku_id)
                   WHEN 'energy' THEN 'eia'
                   ELSE pick({_lit(STORAGE_PROVIDERS)}, 'prov', d.sku_id) END AS provider,
               d.acc
        FROM drawn d
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE synth_skus2 AS
        SELECT k.*,
               CASE k.leg
                   WHEN 'llm' THEN pick({_lit(LLM_SOURCES)}, 'src', k.sku_id)
                   WHEN 'compute' THEN CASE
                       WHEN list_contains({_lit(MARKETPLACES)}, k.provider) THEN 'synth_gpu_market'
                       WHEN u('src', k.sku_id) < 0.5 THEN 'synth_gpu_api'
                       ELSE 'synth_gpu_pages' END
                   WHEN 'energy' THEN 'synth_eia'
                   ELSE 'synth_storage' END AS source,
               CASE k.leg
                   WHEN 'llm' THEN printf('synth-%s-%06d', k.provider, k.sku_id)
                   WHEN 'compute' THEN printf('%s.gpu%06d', k.provider, k.sku_id)
                   WHEN 'energy' THEN printf('utility-%06d', k.sku_id)
                   ELSE printf('%s-object-storage-%06d', k.provider, k.sku_id) END AS sku,
               CASE k.leg
                   WHEN 'llm' THEN printf('Synth %s %06d', k.provider, k.sku_id)
                   WHEN 'compute' THEN {names}[k.acc] END AS model,
               CASE k.leg WHEN 'compute' THEN {accelerators}[k.acc] END AS accelerator,
               CASE k.leg WHEN 'compute' THEN
                   CASE WHEN u('kind', k.sku_id) < 0.6 THEN 1
                        ELSE [1, 2, 4, 8][1 + CAST(floor(u('count', k.sku_id) * 4) AS INTEGER)]
                   END END AS accelerator_count,
               k.leg = 'compute' AND u('kind', k.sku_id) >= 0.6 AS per_instance,
               CASE k.leg
                   WHEN 'compute' THEN pick({_lit(REGIONS)}, 'region', k.sku_id)
                   WHEN 'energy' THEN printf('US-%02d', k.sku_id % 51)
                   ELSE 'global' END AS region,
               CASE k.leg
                   WHEN 'llm' THEN least(60, greatest(0.02, exp(1.2 * z('base', k.sku_id))))
                   WHEN 'compute' THEN {gpu_base}[k.acc] * (0.8 + 0.5 * u('base', k.sku_id))
                   WHEN 'energy' THEN 0.10 + 0.10 * u('base', k.sku_id)
                   ELSE 0.005 + 0.02 * u('base', k.sku_id) END AS base,
               CASE k.leg
                   WHEN 'llm' THEN 0.2 + 1.0 * u('rate', k.sku_id)
                   WHEN 'compute' THEN 0.1 + 0.3 * u('rate', k.sku_id)
                   WHEN 'energy' THEN -(0.02 + 0.03 * u('rate', k.sku_id))
                   ELSE 0.05 + 0.10 * u('rate', k.sku_id) END AS rate,
               CASE k.leg
                   WHEN 'llm' THEN 90 + CAST(310 * u('step', k.sku_id) AS INTEGER)
                   WHEN 'compute' THEN
                       CASE WHEN list_contains({_lit(MARKETPLACES)}, k.provider) THEN 1
                            ELSE 30 + CAST(150 * u('step', k.sku_id) AS INTEGER) END
                   WHEN 'energy' THEN 30
                   ELSE 365 + CAST(535 * u('step', k.sku_id) AS INTEGER) END AS step,
               k.leg = 'compute' AND list_contains({_lit(MARKETPLACES)}, k.provider) AS market
        FROM synth_skus k
        """
    )
    con.execute("DROP TABLE synth_skus")
    con.execute("ALTER TABLE synth_skus2 RENAME TO synth_skus")
    # The series of each sku: component, tier, price multiplier on the sku's base, and units.
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE synth_series AS
        WITH options(leg, component, tier, share, low, high, unit, published_unit) AS (
            VALUES
            ('llm', 'input', 'standard', 1.0, 1.0, 1.0, 'per_1m_tokens', 'per 1M tokens'),
            ('llm', 'output', 'standard', 1.0, 2.0, 5.0, 'per_1m_tokens', 'per 1M tokens'),
            ('llm', 'cached_input', 'standard', 0.4, 0.1, 0.5, 'per_1m_tokens', 'per 1M tokens'),
            ('llm', 'batch_input', 'standard', 0.2, 0.5, 0.5, 'per_1m_tokens', 'per 1M tokens'),
            ('llm', 'batch_output', 'standard', 0.2, 1.0, 2.5, 'per_1m_tokens', 'per 1M tokens'),
            ('llm', 'input', 'prompt>200k', 0.15, 2.0, 2.0, 'per_1m_tokens', 'per 1M tokens'),
            ('llm', 'output', 'prompt>200k', 0.15, 3.0, 7.5, 'per_1m_tokens', 'per 1M tokens'),
            ('compute', 'hour', 'standard', 1.0, 1.0, 1.0, 'per_hour', 'per hour'),
            ('compute', 'hour', 'spot', 0.35, 0.4, 0.6, 'per_hour', 'per hour'),
            ('compute', 'hour', 'reserved-1yr', 0.15, 0.65, 0.65, 'per_hour', 'per hour'),
            ('energy', 'kwh', 'residential', 1.0, 1.0, 1.0, 'per_kwh', 'per kWh'),
            ('energy', 'kwh', 'commercial', 1.0, 0.85, 0.85, 'per_kwh', 'per kWh'),
            ('energy', 'kwh', 'industrial', 1.0, 0.6, 0.6, 'per_kwh', 'per kWh'),
            ('data', 'gb_month', 'standard', 1.0, 1.0, 1.0, 'per_gb_month', 'per GB-month'),
            ('data', 'gb_month', 'infrequent', 1.0, 0.5, 0.5, 'per_gb_month', 'per GB-month'),
            ('data', 'egress_gb', 'standard', 1.0, 4.0, 4.0, 'per_gb', 'per GB')
        ),
        chosen AS (
            SELECT k.sku_id, o.*,
                   CASE WHEN o.component = 'hour' AND k.per_instance THEN 'instance_hour'
                        WHEN o.component = 'hour' THEN 'gpu_hour'
                        ELSE o.component END AS the_component,
                   k.base * (o.low + (o.high - o.low) * u('mult' || o.component, k.sku_id))
                       * CASE WHEN o.component = 'hour' THEN k.accelerator_count ELSE 1 END
                       AS start_price
            FROM synth_skus k
            JOIN options o ON o.leg = k.leg
            WHERE o.share >= 1.0 OR u(o.component || o.tier, k.sku_id) < o.share
        )
        SELECT CAST(row_number() OVER (ORDER BY sku_id, the_component, tier) - 1 AS INTEGER)
                   AS series_id,
               sku_id, the_component AS component, tier, start_price, unit, published_unit
        FROM chosen
        """
    )
    return con.execute("SELECT count(*) FROM synth_series").fetchone()[0]


# The price of series row `s` (joined with its sku `k`) on day `day`: the sku's decline applied
# in steps of `k.step` days since launch, energy's seasons, marketplace noise, rounded as
# published (4 decimals; 5 for storage).
_PRICE = """
round(
    s.start_price
    * exp(-k.rate * floor((day - k.enter) / k.step) * k.step / 365.25)
    * CASE WHEN k.leg = 'energy'
           THEN 1 + 0.04 * sin(2 * pi() * (k.enter + floor((day - k.enter) / 30) * 30) / 365.25)
           ELSE 1 END
    * CASE WHEN k.market THEN 0.97 + 0.06 * u('noise', s.series_id * 4096 + day) ELSE 1 END,
    CASE WHEN k.leg = 'data' THEN 5 ELSE 4 END)
"""


def observations_query(n: int, series: int, start: date = START) -> str:
    """SELECT of ``n`` observations in OBSERVATION_SCHEMA order (after :func:`build_series`)."""
    per = math.ceil(n / series)
    return f"""
    WITH points AS (
        SELECT i, CAST(i % {series} AS INTEGER) AS series_id, i // {series} AS k
        FROM range({n}) t(i)
    ),
    dated AS (
        SELECT p.i, s.*, k.leg, k.source, k.provider, k.sku, k.model, k.region, k.accelerator,
               k.accelerator_count, k.sku_id AS sid, k.enter, k.rate, k.step, k.market,
               k.enter + CAST(floor(p.k * k.span / {per}) AS INTEGER) AS day
        FROM points p
        JOIN synth_series s USING (series_id)
        JOIN synth_skus k USING (sku_id)
    ),
    priced AS (
        SELECT d.*, greatest({_PRICE.replace("s.", "d.").replace("k.", "d.")},
                             CASE WHEN d.leg = 'data' THEN 0.00001 ELSE 0.0001 END)
                    * CASE WHEN u('slip', d.i) < 0.00005 THEN 1000
                           WHEN u('zero', d.i) < 0.00002 THEN 0
                           ELSE 1 END AS amount
        FROM dated d
    )
    SELECT source, leg, provider, sku, model, component, tier, region,
           CAST(amount AS DECIMAL(28, 12)) AS price,
           'USD' AS currency, unit,
           printf(CASE WHEN leg = 'data' THEN '$%.5f' ELSE '$%.4f' END, amount)
               AS published_text,
           published_unit,
           CAST(DATE '{start.isoformat()}' + day AS TIMESTAMP)
               + to_minutes(120 + CAST(sid % 60 AS BIGINT)) AS observed_at,
           CASE WHEN source = 'synth_llm_dataset' THEN DATE '{start.isoformat()}' + day END
               AS effective_date,
           'https://synth.invalid/' || source || '/' || provider AS source_url,
           md5(source || day::VARCHAR) || md5(day::VARCHAR || source) AS page_hash,
           'synth-1' AS parser_version,
           accelerator,
           CAST(accelerator_count AS INTEGER) AS accelerator_count
    FROM priced
    ORDER BY i
    """


def write_observations(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    rows: int,
    skus: int,
    years: int = 5,
    seed: int = SEED,
) -> dict[str, int]:
    """Write ``rows`` synthetic observations of ``skus`` skus as Parquet, one folder per source.

    ``folder/source=<name>/*.parquet`` (the source column kept in the files): a bulk source's
    rows are one dataset, as a backfill dataset would hand them to the loader.
    """
    days = (date(START.year + years, START.month, START.day) - START).days
    series = build_series(con, skus, days, seed)
    con.execute(
        f"COPY ({observations_query(rows, series)}) TO '{folder}' "
        "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880, PARTITION_BY (source), "
        "WRITE_PARTITION_COLUMNS true, OVERWRITE_OR_IGNORE true)"
    )
    return {"observations": rows, "skus": skus, "series": series}


def source_datasets(folder: Path) -> dict[str, object]:
    """source name → its pyarrow dataset, from :func:`write_observations`' folder."""
    import pyarrow.dataset as ds

    return {
        part.name.split("=", 1)[1]: ds.dataset(sorted(part.glob("*.parquet")), format="parquet")
        for part in sorted(folder.glob("source=*"))
    }


# ---------------------------------------------------------------------------------------------
# Dense history: a warehouse with an N-row price_history, and one night on top of it.


def build_history_warehouse(
    con: duckdb.DuckDBPyConnection, scale: Scale, seed: int = SEED
) -> dict[str, int]:
    """Fill an empty warehouse (migrations applied) with ``scale.history_rows`` history rows.

    Every series of ``scale.history_skus`` skus is in force at the end; its islands split its
    life evenly, each priced on the sku's path with a change every island; one observation per
    island (at its start) goes to ``observations``.
    """
    series = build_series(con, scale.history_skus, scale.days, seed)
    per = math.ceil(scale.history_rows / series)
    start = START.isoformat()
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE synth_islands AS
        WITH points AS (
            SELECT CAST(i % {series} AS INTEGER) AS series_id, i // {series} AS j
            FROM range({scale.history_rows}) t(i)
        ),
        dated AS (
            SELECT p.j, s.*, k.leg, k.source, k.provider, k.sku, k.model, k.region,
                   k.accelerator, k.accelerator_count, k.enter, k.rate, k.step, k.market,
                   k.enter + CAST(floor(p.j * ({scale.days} - 1 - k.enter) / {per}) AS INTEGER)
                       AS day
            FROM points p
            JOIN synth_series s USING (series_id)
            JOIN synth_skus k USING (sku_id)
        )
        SELECT d.*,
               CAST(greatest(0.0001,
                    {_PRICE.replace("s.", "d.").replace("k.", "d.")}
                    * (1 + 0.02 * (d.j % 2))) AS DECIMAL(28, 12)) AS price,
               CAST(DATE '{start}' + d.day AS TIMESTAMP) + INTERVAL 2 HOUR AS valid_from
        FROM dated d
        """
    )
    con.execute(
        """
        INSERT INTO price_history BY NAME
        SELECT concat_ws(chr(31), source, provider, sku, component, tier, region, 'USD')
                   AS series_key,
               source, leg, provider, sku, model, component, tier, region, 'USD' AS currency,
               unit, price, valid_from,
               lead(valid_from) OVER (PARTITION BY series_id ORDER BY j) AS valid_to,
               valid_from AS first_observed_at,
               coalesce(lead(valid_from) OVER (PARTITION BY series_id ORDER BY j)
                            - INTERVAL 1 DAY, valid_from) AS last_observed_at,
               'synth-history' AS opened_by_run,
               CASE WHEN lead(valid_from) OVER (PARTITION BY series_id ORDER BY j) IS NOT NULL
                    THEN 'synth-history' END AS closed_by_run,
               CASE WHEN lead(valid_from) OVER (PARTITION BY series_id ORDER BY j) IS NOT NULL
                    THEN 'changed' END AS close_reason,
               accelerator, CAST(accelerator_count AS INTEGER) AS accelerator_count
        FROM synth_islands
        """
    )
    con.execute(
        """
        INSERT INTO observations BY NAME
        SELECT source, leg, provider, sku, model, component, tier, region, price,
               'USD' AS currency, unit, printf('$%.4f', price) AS published_text,
               published_unit, valid_from AS observed_at, NULL AS effective_date,
               'https://synth.invalid/' || source || '/' || provider AS source_url,
               md5(source || day::VARCHAR) || md5(day::VARCHAR || source) AS page_hash,
               'synth-1' AS parser_version, 'synth-history' AS run_id,
               accelerator, CAST(accelerator_count AS INTEGER) AS accelerator_count
        FROM synth_islands
        """
    )
    con.execute(
        """
        INSERT INTO runs (run_id, started_at, finished_at, mode, status, sources_ok,
                          sources_failed, observations_new, history_changes, quarantined)
        VALUES ('synth-history', TIMESTAMP '2021-01-01', TIMESTAMP '2021-01-01',
                'backfill', 'ok', 1, 0, 0, 0, 0)
        """
    )
    con.execute(
        """
        INSERT INTO run_sources
        SELECT 'synth-history', source, any_value(leg), 'ok', NULL, 1,
               count(DISTINCT series_id), 0, 0, 0, 0, 0, 0, 0, 0, 0
        FROM synth_islands GROUP BY source
        """
    )
    con.execute("DROP TABLE synth_islands")
    con.execute("CHECKPOINT")
    return {"series": series, "history_rows": scale.history_rows}


@dataclass(frozen=True)
class Night:
    """One night's observations of the dense history's series, grouped by source."""

    observed_at: datetime
    by_source: dict[str, list]  # source -> list[Observation]
    counts: dict[str, int]


def night_outcomes(con: duckdb.DuckDBPyConnection, seed: int = SEED) -> Night:
    """The night after the dense history ends, as pydantic Observations per source.

    Of the series in force: 2% are not listed (withdrawn tonight), 5% change price (cuts of
    5-40%, a few rises), 1 in 5,000 is a unit slip (× 1000: quarantined); 1% of the listed
    count comes in as new series (a new region). Needs :func:`build_history_warehouse` on the
    same connection (the synth tables).
    """
    from schemas.enums import CanonicalUnit, Component, Currency, Leg
    from schemas.observation import Observation

    last = con.execute("SELECT max(valid_from) FROM price_history").fetchone()[0]
    night = (last + timedelta(days=1)).replace(hour=2, minute=0, second=0, tzinfo=UTC)
    rows = con.execute(
        """
        WITH current AS (
            SELECT h.*, row_number() OVER (ORDER BY series_key) AS n
            FROM price_history h WHERE valid_to IS NULL
        ),
        listed AS (
            SELECT c.*,
                   CASE WHEN u('slip', n) < 0.0002 THEN price * 1000
                        WHEN u('change', n) < 0.05
                            THEN round(price * (0.6 + 0.45 * u('cut', n)), 4)
                        ELSE price END AS tonight,
                   FALSE AS new_series
            FROM current c
            WHERE u('listed', n) >= 0.02
        ),
        fresh AS (
            SELECT c.* REPLACE ('synth-new-region' AS region),
                   c.price AS tonight, TRUE AS new_series
            FROM current c
            WHERE u('new', n) < 0.01
        )
        SELECT source, leg, provider, sku, model, component, tier, region,
               CAST(greatest(tonight, 0.0001) AS DECIMAL(28, 12)) AS tonight, unit,
               accelerator, accelerator_count,
               new_series
        FROM (SELECT * FROM listed UNION ALL SELECT * FROM fresh)
        ORDER BY source, series_key
        """
    ).fetchall()
    units = {
        "per_1m_tokens": "per 1M tokens",
        "per_hour": "per hour",
        "per_kwh": "per kWh",
        "per_gb_month": "per GB-month",
        "per_gb": "per GB",
    }
    by_source: dict[str, list] = {}
    hashes: dict[str, str] = {}
    for (
        source,
        leg,
        provider,
        sku,
        model,
        component,
        tier,
        region,
        price,
        unit,
        accelerator,
        count,
        _new,
    ) in rows:
        page_hash = hashes.setdefault(
            source, hashlib.sha256(f"{source}{night.isoformat()}".encode()).hexdigest()
        )
        amount = Decimal(price).normalize()
        by_source.setdefault(source, []).append(
            Observation(
                source=source,
                leg=Leg(leg),
                provider=provider,
                sku=sku,
                model=model,
                component=Component(component),
                tier=tier,
                region=region,
                price=amount,
                currency=Currency.USD,
                unit=CanonicalUnit(unit),
                published_text=f"${amount}",
                published_unit=units[unit],
                observed_at=night,
                source_url=f"https://synth.invalid/{source}/{provider}",
                page_hash=page_hash,
                parser_version="synth-1",
                accelerator=accelerator,
                accelerator_count=count,
            )
        )
    counts = {
        "observations": len(rows),
        "new_series": sum(1 for r in rows if r[-1]),
        "sources": len(by_source),
    }
    return Night(night, by_source, counts)


# ---------------------------------------------------------------------------------------------
# AWS Price List offer file.

GPU_PRODUCTS = 5_000
_GPU_TYPES = ("p5.48xlarge", "p5en.48xlarge", "p4d.24xlarge", "g6e.12xlarge", "g5.xlarge")
_OFFER_REGIONS = ("us-east-1", "us-east-2", "us-west-2", "eu-west-1", "ap-northeast-1")
# One product and its two terms as DuckDB formats them (i: the product's index). Attribute
# values follow the real file's vocabulary; every price is synthetic.
_PRODUCT = f"""
printf('"SKU%010d":{{"sku":"SKU%010d","productFamily":"Compute Instance","attributes":{{'
       || '"servicecode":"AmazonEC2","instanceType":"%s","instanceFamily":"%s",'
       || '"location":"US East (N. Virginia)","regionCode":"%s","operatingSystem":"%s",'
       || '"tenancy":"%s","preInstalledSw":"NA","licenseModel":"No License required",'
       || '"capacitystatus":"Used","marketoption":"OnDemand","vcpu":"96",'
       || '"memory":"1152 GiB","storage":"8 x 1000 SSD","networkPerformance":"400 Gigabit",'
       || '"operation":"RunInstances","usagetype":"BoxUsage:%s"}}}}',
       i, i,
       CASE WHEN i < {GPU_PRODUCTS} THEN {_lit(_GPU_TYPES)}[1 + i % {len(_GPU_TYPES)}]
            ELSE 'm' || (i % 9) || '.large' END,
       CASE WHEN i < {GPU_PRODUCTS} THEN 'GPU instance' ELSE 'General purpose' END,
       {_lit(_OFFER_REGIONS)}[1 + i % {len(_OFFER_REGIONS)}],
       ['Linux', 'Windows', 'RHEL', 'SUSE'][1 + i % 4],
       ['Shared', 'Dedicated', 'Host'][1 + i % 3],
       CASE WHEN i < {GPU_PRODUCTS} THEN {_lit(_GPU_TYPES)}[1 + i % {len(_GPU_TYPES)}]
            ELSE 'm' || (i % 9) || '.large' END)
"""


def _term(reserved: bool) -> str:
    code = "4NA7Y494T4" if reserved else "JRTCKXETXF"
    attributes = (
        '{"LeaseContractLength":"1yr","OfferingClass":"standard","PurchaseOption":"No Upfront"}'
        if reserved
        else "{}"
    )
    return f"""
printf('"SKU%010d":{{"SKU%010d.{code}":{{"offerTermCode":"{code}","sku":"SKU%010d",'
       || '"effectiveDate":"2025-06-05T00:00:00Z","priceDimensions":{{'
       || '"SKU%010d.{code}.6YS6EN2CT7":{{"unit":"Hrs","endRange":"Inf",'
       || '"description":"synthetic price for a benchmark","appliesTo":[],'
       || '"rateCode":"SKU%010d.{code}.6YS6EN2CT7","beginRange":"0",'
       || '"pricePerUnit":{{"USD":"%.10f"}}}}}},"termAttributes":{attributes}}}}}',
       i, i, i, i, i, 1 + (i % 997) / 100.0)
"""


def write_offer_file(path: Path, size_bytes: int, chunk: int = 20_000) -> int:
    """Write an offer file of about ``size_bytes``; returns the number of products."""
    con = duckdb.connect()
    try:
        sizes = con.execute(
            f"SELECT length({_PRODUCT}), length({_term(False)}), length({_term(True)}) "
            "FROM (SELECT 0 AS i)"
        ).fetchone()
        products = max(GPU_PRODUCTS * 2, size_bytes // (sum(sizes) + 3))
        with path.open("w", encoding="utf-8", buffering=1 << 20) as out:
            out.write('{"formatVersion":"v1.0","offerCode":"AmazonEC2",')
            out.write('"publicationDate":"2026-11-01T00:00:00Z","products":{')
            sections = (
                (_PRODUCT, '},"terms":{"OnDemand":{'),
                (_term(False), '},"Reserved":{'),
                (_term(True), "}}}"),
            )
            for fragment, closing in sections:
                for first in range(0, products, chunk):
                    last = min(products, first + chunk)
                    text = con.execute(
                        f"SELECT string_agg({fragment}, ',' ORDER BY i) "
                        f"FROM range({first}, {last}) t(i)"
                    ).fetchone()[0]
                    out.write(("," if first else "") + text)
                out.write(closing)
    finally:
        con.close()
    return products


# ---------------------------------------------------------------------------------------------
# Pricing pages.

# Money amounts as the HTML sources print them: "$42.00", "$1,250", "¥27.00", "2元".
_MONEY = re.compile(r"(?<=[$¥])\d[\d,]*(?:\.\d+)?|\d+(?:\.\d+)?(?=元)")


@dataclass(frozen=True)
class PageTemplate:
    """A real recorded page cut at its money amounts; fill it with :meth:`render`."""

    source: str
    url: str
    content_type: str
    parts: tuple[str, ...]  # text between amounts (len = amounts + 1)
    amounts: tuple[str, ...]

    def render(self, rng: random.Random) -> bytes:
        """The page with every amount scaled by one page factor and a small jitter."""
        factor = rng.uniform(0.5, 1.5)
        out = [self.parts[0]]
        for amount, after in zip(self.amounts, self.parts[1:], strict=True):
            out.append(_scaled(amount, factor * rng.uniform(0.95, 1.05)))
            out.append(after)
        return "".join(out).encode("utf-8")


def _scaled(amount: str, factor: float) -> str:
    value = Decimal(amount.replace(",", ""))
    if value == 0:
        return amount
    decimals = len(amount.split(".", 1)[1]) if "." in amount else 0  # kept: "$2 .0000" stays
    scaled = max(float(value) * factor, 10.0**-decimals)
    text = f"{scaled:,.{decimals}f}" if "," in amount else f"{scaled:.{decimals}f}"
    return text


def page_templates(shared_data: Path) -> list[PageTemplate]:
    """One template per HTML recording of a registered source (in name order)."""
    from scrapers.registry import select_sources

    templates = []
    for source in sorted(select_sources(None), key=lambda s: s.name):
        for recording in source.recordings:
            if "html" not in (recording.content_type or ""):
                continue
            text = (shared_data / recording.path).read_text(encoding="utf-8")
            amounts = tuple(m.group(0) for m in _MONEY.finditer(text))
            parts = tuple(_MONEY.split(text))
            templates.append(
                PageTemplate(source.name, recording.url, recording.content_type, parts, amounts)
            )
    return templates


def pricing_pages(shared_data: Path, count: int, seed: int = SEED) -> Iterator[tuple[str, object]]:
    """``count`` synthetic pages, round-robin over the templates: (source name, FetchedPage)."""
    from schemas.observation import FetchedPage

    templates = page_templates(shared_data)
    rng = random.Random(seed)
    fetched_at = datetime(2026, 11, 28, 2, tzinfo=UTC)
    for index in range(count):
        template = templates[index % len(templates)]
        yield (
            template.source,
            FetchedPage(
                source=template.source,
                url=template.url,
                status=200,
                headers={"content-type": template.content_type},
                body=template.render(rng),
                fetched_at=fetched_at + timedelta(seconds=index),
            ),
        )


# ---------------------------------------------------------------------------------------------
# Model identity and scores for the synthetic LLM listings (hedonic index, frontier rates).

DEVELOPERS = ("openai", "anthropic", "google", "deepseek", "mistral", "meta", "xai", "cohere")


def add_model_catalog(con: duckdb.DuckDBPyConnection, models: int = 3000, seed: int = SEED) -> int:
    """Give every LLM listing in ``price_history`` a synthetic model, developer and scores.

    Listings map to ``models`` models by hash (so several providers list one model: a
    developer's own listing is first-party, the rest resellers); a model is released when its
    first listing appears and scores better the later it comes (MMLU, GPQA Diamond, Arena Elo
    with noise), so the frontier falls as it does in the real data. Returns the listings.
    """
    _macros(con, seed)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE synth_listings AS
        SELECT provider, sku,
               printf('synth-model-%05d', CAST(hash({int(seed)}, 'model', sku) % {models}
                                               AS INTEGER)) AS model_id,
               min(valid_from) AS first_seen
        FROM price_history WHERE leg = 'llm'
        GROUP BY provider, sku
        """
    )
    con.execute(
        f"""
        INSERT INTO models
        SELECT model_id, pick({_lit(DEVELOPERS)}, 'developer', hash(model_id)),
               'synth-family-' || (hash(model_id) % 40), u('open', hash(model_id)) < 0.4,
               CAST(min(first_seen) AS DATE), NULL, 'synthetic (bench/synth.py)'
        FROM synth_listings GROUP BY model_id
        """
    )
    con.execute(
        "INSERT INTO providers SELECT DISTINCT provider, provider FROM synth_listings "
        "WHERE provider NOT IN (SELECT provider FROM providers)"
    )
    con.execute(
        """
        INSERT INTO model_aliases
        SELECT provider, sku, model_id, 'synthetic', FALSE, 'bench/synth.py' FROM synth_listings
        """
    )
    con.execute(
        f"""
        INSERT INTO benchmarks
        SELECT model_id, model_id, benchmark,
               CAST(least(high, greatest(low, low + (high - low) * 0.8 * age
                                              + spread * z(benchmark, hash(model_id))))
                    AS DECIMAL(12, 4)),
               'synth', release_date, TIMESTAMP '2026-01-01'
        FROM (
            SELECT model_id, release_date,
                   (release_date - DATE '{START.isoformat()}') / 1826.0 AS age
            FROM models WHERE note LIKE 'synthetic%'
        ) m,
        (VALUES ('mmlu', 25.0, 92.0, 6.0), ('gpqa_diamond', 25.0, 85.0, 8.0),
                ('chatbot_arena_elo', 900.0, 1450.0, 60.0)) b(benchmark, low, high, spread)
        """
    )
    return con.execute("SELECT count(*) FROM synth_listings").fetchone()[0]


def build_observed_history(con: duckdb.DuckDBPyConnection, folder: Path) -> int:
    """Fill ``price_history`` (of an empty warehouse) from the observations in ``folder``.

    Set-based and unchecked, for the indices benchmark: runs of equal price per series become
    SCD2 rows, each closed where the next starts, the last left in force. Zero prices and
    points more than 10× away from both neighbours (the generator's unit slips, which the
    loader quarantines) are left out first. Returns the rows written.
    """
    con.execute(
        f"""
        INSERT INTO price_history BY NAME
        WITH points AS (
            SELECT concat_ws(chr(31), source, provider, sku, component, tier, region, currency)
                       AS series_key,
                   source, leg, provider, sku, model, component, tier, region, currency, unit,
                   accelerator, accelerator_count, price, observed_at,
                   coalesce(effective_date::TIMESTAMP, observed_at) AS valid_from
            FROM read_parquet('{folder}/*/*.parquet')
            WHERE price > 0
        ),
        clean AS (
            SELECT *
            FROM points
            WINDOW w AS (PARTITION BY series_key ORDER BY valid_from, observed_at)
            QUALIFY coalesce(greatest(price / lag(price) OVER w, lag(price) OVER w / price)
                             <= 10, TRUE)
                 OR coalesce(greatest(price / lead(price) OVER w, lead(price) OVER w / price)
                             <= 10, TRUE)
        ),
        marked AS (
            SELECT *, CASE WHEN lag(price) OVER w IS DISTINCT FROM price THEN 1 ELSE 0 END
                          AS starts
            FROM clean
            WINDOW w AS (PARTITION BY series_key ORDER BY valid_from, observed_at)
        ),
        numbered AS (
            SELECT *, sum(starts) OVER (
                PARTITION BY series_key ORDER BY valid_from, observed_at ROWS UNBOUNDED PRECEDING
            ) AS island
            FROM marked
        ),
        islands AS (
            SELECT series_key, island,
                   any_value(source) AS source, any_value(leg) AS leg,
                   any_value(provider) AS provider, any_value(sku) AS sku,
                   arg_min(model, valid_from) AS model, any_value(component) AS component,
                   any_value(tier) AS tier, any_value(region) AS region,
                   any_value(currency) AS currency, any_value(unit) AS unit,
                   any_value(accelerator) AS accelerator,
                   any_value(accelerator_count) AS accelerator_count,
                   any_value(price) AS price, min(valid_from) AS valid_from,
                   min(observed_at) AS first_observed_at, max(observed_at) AS last_observed_at
            FROM numbered
            GROUP BY series_key, island
        )
        SELECT * EXCLUDE (island),
               lead(valid_from) OVER (PARTITION BY series_key ORDER BY island) AS valid_to,
               'synth-backfill' AS opened_by_run,
               CASE WHEN lead(valid_from) OVER (PARTITION BY series_key ORDER BY island)
                         IS NOT NULL THEN 'synth-backfill' END AS closed_by_run,
               CASE WHEN lead(valid_from) OVER (PARTITION BY series_key ORDER BY island)
                         IS NOT NULL THEN 'changed' END AS close_reason
        FROM islands
        """
    )
    con.execute("CHECKPOINT")
    return con.execute("SELECT count(*) FROM price_history").fetchone()[0]
