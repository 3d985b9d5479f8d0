"""Run one `deflator query` statement in a child process with hard limits.

Whatever a statement does, it does in a child process (``python -m warehouse.query_sandbox``)
that holds nothing else:

- **Limits set by the kernel before DuckDB is loaded**: address space (``RLIMIT_AS``, the
  ``--memory`` limit), CPU seconds (``RLIMIT_CPU``), no core file and no file written
  (``RLIMIT_FSIZE`` 0). DuckDB's ``memory_limit`` is half the address space, its threads
  are capped and it cannot spill to disk (warehouse/safe_query.py's ``harden``).
- **A deadline for everything**: the child tells the parent once it has opened the warehouse;
  from then on parsing, the allow-list check, running and writing the output all count
  against ``--timeout``, and the parent kills the child's whole process group at the
  deadline. A single scalar call that DuckDB cannot interrupt (``list_reduce`` over 30
  million elements, parsing a 1.6 MB statement) ends all the same.
- **Streaming**: the child writes the rows as it fetches them (warehouse/query_output.py) and
  the parent relays them, so neither holds the result.
- **A crash stays in the child**: a segmentation fault, an abort or a kill by a limit is
  reported by the parent as one clean error line; the parent never loads the statement's
  data nor runs it.

Opening the warehouse gets its own allowance (``STARTUP_S``), since a DuckLake's catalog may
be slow to answer; it is not part of ``--timeout``.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import pickle
import resource
import selectors
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from warehouse.backends import Warehouse
from warehouse.query_limits import Limits

STARTUP_S = 60.0  # the child must have opened the warehouse within this
FETCH_ROWS = 2_000  # rows the child fetches and writes at a time
STDERR_KEEP = 64 * 1024  # bytes of the child's error output kept for the report
READY = b"R"
LAST_PEAK_KIB: int | None = None  # the last query process's peak resident memory (tests)
CRASHES = {"SIGSEGV", "SIGBUS", "SIGILL", "SIGFPE", "SIGABRT", "SIGSYS", "SIGTRAP"}


@dataclass(frozen=True)
class Request:
    """One statement to run.

    Attributes:
        warehouse: The warehouse to read (``Settings.warehouse``: a file or a DuckLake).
        sql: The statement as given.
        fmt: ``table``, ``csv`` or ``json``.
        limits: Time, memory and threads.
        direct: Read the warehouse file itself, not its snapshot (``--no-snapshot``).
        width: Columns a table may take (the parent's terminal; None when piped).
        check_functions: The allow-list check; only tests turn it off, to show that even
            a statement that crashes DuckDB leaves the parent standing.
    """

    warehouse: Warehouse
    sql: str
    fmt: str
    limits: Limits
    direct: bool = False
    width: int | None = None
    check_functions: bool = True


def memory_text(amount: int) -> str:
    """Bytes as people write them (``2GiB``, ``512MiB``)."""
    for unit, size in (("GiB", 2**30), ("MiB", 2**20)):
        if amount >= size:
            return f"{amount / size:.3g}{unit}"
    return f"{amount}B"


def _timeout_message(limits: Limits, wrote: bool) -> str:
    tail = "; the output above is cut short" if wrote else ""
    return (
        f"query stopped after {limits.timeout_s:g} s (the limit: --timeout or "
        f"DEFLATOR_QUERY_TIMEOUT; it covers parsing, running and writing the result){tail}"
    )


def _memory_message(limits: Limits, detail: str = "") -> str:
    detail = f" ({detail})" if detail else ""
    return (
        f"query stopped: it needs more memory than its limit of {memory_text(limits.memory_bytes)}"
        f" (--memory or DEFLATOR_QUERY_MEMORY){detail}"
    )


def _ended_by_signal(number: int, limits: Limits, stderr: bytes) -> str:
    """The report for a child that a signal ended (not the parent's kill at the deadline)."""
    try:
        name = signal.Signals(number).name
    except ValueError:
        name = f"signal {number}"
    if b"bad_alloc" in stderr or b"MemoryError" in stderr or b"Out of Memory" in stderr:
        return _memory_message(limits, f"the query process ended with {name}")
    if name == "SIGXCPU":
        return (
            f"query stopped: it used up its CPU time ({limits.cpu_s} s, from --timeout "
            f"{limits.timeout_s:g} s and {limits.threads} thread(s))"
        )
    if name == "SIGKILL":
        return (
            "query stopped: the query process was killed (SIGKILL), most likely by the system "
            "for lack of memory; try a smaller result or --memory"
        )
    if name in CRASHES:
        return (
            f"query failed: the query process crashed ({name}); the warehouse is unchanged and "
            "`deflator query` is fine, but DuckDB could not run this statement"
        )
    return f"query failed: the query process ended with {name}"


class _Child:
    """The query process seen from the parent: started, fed the request, killed as a group."""

    def __init__(self, request: Request) -> None:
        self.status_fd, status_write = os.pipe()
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "warehouse.query_sandbox", str(status_write)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                pass_fds=(status_write,),
                start_new_session=True,  # its own process group, killed as one
                env=dict(os.environ, PYTHONIOENCODING="utf-8"),
            )
        except BaseException:
            os.close(self.status_fd)
            raise
        finally:
            os.close(status_write)
        self.killed = threading.Event()
        try:
            self.process.stdin.write(pickle.dumps(request))
            self.process.stdin.close()
        except BrokenPipeError:
            pass  # it died at once; its exit status tells why

    def note_peak(self) -> None:
        """Keep the query process's own peak resident memory (VmHWM) while it is alive.

        ``ru_maxrss`` of a forked child counts the parent's memory at the fork (Linux keeps
        the larger across exec), so a large parent would hide what the query itself used.
        """
        global LAST_PEAK_KIB
        with contextlib.suppress(OSError, ValueError):
            status = Path(f"/proc/{self.process.pid}/status").read_text()
            # an exited process (a zombie until waited for) has no VmHWM line: keep the last
            peak = next((line for line in status.splitlines() if line.startswith("VmHWM:")), "")
            if peak:
                self.peak_kib = int(peak.split()[1])
                LAST_PEAK_KIB = self.peak_kib

    def kill(self) -> None:
        """Stop the query at its deadline (the report then says so)."""
        self.killed.set()
        self.end()

    def end(self) -> None:
        """Kill the whole process group, whatever it is doing."""
        self.note_peak()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)

    def close(self) -> int:
        """Wait for the process to exit (it has closed its output; killed if it lingers), free
        the pipes and return its exit status; its peak memory goes to ``LAST_PEAK_KIB``."""
        global LAST_PEAK_KIB
        pid = self.process.pid
        lingering = time.monotonic() + 5
        done, status, usage = os.wait4(pid, os.WNOHANG)
        while not done:
            if time.monotonic() > lingering:
                self.end()
                done, status, usage = os.wait4(pid, 0)
                break
            time.sleep(0.01)
            done, status, usage = os.wait4(pid, os.WNOHANG)
        self.process.returncode = os.waitstatus_to_exitcode(status)
        # the peak seen while it ran (VmHWM), else the kernel's count (which includes the
        # parent's memory at the fork)
        LAST_PEAK_KIB = getattr(self, "peak_kib", None) or usage.ru_maxrss
        os.close(self.status_fd)
        self.process.stdout.close()
        self.process.stderr.close()
        return self.process.returncode


