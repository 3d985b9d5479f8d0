"""Streaming: peak resident memory while reading a 1 GB AWS Price List offer file.

The real EC2 offer file is several GB, so its reader (``scrapers/aws_offer_file.py``) must not
hold it. ``synth.write_offer_file`` writes one in the real shape; a child process (so the
generator's memory does not count) streams it through the same path the ``aws_ec2`` source
uses (``iter_offer_prices`` with the source's GPU filter, each price through ``offer_price``
into a PageCollector) and reports its peak RSS (``VmHWM``).

Reference: the same child's RSS right after its imports (Python, pydantic, ijson, the
source modules): the memory any reader starts from. The ratio is peak ÷ that floor.

Run alone (the former ``bench/stream_offer_file.py``)::

    .venv/bin/python -m bench.streaming --size-mb 1024
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import Result, load_average, rss_mib

GOAL_MIB = 500.0


def read(path: Path) -> dict[str, float]:
    """Child side: stream the file through the aws_ec2 offer-file path; report figures."""
    from datetime import UTC, datetime

    from schemas.enums import Leg
    from schemas.observation import FetchedPage
    from scrapers.aws_offer_file import iter_offer_prices
    from scrapers.collect import PageCollector
    from scrapers.sources.aws_ec2 import is_gpu_product, offer_price

    after_imports = rss_mib()
    page = FetchedPage(  # stands for the file: the collector only needs provenance
        source="aws_ec2",
        url="file://" + str(path),
        status=200,
        body=b"",
        fetched_at=datetime.now(UTC),
    )
    out = PageCollector(page, source="aws_ec2", leg=Leg.COMPUTE, parser_version="bench")
    started = time.perf_counter()
    prices = 0
    with path.open("rb") as stream:
        for price in iter_offer_prices(stream, keep=is_gpu_product):
            prices += 1
            offer_price(out, price)
    return {
        "prices_read": prices,
        "observations": len(out.result.observations),
        "seconds": round(time.perf_counter() - started, 1),
        "rss_after_imports_mib": round(after_imports, 1),
        "peak_rss_mib": round(rss_mib("VmHWM"), 1),
    }


def measure(path: Path) -> dict[str, float]:
    """Read ``path`` in a fresh child process and return its figures."""
    child = subprocess.run(
        [sys.executable, "-m", "bench.streaming", "--read", str(path)],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    return json.loads(child.stdout)


def run(work: Path, size_mb: int) -> list[Result]:
    from bench import synth  # not in the child: DuckDB's import alone changes its memory

    path = work / f"offer_{size_mb}mb.json"
    started = time.perf_counter()
    products = synth.write_offer_file(path, size_mb * 1024 * 1024)
    generated = time.perf_counter() - started
    start_load = load_average()
    try:
        figures = measure(path)
        size = path.stat().st_size / 1024 / 1024
    finally:
        path.unlink(missing_ok=True)
    peak, floor = figures["peak_rss_mib"], figures["rss_after_imports_mib"]
    return [
        Result(
            benchmark="streaming (AWS offer file)",
            figure=f"{peak:.0f} MiB peak RSS reading {size:,.0f} MiB "
            f"({figures['prices_read']:,} prices, {figures['seconds']:.0f} s)",
            reference=f"{floor:.0f} MiB (the reader's RSS after imports)",
            ratio=f"{peak / floor:.2f}×",
            goal=f"< {GOAL_MIB:g} MB",
            met=peak < GOAL_MIB,
            load=(start_load, load_average()),
            seconds=figures["seconds"],
            details={
                **figures,
                "file_mib": round(size, 1),
                "products": products,
                "gpu_products": synth.GPU_PRODUCTS,
                "generate_seconds": round(generated, 1),
            },
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, action="append", help="file size(s) in MiB")
    parser.add_argument("--read", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.read:
        print(json.dumps(read(args.read)))
        return
    with tempfile.TemporaryDirectory(prefix="deflator-bench-") as folder:
        for size in args.size_mb or [100, 1024]:
            for result in run(Path(folder), size):
                print(f"{result.figure}; {result.reference}; {result.details}")


if __name__ == "__main__":
    main()
