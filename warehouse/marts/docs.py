"""The README's mart reference, generated from the catalog.

    python -m warehouse.marts.docs           # rewrite README.md between the markers
    python -m warehouse.marts.docs --check   # exit 1 when README.md is out of date

Only the text between :data:`BEGIN` and :data:`END` is generated; the prose around it in the
README's "Marts" section is written by hand.
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
README = Path(__file__).resolve().parents[2] / "README.md"


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
        f"#### `{entry.name}`",
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


def current_section(readme: str) -> str | None:
    """The generated block as the README has it now (None when the markers are missing)."""
    start = readme.find(BEGIN_PREFIX)
    stop = readme.find(END)
    if start < 0 or stop < start:
        return None
    return readme[start : stop + len(END)]


def updated(readme: str) -> str:
    """The README with its generated block replaced by the catalog's."""
    found = current_section(readme)
    if found is None:
        raise ValueError(f"README has no `{BEGIN}` … `{END}` block")
    return readme.replace(found, generated_section(), 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when README.md is stale")
    parser.add_argument("--readme", type=Path, default=README)
    args = parser.parse_args(argv)
    text = args.readme.read_text(encoding="utf-8")
    new = updated(text)
    if args.check:
        if new != text:
            print(f"{args.readme}: the Marts reference is out of date", file=sys.stderr)
            return 1
        return 0
    if new != text:
        args.readme.write_text(new, encoding="utf-8")
        print(f"updated {args.readme}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
