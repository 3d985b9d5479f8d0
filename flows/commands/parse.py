"""`deflator parse SOURCE FILE`: what one page would give, without the warehouse or the network.

The tool for a page that drifted: run a source's parser on a local file (a recording, a page
saved from a browser, a capture from ``pages-history/``) and see every observation it would
store, every problem it would report and what it skipped, then a one-line summary. The page
is handed to the parser exactly as a fetch would (URL, fetch time, Content-Type), so what is
printed is what a nightly run would load.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

from flows.commands._common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, error
from flows.settings import Settings

NAME = "parse"
ORDER = 45
HELP = "run a source's parser on a local file and print what the page would give"

FORMATS = ("table", "csv", "json")
OBSERVATION_COLUMNS = (
    "sku",
    "model",
    "component",
    "tier",
    "region",
    "price",
    "currency",
    "unit",
    "effective_date",
    "published_text",
)
PROBLEM_COLUMNS = ("where", "text", "reason")
# Content-Type by file extension; other files get the source's recorded Content-Type.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".markdown": "text/markdown; charset=utf-8",
    ".json": "application/json",
    ".csv": "text/csv; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = textwrap.fill(
        "Run SOURCE's parser on FILE and print the observations it would store (sku, model, "
        "component, tier, region, price, currency, unit, effective date, published text), the "
        "problems it reports (where, text, reason), what it skipped, and a one-line summary. "
        "Nothing is fetched and the warehouse is not opened; FILE is one page (a paged API's "
        "next pages are not followed). Exit status 1 when the page gave problems or no "
        "observations (or the parser failed), 2 on a usage error, 0 otherwise."
    )
    parser.epilog = (
        "examples:\n"
        "  deflator parse openai_pricing "
        "$DEFLATOR_SHARED_DATA/pages-history/openai/lzc0403_pricing-raw_2026-08-21.html \\\n"
        "      --url https://developers.openai.com/api/docs/pricing --at 2026-08-21T12:37:46Z\n"
        "  deflator parse openrouter page.json --format json | jq .summary\n\n"
        "A FILE that is one of the source's recordings, or is listed in "
        "pages-history/MANIFEST.csv, gets its URL, capture time and Content-Type unless "
        "--url / --at / --content-type say otherwise."
    )
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("source", metavar="SOURCE", help="source name (see `deflator sources`)")
    parser.add_argument("file", metavar="FILE", type=Path, help="the page's body, as fetched")
    parser.add_argument(
        "--url",
        help="URL the parser sees the page as (some sources dispatch on it); default: the "
        "recorded URL of a known capture, else the source's first URL",
    )
    parser.add_argument(
        "--at",
        metavar="TIMESTAMP",
        help="when the page was observed, ISO 8601 (2026-08-21T12:37:46Z; a date means "
        "midnight UTC); default: the capture time of a known capture, else now",
    )
    parser.add_argument(
        "--content-type",
        help="Content-Type the page is served with (default: by the file's extension)",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help="table (default); csv: one row per observation or problem (column 'kind'); "
        "json: one object with observations, problems, skipped and summary",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    from schemas.observation import FetchedPage
    from scrapers.registry import all_sources

    sources = all_sources()
    source = sources.get(args.source)
    if source is None:
        error(f"unknown source {args.source!r}; known: {', '.join(sources)}")
        return EXIT_USAGE
    path: Path = args.file
    try:
        body = path.read_bytes()
    except FileNotFoundError:
        error(f"no such file: {path}")
        return EXIT_USAGE
    except OSError as exc:
        error(f"cannot read {path}: {exc.strerror or exc}")
        return EXIT_USAGE
    recording = _recording_of(source, path, settings)
    try:
        observed_at = _timestamp(args.at) if args.at else None
    except ValueError as exc:
        error(f"bad --at {args.at!r}: {exc}; expected ISO 8601 such as 2026-08-21T12:37:46Z")
        return EXIT_USAGE
    if observed_at is None:
        observed_at = recording.captured_at if recording else datetime.now(UTC)
    url = args.url or (recording.url if recording else source.urls[0])
    content_type = (
        args.content_type
        or (recording.content_type if recording else None)
        or CONTENT_TYPES.get(path.suffix.lower())
        or (source.recordings[0].content_type if source.recordings else "text/plain")
    )
    page = FetchedPage(
        source=source.name,
        url=url,
        status=200,
        headers={"content-type": content_type},
        body=body,
        fetched_at=observed_at,
        replayed=True,
    )
    result = _parse(source, page)
    failed = bool(result.problems) or not result.observations
    summary = _summary(source.name, path, result, failed)
    if args.format == "json":
        json.dump(_as_json(source.name, page, result, summary), sys.stdout, indent=2)
        print()
    elif args.format == "csv":
        _write_csv(result)
        print(summary, file=sys.stderr)
    else:
        _print_tables(result)
        print(summary)
    return EXIT_FAILED if failed else EXIT_OK


def _parse(source, page):
    """The parser's result. A parser that raises fails its source in a nightly run (nothing of
    the page is stored): that is shown as no observations and a problem naming the exception,
    after the problems the parser reported before failing (an exception's ``result``)."""
    from schemas.observation import ParseProblem
    from scrapers.base import ParseResult

    try:
        return source.parse(page)
    except Exception as exc:  # the page, not this command, is what failed
        partial = getattr(exc, "result", None)
        result = ParseResult()
        if isinstance(partial, ParseResult):
            result.problems.extend(partial.problems)
            result.skipped.update(partial.skipped)
        result.problems.append(
            ParseProblem(
                source=source.name,
                url=page.url,
                text=type(exc).__name__,
                reason=f"parser failed, the source would fail: {exc}",
                where="page",
            )
        )
        return result


def _recording_of(source, path: Path, settings: Settings):
    """What is known of ``path`` as a capture: one of the source's recordings, else its row in
    ``pages-history/MANIFEST.csv`` (URL, ``captured_at``, Content-Type), else None."""
    from scrapers.base import Recording

    resolved = path.resolve()
    for recording in source.recordings:
        if (settings.shared_data / recording.path).resolve() == resolved:
            return recording
    history = settings.shared_data / "pages-history"
    manifest = history / "MANIFEST.csv"
    if not manifest.is_file():
        return None
    with manifest.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if (history / row["provider"] / row["file"]).resolve() == resolved:
                return Recording(
                    url=row["url"],
                    path=f"pages-history/{row['provider']}/{row['file']}",
                    captured_at=_timestamp(row["captured_at"]),
                    content_type=row["content_type"],
                )
    return None


def _timestamp(text: str) -> datetime:
    """An ISO 8601 time (``Z`` allowed; no zone means UTC; a date means midnight UTC)."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _observation_row(obs) -> list[object]:
    return [
        obs.sku,
        obs.model or "",
        obs.component.value,
        obs.tier,
        obs.region,
        obs.price,
        obs.currency.value,
        obs.unit.value,
        obs.effective_date.isoformat() if obs.effective_date else "",
        obs.published_text,
    ]


def _summary(name: str, path: Path, result, failed: bool) -> str:
    skipped = sum(result.skipped.values())
    counts = (
        f"{len(result.observations)} observations, {len(result.problems)} problems, "
        f"{skipped} skipped"
    )
    if not failed:
        return f"ok: {name} read {counts} from {path}"
    why = "problems reported" if result.problems else "no prices found"
    return f"FAILED ({why}): {name} read {counts} from {path}"


def _print_tables(result) -> None:
    from flows.tables import render_table

    if result.observations:
        rows = [_observation_row(o) for o in result.observations]
        print(render_table(OBSERVATION_COLUMNS, rows))
    if result.problems:
        print(f"\nproblems ({len(result.problems)}):")
        rows = [[p.where, _one_line(p.text), _one_line(p.reason)] for p in result.problems]
        print(render_table(PROBLEM_COLUMNS, rows))
    if result.skipped:
        print("\nskipped:")
        rows = [[reason, count] for reason, count in result.skipped.most_common()]
        print(render_table(("reason", "count"), rows))
    print()


def _one_line(text: str) -> str:
    """Text on one line, so a table row stays one row (the table fits it to a terminal)."""
    return " ".join(text.split())


def _write_csv(result) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["kind", *OBSERVATION_COLUMNS, *PROBLEM_COLUMNS])
    blank_problem = [""] * len(PROBLEM_COLUMNS)
    for obs in result.observations:
        writer.writerow(["observation", *_observation_row(obs), *blank_problem])
    for p in result.problems:
        writer.writerow(["problem", *[""] * len(OBSERVATION_COLUMNS), p.where, p.text, p.reason])


def _as_json(name: str, page, result, summary: str) -> dict:
    return {
        "source": name,
        "url": page.url,
        "observed_at": page.fetched_at.isoformat(),
        "observations": [
            dict(zip(OBSERVATION_COLUMNS, map(_json_value, _observation_row(o)), strict=True))
            for o in result.observations
        ],
        "problems": [
            {"where": p.where, "text": p.text, "reason": p.reason} for p in result.problems
        ],
        "skipped": dict(result.skipped.most_common()),
        "summary": summary,
    }


def _json_value(value: object) -> object:
    """Prices as strings, so they stay exact (JSON numbers are read back as floats)."""
    return value if isinstance(value, str) else str(value)
