"""The dashboard's charts as Plotly figures (plain JSON dicts), built from its datasets only.

Each trace's points are rows of one dataset (warehouse/dashboard/data.py): x a date column,
y a price or index column, as floats (a chart needs no more than a double's digits; the exact
decimals stay in the embedded datasets and the tables).
"""

from __future__ import annotations

import html
import json
from collections import defaultdict
from decimal import Decimal

import plotly.colors
import plotly.graph_objects as go
import plotly.io as pio

from warehouse.dashboard.data import DEFAULT_BENCHMARK, Dataset

TEMPLATE = "plotly_white"
BENCHMARKS = {
    "gpqa_diamond": "GPQA Diamond",
    "mmlu": "MMLU",
    "humaneval": "HumanEval",
    "math_500": "MATH-500",
    "math_level_5": "MATH level 5",
    "chatbot_arena_elo": "Chatbot Arena Elo",
}
DEFAULT_FAMILY = "H100"
# One colour per provider across every GPU family: 24 distinct colours, and past 24 providers
# a second marker shape, so no two providers ever look the same (Plotly's default cycle of 10
# made aws/hyperstack, azure/lambda and coreweave/nebius alike).
PROVIDER_COLOURS = plotly.colors.qualitative.Dark24
PROVIDER_SYMBOLS = ("circle", "diamond", "square", "triangle-up")
# Charts with a menu: the title at the top, the menu on its own line under it.
TITLE_ABOVE_MENU = {"y": 0.97, "yanchor": "top", "x": 0.01, "xanchor": "left"}


def number(value: object) -> float | None:
    """A dataset value (exact decimal text, int or float) as a float for a chart."""
    if value is None:
        return None
    return float(Decimal(value)) if isinstance(value, str) else float(value)


def _text(value: object) -> str:
    """Text from the warehouse (names come from scraped pages), safe in Plotly's labels."""
    return html.escape(str(value), quote=False)


def _as_json(fig: go.Figure) -> dict:
    return json.loads(pio.to_json(fig, validate=True))


def _dropdown(buttons: list[dict], active: int) -> list[dict]:
    return [
        {
            "type": "dropdown",
            "buttons": buttons,
            "active": active,
            "x": 0,
            "xanchor": "left",
            "y": 1.02,
            "yanchor": "bottom",
            "showactive": True,
        }
    ]


def _empty(fig: go.Figure, message: str) -> None:
    fig.add_annotation(
        text=message, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5, font_size=14
    )


def rate_key(row: dict) -> tuple:
    return (
        row["source"],
        row["include_reasoning"],
        row["benchmark"],
        row["threshold_model"],
        row["threshold_score"],
    )


def rate_title(rate: dict) -> str:
    """'GPQA Diamond at GPT-4's level (33): 10.5× cheaper per year (90%: 3.84–28.9), 8 points'."""
    scope = []
    if rate["source"] != "*":
        scope.append(f"source {rate['source']}")
    if rate["include_reasoning"]:
        scope.append("reasoning models included")
    suffix = f" [{', '.join(scope)}]" if scope else ""
    bench = BENCHMARKS.get(rate["benchmark"], rate["benchmark"])
    return (
        f"{_text(bench)} at {_text(rate['threshold_model'])}'s level "
        f"({rate['threshold_score']:g}): {rate['factor_per_year']:.3g}× cheaper per year "
        f"(90%: {rate['ci90_low']:.3g}–{rate['ci90_high']:.3g}), "
        f"{rate['n_points']} points{_text(suffix)}"
    )


def default_rate(rates: list[dict]) -> int:
    """The rate the chart opens on: GPQA Diamond's lowest threshold over every source without
    reasoning models, else the first rate."""
    for i, rate in enumerate(rates):
        if (
            rate["benchmark"] == DEFAULT_BENCHMARK
            and rate["source"] == "*"
            and not rate["include_reasoning"]
        ):
            return i  # rates are ordered by threshold score: the first is the lowest
    return 0


