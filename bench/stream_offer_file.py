"""Benchmark: stream a generated AWS Price List offer file and measure peak memory.

The real EC2 offer file is several GB, so the reader (``scrapers/aws_offer_file.py``) must not
hold it. This script writes a synthetic offer file of the requested size (the real format:
``products`` then ``terms.OnDemand`` / ``terms.Reserved``; a fixed number of GPU products,
the rest filled with non-GPU products, as in the real file where GPU SKUs are a small, steady
share), then reads it in a child process (so the generator's memory does not count) through
the same ``aws_ec2.offer_price`` path the source uses, and prints: file size, prices read,
seconds, the child's resident memory after imports and its peak resident memory.

Run::

    .venv/bin/python bench/stream_offer_file.py                 # 1 GiB and 100 MiB files
    .venv/bin/python bench/stream_offer_file.py --size-mb 300   # one size

Every price in the generated file is synthetic (not an AWS price).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GPU_PRODUCTS = 5_000
_GPU_TYPES = ("p5.48xlarge", "p5en.48xlarge", "p4d.24xlarge", "g6e.12xlarge", "g5.xlarge")
_REGIONS = ("us-east-1", "us-east-2", "us-west-2", "eu-west-1", "ap-northeast-1")


def _product(index: int, gpu: bool) -> str:
    instance = _GPU_TYPES[index % len(_GPU_TYPES)] if gpu else f"m{index % 9}.large"
    attributes = {
        "servicecode": "AmazonEC2",
        "instanceType": instance,
        "instanceFamily": "GPU instance" if gpu else "General purpose",
        "location": "US East (N. Virginia)",
        "regionCode": _REGIONS[index % len(_REGIONS)],
        "operatingSystem": ("Linux", "Windows", "RHEL", "SUSE")[index % 4],
        "tenancy": ("Shared", "Dedicated", "Host")[index % 3],
        "preInstalledSw": "NA",
        "licenseModel": "No License required",
        "capacitystatus": "Used",
        "marketoption": "OnDemand",
        "vcpu": "96",
        "memory": "1152 GiB",
        "storage": "8 x 1000 SSD",
        "networkPerformance": "400 Gigabit",
        "operation": "RunInstances",
        "usagetype": f"BoxUsage:{instance}",
    }
    sku = f"SKU{index:010d}"
    return (
        json.dumps(sku)
        + ":"
        + json.dumps({"sku": sku, "productFamily": "Compute Instance", "attributes": attributes})
    )


def _term(index: int, reserved: bool) -> str:
    sku = f"SKU{index:010d}"
    code = f"{sku}.{'4NA7Y494T4' if reserved else 'JRTCKXETXF'}"
    term = {
        "offerTermCode": code.split(".")[1],
        "sku": sku,
        "effectiveDate": "2025-06-05T00:00:00Z",
        "priceDimensions": {
            f"{code}.6YS6EN2CT7": {
                "unit": "Hrs",
                "endRange": "Inf",
                "description": "synthetic price for a benchmark",
                "appliesTo": [],
                "rateCode": f"{code}.6YS6EN2CT7",
                "beginRange": "0",
                "pricePerUnit": {"USD": f"{1 + (index % 997) / 100:.10f}"},
            }
        },
        "termAttributes": (
            {
                "LeaseContractLength": "1yr",
                "OfferingClass": "standard",
                "PurchaseOption": "No Upfront",
            }
            if reserved
            else {}
        ),
    }
    return json.dumps(sku) + ":{" + json.dumps(code) + ":" + json.dumps(term) + "}"


def generate(path: Path, size_bytes: int) -> int:
    """Write an offer file of about ``size_bytes``; returns the number of products."""
    per_product = len(_product(0, False)) + 2 * len(_term(0, False)) + 4
    products = max(GPU_PRODUCTS * 2, size_bytes // per_product)
    with path.open("w", encoding="utf-8", buffering=1 << 20) as out:
        out.write('{"formatVersion":"v1.0","offerCode":"AmazonEC2",')
        out.write('"publicationDate":"2026-11-01T00:00:00Z","products":{')
        out.write(_product(0, True))
        for i in range(1, products):
            out.write("," + _product(i, i < GPU_PRODUCTS))
        out.write('},"terms":{"OnDemand":{')
        out.write(_term(0, False))
        for i in range(1, products):
            out.write("," + _term(i, False))
        out.write('},"Reserved":{')
        out.write(_term(0, True))
        for i in range(1, products):
            out.write("," + _term(i, True))
        out.write("}}}")
    return products


def _rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def read(path: Path) -> dict[str, float]:
    """Child side: stream the file through the aws_ec2 offer-file path; report figures."""
    from datetime import UTC, datetime

    from schemas.enums import Leg
    from schemas.observation import FetchedPage
    from scrapers.aws_offer_file import iter_offer_prices
    from scrapers.collect import PageCollector
    from scrapers.sources.aws_ec2 import is_gpu_product, offer_price

    after_imports = _rss_kb()
    page = FetchedPage(  # stands for the file: the collector only needs provenance
        source="aws_ec2",
        url="file://" + str(path),
        status=200,
        body=b"",
        fetched_at=datetime.now(UTC),
    )
    out = PageCollector(page, source="aws_ec2", leg=Leg.COMPUTE, parser_version="bench")
    started = time.perf_counter()
    read_prices = 0
    with path.open("rb") as stream:
        for price in iter_offer_prices(stream, keep=is_gpu_product):
            read_prices += 1
            offer_price(out, price)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {
        "prices_read": read_prices,
        "observations": len(out.result.observations),
        "seconds": round(seconds, 1),
        "rss_after_imports_mib": round(after_imports / 1024, 1),
        "peak_rss_mib": round(peak / 1024, 1),
    }


def run(size_mb: int, folder: Path) -> dict[str, float]:
    path = folder / f"offer_{size_mb}mb.json"
    started = time.perf_counter()
    products = generate(path, size_mb * 1024 * 1024)
    generated = time.perf_counter() - started
    child = subprocess.run(
        [sys.executable, __file__, "--read", str(path)],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    figures = json.loads(child.stdout)
    figures.update(
        file_mib=round(path.stat().st_size / 1024 / 1024, 1),
        products=products,
        gpu_products=GPU_PRODUCTS,
        generate_seconds=round(generated, 1),
    )
    path.unlink()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, action="append", help="file size(s) in MiB")
    parser.add_argument("--read", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.read:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        print(json.dumps(read(args.read)))
        return
    sizes = args.size_mb or [100, 1024]
    with tempfile.TemporaryDirectory(prefix="deflator-bench-") as folder:
        for size in sizes:
            figures = run(size, Path(folder))
            print(
                f"offer file {figures['file_mib']:>7} MiB ({figures['products']:,} products, "
                f"{figures['gpu_products']:,} GPU): {figures['prices_read']:,} prices read, "
                f"{figures['observations']:,} observations in {figures['seconds']} s; "
                f"RSS after imports {figures['rss_after_imports_mib']} MiB, "
                f"peak RSS {figures['peak_rss_mib']} MiB "
                f"(generated in {figures['generate_seconds']} s)"
            )


if __name__ == "__main__":
    main()
