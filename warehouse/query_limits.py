"""The time and memory limits of one `deflator query` statement, read from an option or a
setting and refused with a one-line reason when they are not a usable limit."""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass

DEFAULT_TIMEOUT = "60"  # seconds (DEFLATOR_QUERY_TIMEOUT, --timeout)
DEFAULT_MEMORY = "2GiB"  # the query process's address space (DEFLATOR_QUERY_MEMORY, --memory)
MAX_TIMEOUT_S = 86_400.0
MIN_MEMORY = 256 * 2**20  # Python and DuckDB alone reserve ~245 MiB of address space
THREADS = 1  # DuckDB threads of a query: one core of the machine's two is left to the runs

UNITS = {
    "b": 1,
    "kb": 10**3,
    "mb": 10**6,
    "gb": 10**9,
    "tb": 10**12,
    "kib": 2**10,
    "mib": 2**20,
    "gib": 2**30,
    "tib": 2**40,
}
_AMOUNT = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([a-z]+)\s*$", re.IGNORECASE)


class LimitError(ValueError):
    """A limit that is not usable; the message is one line for people."""


@dataclass(frozen=True)
class Limits:
    """What one statement may use.

    Attributes:
        timeout_s: Wall-clock seconds from the moment the query process has opened the
            warehouse: parsing, running and writing the output all count.
        memory_bytes: The query process's address space (RLIMIT_AS); DuckDB's own
            ``memory_limit`` is half of it, leaving the rest for work DuckDB does outside its
            buffer manager (list functions), Python and the output.
        threads: DuckDB's threads.
    """

    timeout_s: float
    memory_bytes: int
    threads: int = THREADS

    @property
    def duckdb_memory_limit(self) -> str:
        return f"{self.memory_bytes // 2 // 2**20}MiB"

    @property
    def cpu_s(self) -> int:
        """CPU seconds the process may use (RLIMIT_CPU): every thread busy for the whole
        time, plus what starting Python and DuckDB and opening the warehouse take."""
        return math.ceil(self.timeout_s * max(self.threads, 1)) + 10


def parse_timeout(text: str, where: str) -> float:
    """Seconds from ``text``, which came from ``where`` (``--timeout``, or the setting).

    Raises:
        LimitError: Empty, not a number, not finite, zero, negative or over a day.
    """
    value = text.strip()
    if not value:
        raise LimitError(f"{where} is empty: give the seconds a query may take, e.g. 60")
    try:
        seconds = float(value)
    except ValueError:
        raise LimitError(f"{where} must be a number of seconds, not {text!r}") from None
    if not math.isfinite(seconds) or seconds <= 0 or seconds > MAX_TIMEOUT_S:
        raise LimitError(
            f"{where} must be more than 0 and at most {MAX_TIMEOUT_S:g} seconds, not {text!r} "
            "(there is no unlimited query)"
        )
    return seconds


def parse_memory(text: str, where: str) -> int:
    """Bytes from ``text`` such as ``2GiB``, ``512MiB`` or ``1.5GB`` (a unit is required).

    Raises:
        LimitError: Empty, without a unit, below 256 MiB or above the machine's memory.
    """
    value = text.strip()
    if not value:
        raise LimitError(f"{where} is empty: give the memory a query may use, e.g. 2GiB")
    match = _AMOUNT.match(value)
    if not match or match.group(2).lower() not in UNITS:
        raise LimitError(
            f"{where} must be an amount with a unit (B, KB, MB, GB, KiB, MiB, GiB), "
            f"e.g. 2GiB, not {text!r}"
        )
    amount = float(match.group(1)) * UNITS[match.group(2).lower()]
    if not math.isfinite(amount) or amount < MIN_MEMORY:
        raise LimitError(f"{where} must be at least 256MiB, not {text!r}")
    total = physical_memory()
    if total and amount > total:
        raise LimitError(
            f"{where} is more than this machine's memory ({total / 2**30:.1f} GiB): {text!r}"
        )
    return int(amount)


def physical_memory() -> int | None:
    """The machine's memory in bytes, where the system tells it."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None