def frontier_figure(rates: Dataset, points: Dataset) -> dict:
    """Price of fixed capability over time (log scale), the frontier points and the fitted
    trend with its factor per year; a menu picks the benchmark × threshold."""
    fig = go.Figure()
    rate_rows = rates.records()
    by_rate: dict[tuple, list[dict]] = defaultdict(list)
    for point in points.records():
        by_rate[rate_key(point)].append(point)
    active = default_rate(rate_rows)
    buttons = []
    for i, rate in enumerate(rate_rows):
        found = by_rate.get(rate_key(rate), [])
        shown = i == active
        fig.add_trace(
            go.Scatter(
                x=[p["day"] for p in found],
                y=[number(p["price"]) for p in found],
                text=[_text(p["model"]) for p in found],
                customdata=[[p["score"]] for p in found],
                mode="markers",
                marker={"size": 10},
                name="cheapest at or above the threshold",
                hovertemplate="%{text}<br>%{x|%Y-%m-%d}<br>$%{y:.4g} per 1M tokens"
                "<br>score %{customdata[0]}<extra></extra>",
                visible=shown,
            )
        )
        fig.add_trace(
            go.Scatter(
                x=[p["day"] for p in found],
                y=[number(p["trend_price"]) for p in found],
                mode="lines",
                line={"dash": "dash"},
                name=f"trend: {rate['factor_per_year']:.3g}× cheaper per year",
                hovertemplate="trend %{x|%Y-%m-%d}: $%{y:.4g}<extra></extra>",
                visible=shown,
            )
        )
        visible = [j // 2 == i for j in range(2 * len(rate_rows))]
        label = (
            f"{BENCHMARKS.get(rate['benchmark'], rate['benchmark'])} ≥ "
            f"{rate['threshold_score']:g} ({rate['threshold_model']})"
        )
        if rate["source"] != "*" or rate["include_reasoning"]:
            label += f" [{rate['source']}{', reasoning' if rate['include_reasoning'] else ''}]"
        buttons.append(
            {
                "label": _text(label),
                "method": "update",
                "args": [{"visible": visible}, {"title.text": rate_title(rate)}],
            }
        )
    fig.update_layout(
        template=TEMPLATE,
        title={
            "text": rate_title(rate_rows[active]) if rate_rows else "Threshold frontier",
            **TITLE_ABOVE_MENU,
        },
        yaxis={"type": "log", "title": {"text": "USD per 1M tokens (3:1 input:output blend)"}},
        xaxis={"type": "date"},
        legend={"orientation": "h", "y": -0.15},
        margin={"t": 120},
        updatemenus=_dropdown(buttons, active) if buttons else [],
    )
    if not points.rows:
        _empty(fig, "no frontier points stored: run `deflator rates frontier`")
    return _as_json(fig)


def provider_styles(providers: set[str]) -> dict[str, tuple[str, str]]:
    """A (colour, marker symbol) per provider, distinct for up to 96 providers and stable:
    the same provider keeps its colour in every GPU family."""
    return {
        provider: (
            PROVIDER_COLOURS[i % len(PROVIDER_COLOURS)],
            PROVIDER_SYMBOLS[(i // len(PROVIDER_COLOURS)) % len(PROVIDER_SYMBOLS)],
        )
        for i, provider in enumerate(sorted(providers))
    }


def gpu_figure(prices: Dataset) -> dict:
    """Median on-demand price per GPU-hour, one line per provider, a menu per family."""
    fig = go.Figure()
    series: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for row in prices.records():
        series[row["accelerator_family"]][row["provider"]].append(row)
    families = sorted(series, key=lambda f: (-sum(len(v) for v in series[f].values()), f))
    active = families.index(DEFAULT_FAMILY) if DEFAULT_FAMILY in families else 0
    style = provider_styles({p for by_provider in series.values() for p in by_provider})
    traces: list[str] = []
    for family in families:
        for provider, rows in sorted(series[family].items()):
            traces.append(family)
            colour, symbol = style[provider]
            fig.add_trace(
                go.Scatter(
                    x=[r["month"] for r in rows],
                    y=[number(r["per_gpu_hour"]) for r in rows],
                    customdata=[[r["listings"], _text(r["sources"])] for r in rows],
                    mode="lines+markers",
                    line={"color": colour},
                    marker={"color": colour, "symbol": symbol},
                    name=_text(provider),
                    hovertemplate=f"{_text(provider)} {_text(family)}"
                    "<br>%{x|%Y-%m}: $%{y:.4g} per GPU-hour"
                    "<br>%{customdata[0]} listings (%{customdata[1]})<extra></extra>",
                    visible=family == families[active],
                )
            )
    buttons = [
        {
            "label": _text(family),
            "method": "update",
            "args": [
                {"visible": [t == family for t in traces]},
                {"title.text": f"{_text(family)}: median on-demand price per GPU-hour"},
            ],
        }
        for family in families
    ]
    fig.update_layout(
        template=TEMPLATE,
        title={
            "text": f"{_text(families[active])}: median on-demand price per GPU-hour"
            if families
            else "GPU price per GPU-hour",
            **TITLE_ABOVE_MENU,
        },
        yaxis={"title": {"text": "USD per GPU-hour"}, "rangemode": "tozero"},
        xaxis={"type": "date"},
        margin={"t": 120},
        updatemenus=_dropdown(buttons, active) if buttons else [],
    )
    if not prices.rows:
        _empty(fig, "no GPU prices in the warehouse")
    return _as_json(fig)


def index_figure(values: Dataset, title: str, label_of) -> dict:
    """One line per index series (GEKS, first month = 100)."""
    fig = go.Figure()
    series: dict[str, list[dict]] = defaultdict(list)
    for row in values.records():
        series[label_of(row)].append(row)
    for label, rows in series.items():
        fig.add_trace(
            go.Scatter(
                x=[r["month"] for r in rows],
                y=[number(r["value"]) for r in rows],
                customdata=[[r["items"]] for r in rows],
                mode="lines",
                name=_text(label),
                hovertemplate=f"{_text(label)}<br>%{{x|%Y-%m}}: %{{y:.4g}}"
                "<br>%{customdata[0]} items<extra></extra>",
            )
        )
    fig.update_layout(
        template=TEMPLATE,
        title={"text": title},
        yaxis={"title": {"text": "index, first month = 100 (GEKS)"}},
        xaxis={"type": "date"},
    )
    if not values.rows:
        _empty(fig, "no index values: run `deflator indices`")
    return _as_json(fig)


def all_figures(data: dict[str, Dataset]) -> dict[str, dict]:
    """Every chart of the page, by the id of the element it is drawn in."""
    return {
        "chart-frontier": frontier_figure(data["frontier_rates"], data["frontier_points"]),
        "chart-gpu": gpu_figure(data["gpu_prices"]),
        "chart-electricity": index_figure(
            data["electricity_index"],
            "US retail electricity price index by sector (EIA)",
            lambda row: row["segment"].removeprefix("sector:"),
        ),
        "chart-storage": index_figure(
            data["storage_index"],
            "Object storage (by class) and egress price indices",
            lambda row: f"{row['index']} {row['segment'].removeprefix('tier:')}",
        ),
    }
