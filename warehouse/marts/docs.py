"""The docs site's mart reference (docs/marts.md), generated from the catalog.

    python -m warehouse.marts.docs           # rewrite docs/marts.md between the markers
    python -m warehouse.marts.docs --check   # exit 1 when docs/marts.md is out of date

Only the text between :data:`BEGIN` and :data:`END` is generated; the prose around it on the
Marts page is written by hand. `python -m flows.docs_gen --write` (make docs-update) runs this
with every other generated part of the docs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from warehouse.marts.catalog import MARTS, Mart

BEGIN = (
    "<!-- BEGIN marts: generated from warehouse/marts/catalog.py by "
    "`python -m warehouse.marts.docs`; edit the catalog, not this text -->"
)
END = "<!-- END marts -->"
BEGIN_PREFIX = "<!-- BEGIN marts"  # finds the block even when the marker's text changed
PAGE = Path(__file__).resolve().parents[2] / "docs" / "marts.md"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def mart_markdown(entry: Mart) -> str:
    """One mart's reference: grain, description, export partitioning, column table."""
    export = (
        "Parquet export partitioned by " + ", ".join(f"`{c}`" for c in entry.partition_by)
        if entry.partition_by
        else "Parquet export: one file"
    )
    lines = [
        f"### `{entry.name}`",
        "",
        f"One row per {entry.grain}. {entry.description} {export}.",
        "",
        "| column | type | meaning |",
        "|---|---|---|",
    ]
    lines += [f"| `{c.name}` | {c.type} | {_cell(c.description)} |" for c in entry.columns]
    return "\n".join(lines)


def generated_section() -> str:
    """The whole generated block, markers included."""
    body = "\n\n".join(mart_markdown(entry) for entry in MARTS)
    return f"{BEGIN}\n\n{body}\n\n{END}"


def current_section(page: str) -> str | None:
    """The generated block as the page has it now (None when the markers are missing)."""
    start = page.find(BEGIN_PREFIX)
    stop = page.find(END)
    if start < 0 or stop < start:
        return None
    return page[start : stop + len(END)]


def updated(page: str) -> str:
    """The page with its generated block replaced by the catalog's."""
    found = current_section(page)
    if found is None:
        raise ValueError(f"the Marts page has no `{BEGIN}` … `{END}` block")
    return page.replace(found, generated_section(), 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when the page is stale")
    parser.add_argument("--page", type=Path, default=PAGE, help="default: docs/marts.md")
    args = parser.parse_args(argv)
    text = args.page.read_text(encoding="utf-8")
    new = updated(text)
    if args.check:
        if new != text:
            print(f"{args.page}: the Marts reference is out of date", file=sys.stderr)
            return 1
        return 0
    if new != text:
        args.page.write_text(new, encoding="utf-8")
        print(f"updated {args.page}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