@dataclass
class _Relayed:
    ready: bool = False  # the child opened the warehouse; the deadline ran from then
    wrote: bool = False  # some output reached the caller
    reader_gone: bool = False  # the caller's output was closed (`| head`)
    stderr: bytes = b""


def _relay(child: _Child, limits: Limits, out: TextIO) -> _Relayed:
    """Pass the child's output on until it ends, killing it at its deadline."""
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    seen = _Relayed()
    errors = bytearray()
    deadline = time.monotonic() + STARTUP_S
    watchdog: threading.Timer | None = None
    selector = selectors.DefaultSelector()
    selector.register(child.process.stdout, selectors.EVENT_READ, "out")
    selector.register(child.process.stderr, selectors.EVENT_READ, "err")
    selector.register(child.status_fd, selectors.EVENT_READ, "status")
    try:
        while selector.get_map() and not child.killed.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                child.kill()
                break
            for key, _ in selector.select(timeout=min(left, 0.5)):
                data = os.read(key.fd, 65536)
                if not data:
                    selector.unregister(key.fileobj)
                elif key.data == "out":
                    text = decoder.decode(data)
                    try:
                        out.write(text)
                    except BrokenPipeError:
                        seen.reader_gone = True
                        child.kill()
                        break
                    seen.wrote = seen.wrote or bool(text)
                elif key.data == "err":
                    errors += data[: max(0, STDERR_KEEP - len(errors))]
                elif READY in data and not seen.ready:
                    seen.ready = True
                    deadline = time.monotonic() + limits.timeout_s
                    # also while the caller's output blocks this loop (a slow reader)
                    watchdog = threading.Timer(limits.timeout_s + 0.5, child.kill)
                    watchdog.daemon = True
                    watchdog.start()
        if not seen.reader_gone:
            out.write(decoder.decode(b"", final=True))
            out.flush()
    except BrokenPipeError:
        seen.reader_gone = True
    finally:
        if watchdog is not None:
            watchdog.cancel()
        selector.close()
    seen.stderr = bytes(errors)
    return seen


