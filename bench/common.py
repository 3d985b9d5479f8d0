"""What every benchmark shares: the result row, timing, the machine and its load.

A benchmark's figure is only worth its conditions: each result carries the load average of
the machine when it started and ended (other processes share the cores), and the runner
prints the machine (cores, memory) beside the table.
"""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path


def load_average() -> float:
    """The 1-minute load average (how many runnable processes share the cores)."""
    return os.getloadavg()[0]


@dataclass
class Result:
    """One benchmark's line in the table.

    ``ratio`` is the figure divided by the reference measured in the same run; ``met`` is
    None where the issue sets no goal.
    """

    benchmark: str
    figure: str
    reference: str
    ratio: str
    goal: str
    met: bool | None
    load: tuple[float, float] = (0.0, 0.0)  # load average at start and end
    seconds: float = 0.0
    details: dict[str, object] = field(default_factory=dict)

    @property
    def met_text(self) -> str:
        return "—" if self.met is None else ("yes" if self.met else "NO")


@contextmanager
def measured(details: dict[str, object], key: str) -> Iterator[None]:
    """Store the wall time of the block in ``details[key]`` (seconds)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        details[key] = round(time.perf_counter() - started, 3)


@dataclass(frozen=True)
class Machine:
    cores: int
    memory_gib: float
    python: str
    platform: str
    started: str

    def describe(self) -> str:
        return (
            f"{self.cores} cores, {self.memory_gib:.1f} GiB memory, Python {self.python}, "
            f"{self.platform}; started {self.started}"
        )


def machine() -> Machine:
    memory = 0.0
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = int(line.split()[1]) / 1024 / 1024
    return Machine(
        cores=os.cpu_count() or 0,
        memory_gib=memory,
        python=platform.python_version(),
        platform=platform.platform(terse=True),
        started=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )


def rss_mib(field: str = "VmRSS") -> float:
    """This process's resident memory now (``VmRSS``) or at its peak (``VmHWM``), MiB.

    The peak comes from /proc, not ``getrusage``: Linux carries ``ru_maxrss`` over an exec,
    so a child started from a big parent would report the parent's peak as its own.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def rate(count: float, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def si(value: float) -> str:
    """A count for people: 1,234 / 56.7k / 1.23M."""
    if value >= 1e6:
        return f"{value / 1e6:.2f}M"
    if value >= 1e4:
        return f"{value / 1e3:.0f}k"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


COLUMNS = ("benchmark", "figure", "reference", "ratio", "goal", "met?", "load avg")


def render(results: list[Result]) -> str:
    """The results as one plain-text table."""
    rows = [
        (
            r.benchmark,
            r.figure,
            r.reference,
            r.ratio,
            r.goal,
            r.met_text,
            f"{r.load[0]:.2f}→{r.load[1]:.2f}",
        )
        for r in results
    ]
    widths = [max(len(str(c)) for c in column) for column in zip(COLUMNS, *rows, strict=True)]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(COLUMNS, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(line.rstrip() for line in lines)


def markdown(results: list[Result]) -> str:
    """The results as a Markdown table (for bench/README.md)."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for r in results:
        cells = (
            r.benchmark,
            r.figure,
            r.reference,
            r.ratio,
            r.goal,
            r.met_text,
            f"{r.load[0]:.2f} → {r.load[1]:.2f}",
        )
        lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)
