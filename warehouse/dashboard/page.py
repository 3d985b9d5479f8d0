"""Write the dashboard: one HTML file with plotly.js, the figures and the datasets inlined.

The file needs no network: plotly.js (from the pinned ``plotly`` package) is inlined, there
are no fonts, images or scripts from elsewhere, and the page's own script only draws the
embedded figures and fills the tables from the embedded datasets (text only, never HTML, so
names scraped from the web cannot inject markup).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import duckdb
from plotly.offline import get_plotlyjs

from warehouse.dashboard.data import Dataset, read_datasets
from warehouse.dashboard.figures import all_figures
from warehouse.export import require_marts

_SLOT = re.compile(r"/\*@@([A-Z_]+)@@\*/")
OK_STATUSES = ("ok", "unchanged")


@dataclass(frozen=True)
class Dashboard:
    """What was written: the file, its size, the rows of each dataset and the charts."""

    path: Path
    bytes: int
    rows: dict[str, int]
    charts: list[str]


def script_json(value: object) -> str:
    """JSON safe inside a <script> element: no '<' (so no '</script>' or '<!--')."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c")


def page_meta(data: dict[str, Dataset], source: object, built_at: datetime) -> dict:
    """The header line's facts, all counted from the datasets."""
    health = data["source_health"].records()
    return {
        "built_at": built_at.strftime("%Y-%m-%d %H:%M UTC"),
        "source": str(source),
        "current_prices": len(data["current_prices"].rows),
        "sources": len(health),
        "sources_ok": sum(1 for h in health if h["last_status"] in OK_STATUSES),
    }


def render(data: dict[str, Dataset], source: object, built_at: datetime) -> str:
    """The whole page as text."""
    template = resources.files("warehouse.dashboard").joinpath("template.html")
    slots = {
        "PLOTLY_JS": get_plotlyjs(),
        "META": script_json(page_meta(data, source, built_at)),
        "DATA": script_json({name: d.as_json() for name, d in data.items()}),
        "FIGURES": script_json(all_figures(data)),
    }
    # One pass over the template: inserted text is never searched for slots itself.
    return _SLOT.sub(lambda m: slots[m.group(1)], template.read_text(encoding="utf-8"))


def build_dashboard(
    con: duckdb.DuckDBPyConnection, out: Path | str, source: object = ""
) -> Dashboard:
    """Read the marts through ``con`` and write the dashboard to ``out`` (atomically).

    Raises:
        warehouse.export.MartsMissing: ``con`` has no marts.
    """
    require_marts(con, source or "the database")
    data = read_datasets(con)
    page = render(data, source, datetime.now(UTC))
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    temporary.write_text(page, encoding="utf-8")
    os.replace(temporary, target)
    return Dashboard(
        path=target,
        bytes=target.stat().st_size,
        rows={name: len(d.rows) for name, d in data.items()},
        charts=list(json.loads(_embedded(page, "deflator-figures"))),
    )


def _embedded(page: str, element_id: str) -> str:
    """The text of the ``<script type="application/json" id=element_id>`` element."""
    start = page.index(f'id="{element_id}">') + len(f'id="{element_id}">')
    return page[start : page.index("</script>", start)]


def embedded_json(page: str, element_id: str, parse_float=float) -> object:
    """Parse one embedded JSON element of a dashboard page (for readers and tests)."""
    return json.loads(_embedded(page, element_id), parse_float=parse_float)
