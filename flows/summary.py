"""The run summary people read at the end of a run (and in the nightly logs)."""

from __future__ import annotations

from pathlib import Path

from flows.tables import render_table
from warehouse.load import RunReport

# Series listed by name per kind (withdrawn, missing) before the rest are only counted.
MAX_LISTED = 25


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
            s.history_pending,
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
            "missing",
            "problems",
            "skipped",
        ],
        rows,
    )
    ok = sum(s.status == "ok" for s in report.sources)
    unchanged = sum(s.status == "unchanged" for s in report.sources)
    failed = [s for s in report.sources if s.status == "failed"]
    headline = f"deflator run {report.run_id} ({report.mode}): {report.status}"
    if report.after_commit_error:
        headline += f"; loaded, snapshot not published: {report.after_commit_error}"
    lines = [
        headline,
        table,
        f"sources ok {ok}, unchanged {unchanged}, failed {len(failed)}; "
        f"new observations {report.observations_new}; "
        f"history changes {report.history_changes}; quarantined {report.quarantined}",
    ]
    lines += [f"FAILED {s.source}: {s.error}" for s in failed]
    lines += [f"skipped {s.source}: {s.error}" for s in report.sources if s.status == "skipped"]
    lines += _listed("withdrawn (missing on two successful runs in a row)", report.withdrawn)
    lines += _listed("missing, pending withdrawal (withdrawn if missing again)", report.pending)
    if report.after_commit_error:
        lines.append(
            "the load committed; readers still see the previous snapshot until the next run "
            "publishes (`deflator status` says it is behind)"
        )
    if report.step_seconds:
        steps = ", ".join(f"{name} {seconds:.2f}" for name, seconds in report.step_seconds.items())
        lines.append(f"load took {sum(report.step_seconds.values()):.1f} s ({steps})")
    lines.append(f"warehouse: {db_path}")
    return "\n".join(lines)


def _listed(title: str, series: list[tuple[str, str]]) -> list[str]:
    """``title: N`` then one line per series (source: what it is), the first MAX_LISTED."""
    if not series:
        return []
    lines = [f"{title}: {len(series)}"]
    lines += [f"  {source}: {what}" for source, what in series[:MAX_LISTED]]
    if len(series) > MAX_LISTED:
        lines.append(f"  … and {len(series) - MAX_LISTED} more")
    return lines
