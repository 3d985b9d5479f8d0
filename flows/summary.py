"""The run summary people read at the end of a run (and in the nightly logs)."""

from __future__ import annotations

from pathlib import Path

from flows.tables import render_table
from warehouse.load import RunReport


def format_summary(report: RunReport, db_path: Path) -> str:
    """A per-source table and totals: status, rows, history changes, and why a source failed."""
    rows = [
        [
            s.source,
            s.leg,
            s.status,
            s.rows_parsed,
            s.rows_new,
            s.rows_quarantined,
            s.history_new,
            s.history_changed,
            s.history_withdrawn,
            s.problems,
            s.skipped,
        ]
        for s in report.sources
    ]
    table = render_table(
        [
            "source",
            "leg",
            "status",
            "parsed",
            "new obs",
            "quarantined",
            "hist new",
            "hist changed",
            "withdrawn",
            "problems",
            "skipped",
        ],
        rows,
    )
    ok = sum(s.status == "ok" for s in report.sources)
    unchanged = sum(s.status == "unchanged" for s in report.sources)
    failed = [s for s in report.sources if s.status == "failed"]
    lines = [
        f"deflator run {report.run_id} ({report.mode}): {report.status}",
        table,
        f"sources ok {ok}, unchanged {unchanged}, failed {len(failed)}; "
        f"new observations {report.observations_new}; "
        f"history changes {report.history_changes}; quarantined {report.quarantined}",
    ]
    lines += [f"FAILED {s.source}: {s.error}" for s in failed]
    lines += [f"skipped {s.source}: {s.error}" for s in report.sources if s.status == "skipped"]
    if report.step_seconds:
        steps = ", ".join(f"{name} {seconds:.2f}" for name, seconds in report.step_seconds.items())
        lines.append(f"load took {sum(report.step_seconds.values()):.1f} s ({steps})")
    lines.append(f"warehouse: {db_path}")
    return "\n".join(lines)