def run(request: Request, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run ``request`` in a child process, relay its output to ``out`` and its errors to
    ``err``; returns the exit status (0 done, 1 refused, failed or stopped, 2 bad input)."""
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    child = _Child(request)
    try:
        seen = _relay(child, request.limits, out)
    except BaseException:  # Ctrl-C, or the caller's output failing: the query ends too
        child.end()
        raise
    finally:
        code = child.close()
    if seen.reader_gone:
        return 1
    if child.killed.is_set():
        what = (
            _timeout_message(request.limits, seen.wrote)
            if seen.ready
            else f"the query process did not open the warehouse within {STARTUP_S:g} s"
        )
        print(f"deflator: {what}", file=err)
        return 1
    if code < 0:
        print(f"deflator: {_ended_by_signal(-code, request.limits, seen.stderr)}", file=err)
        return 1
    err.write(seen.stderr.decode("utf-8", "replace"))
    if code not in (0, 1, 2):
        print(f"deflator: query failed: the query process ended with status {code}", file=err)
        return 1
    return code


# --- the child ---------------------------------------------------------------------------


def _limit_resources(limits: Limits) -> None:
    """Kernel limits on this process, set before DuckDB is imported."""
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_s, limits.cpu_s + 5))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


def _child(status_fd: int) -> int:
    request: Request = pickle.load(sys.stdin.buffer)
    _limit_resources(request.limits)
    try:
        return _serve(request, status_fd)
    except MemoryError:
        _say(_memory_message(request.limits, "MemoryError"))
        return 1
    except Exception as problem:  # one line for people, never a traceback
        _say(f"query failed: {type(problem).__name__}: {problem}".splitlines()[0])
        return 1


def _say(message: str) -> None:
    sys.stderr.write(f"deflator: {message}\n")
    sys.stderr.flush()


def _open(request: Request):
    """The read-only connection (the published snapshot, the file with --no-snapshot, or the
    lake), or the exit status with the reason said, as flows/commands/_reader.py does."""
    import duckdb

    from warehouse.backends import EmbeddedFile
    from warehouse.connection import WarehouseMissing, connect
    from warehouse.snapshot import connect_reader

    where = request.warehouse
    try:
        if request.direct and isinstance(where, EmbeddedFile):
            return connect(where, read_only=True)
        return connect_reader(where)[0]
    except WarehouseMissing as missing:
        _say(str(missing))
        return 2
    except duckdb.IOException as problem:
        _say(f"cannot open {where.label} read-only: {problem}")
        return 1


def _serve(request: Request, status_fd: int) -> int:
    import io

    import duckdb

    from warehouse.query_output import write_explain, write_result
    from warehouse.safe_query import QueryRefused, explain_error, harden, prepare

    con = _open(request)
    if isinstance(con, int):
        return con
    limits = request.limits
    try:
        harden(con, memory_limit=limits.duckdb_memory_limit, threads=limits.threads)
        os.write(status_fd, READY)
        os.close(status_fd)
        text = prepare(con, request.sql) if request.check_functions else request.sql
        cursor = con.execute(text)
        if cursor.description is None:
            return 0
        columns = [d[0] for d in cursor.description]
        out = io.TextIOWrapper(
            sys.stdout.buffer, encoding="utf-8", errors="backslashreplace", newline="\n"
        )
        chunks = iter(lambda: cursor.fetchmany(FETCH_ROWS), [])
        if request.fmt == "table" and columns == ["explain_key", "explain_value"]:
            write_explain(out, chunks)
        else:
            write_result(out, request.fmt, columns, chunks, request.width)
        out.flush()
        return 0
    except QueryRefused as refused:
        _say(str(refused))
        return 1
    except duckdb.OutOfMemoryException as problem:
        _say(_memory_message(limits, str(problem).splitlines()[0]))
        return 1
    except duckdb.Error as problem:
        _say(explain_error(problem))
        return 1
    except BrokenPipeError:
        return 1
    finally:
        con.close()


if __name__ == "__main__":
    sys.exit(_child(int(sys.argv[1])))
