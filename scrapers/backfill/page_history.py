"""Page-history replay: every dated capture in ``pages-history/`` through today's parser.

What it is: ``pages-history/MANIFEST.csv`` lists real, dated versions of pricing pages
(Anthropic 2025-11 → 2026-08, Gemini, OpenRouter API bodies, OpenAI's 2026 page, ...), one
file per distinct page content, with the commit (or Wayback) time ``captured_at`` and the
page's original URL. This dataset replays each capture through the parser of the live source
that reads that page today, dated by the capture, so the warehouse gets the first-party price
history the nightly runs never saw; and because every capture must parse completely, it is
also the regression suite of those parsers (tests/test_page_history_replay.py).

Which parser: a capture's original URL is normalized (scheme, ``www.``, query, trailing
``/``, ``.md`` / ``.md.txt`` dropped) and matched against the normalized ``urls`` of every live
source (:func:`scrapers.registry.all_sources`); a page that moved is matched through
:data:`MOVED_PAGES` (old URL → the live URL that serves it now). A source added later (Z.ai's
bigmodel.cn list, MiniMax) is picked up with no change here when its ``urls`` hold the page's
URL, or with one line in :data:`MOVED_PAGES` when they do not.

When: the time the page was fetched when the file itself says so (the OpenRouter wrapper's
``fetched_at``, the ``fetched_at`` of the JokerRun / NickCollect mirror front matter; the
PROVENANCE files call these the real capture time, and the commit can trail it by up to a
day), otherwise ``captured_at``. A stated fetch time later than ``captured_at`` or more than
two days before it is not believed: the capture is reported, not replayed.

What the parser sees: exactly what the site served. The mirror's own front matter (JokerRun,
NickCollect: ``fetched_at``/``sha256``/``source_url`` keys) is cut off — the page's own YAML
front matter (Anthropic from 2026-08-13) is kept — and the OpenRouter wrapper is unwrapped to
the exact bytes of its ``body``.

A capture is stored only when it parses completely: any parse problem, no price at all, or no
parser for its page, and none of its prices are stored; each is reported as a row in
``parse_problems`` (``where`` names the file) and logged. Stored observations keep the live
parser's provider, sku, component, tier, effective date; ``page_hash`` is the hash of the
recorded file and ``source_url`` the capture's original URL.

Source names (why not the live source's): the rows load as ``page_history`` (first-party pages)
or ``page_history_aggregators`` (OpenRouter), never as ``anthropic_pricing`` or
``openrouter``. A backfill loads all captures in one run, so under the live name (a) the
loader's layout-drift yardstick (rows of the last good run) would become the sum of 20
captures and fail the next nightly run of that source, and (b) history only moves forward, so
after ``deflator run`` the captures older than the nightly recording would be dropped without a
word. ``prices_in_force`` ranks by source kind first: migration 012 gives ``page_history`` kind
``first_party_page_history`` (rank 2: below the live first-party page, above aggregators) and
``page_history_aggregators`` kind ``aggregator_history`` (rank 4: below the live aggregators).
Equal rank would let the cheaper of an old capture and tonight's page win (prices_in_force's
tie-break), hiding a real price rise; as a plain ``dataset`` a first-party page would lose to
every aggregator.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from flows.settings import load_settings
from schemas.enums import Leg
from schemas.observation import FetchedPage, Observation, ParseProblem
from scrapers.backfill.base import CSV_CONTENT_TYPE, Dataset, shared_url
from scrapers.base import ParseResult, Recording, Source

log = logging.getLogger("deflator.page_history")

FOLDER = "pages-history"
MANIFEST = f"{FOLDER}/MANIFEST.csv"
PARSER_VERSION = "1"
FIRST_PARTY = "page_history"
AGGREGATORS = "page_history_aggregators"
# Live sources that are aggregators (their kind in source_kinds, migration 005).
AGGREGATOR_SOURCES = frozenset({"openrouter", "litellm"})

# Pages that moved: the capture's normalized URL → the live URL its source reads now. One line
# per moved page; none is needed once the source's ``urls`` hold the capture's URL (a direct
# match wins: the OpenAI line serves only while openai_pricing still reads platform.openai.com).
MOVED_PAGES: dict[str, str] = {
    "docs.claude.com/en/docs/about-claude/pricing": (
        "https://platform.claude.com/docs/en/about-claude/pricing.md"
    ),
    "developers.openai.com/api/docs/pricing": "https://platform.openai.com/docs/pricing",
}

# A stated fetch time is believed when it is at most this long before the commit.
MAX_FETCH_LEAD = timedelta(days=2)
_MIRROR_FRONT_MATTER = re.compile(rb"\A---\r?\n(.*?)\r?\n---\r?\n", re.DOTALL)
_MIRROR_KEYS = (b"fetched_at:", b"sha256:", b"source_url:")


@dataclass(frozen=True)
class Capture:
    """One row of MANIFEST.csv: a dated version of a page."""

    provider: str
    file: str
    captured_at: datetime
    url: str
    content_type: str

    @property
    def path(self) -> str:
        return f"{FOLDER}/{self.provider}/{self.file}"

    @property
    def recording_url(self) -> str:
        return shared_url(self.path)


class CaptureError(ValueError):
    """A capture that cannot be handed to a parser as the site served it."""


def normalize_url(url: str) -> str:
    """Host and path only: no scheme, ``www.``, query, fragment, trailing ``/`` or ``.md``."""
    text = re.sub(r"^[a-z]+://", "", url.strip().lower())
    text = re.split(r"[?#]", text, maxsplit=1)[0]
    text = text.removeprefix("www.").rstrip("/")
    for suffix in (".md.txt", ".md"):
        text = text.removesuffix(suffix)
    return text


def read_manifest(text: str) -> list[Capture]:
    """The MANIFEST rows; a missing column is a layout change and fails the dataset."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    needed = {"provider", "file", "captured_at", "url", "content_type"}
    missing = needed - set(reader.fieldnames or [])
    if missing:
        raise ValueError(f"{MANIFEST}: columns missing: {sorted(missing)}")
    return [
        Capture(
            provider=row["provider"],
            file=row["file"],
            captured_at=datetime.fromisoformat(row["captured_at"]),
            url=row["url"],
            content_type=row["content_type"],
        )
        for row in reader
    ]


@cache
def manifest_captures(shared_data: Path) -> tuple[Capture, ...]:
    """The captures MANIFEST.csv lists (none when the file is missing: the fetch reports it)."""
    path = shared_data / MANIFEST
    if not path.is_file():
        return ()
    return tuple(read_manifest(path.read_text(encoding="utf-8")))


def live_source_for(capture: Capture, sources: dict[str, Source]) -> tuple[Source, str] | None:
    """The live source that parses this capture's page, and the live URL it reads it under."""
    wanted = normalize_url(capture.url)
    for source in sources.values():
        for url in source.urls:
            if normalize_url(url) == wanted:
                return source, url
    moved = MOVED_PAGES.get(wanted)
    if moved is not None:
        for source in sources.values():
            if moved in source.urls:
                return source, moved
    return None


def dataset_of(source_name: str) -> str:
    """Which replay dataset a live source's captures load under (by its source kind)."""
    return AGGREGATORS if source_name in AGGREGATOR_SOURCES else FIRST_PARTY


def page_as_served(capture: Capture, body: bytes) -> tuple[bytes, datetime]:
    """The bytes the site served and when they were fetched.

    Raises:
        CaptureError: the wrapper or front matter cannot be read, or its fetch time is not
            believable next to ``captured_at``.
    """
    stated: str | None = None
    if capture.provider == "openrouter":
        body, stated = _unwrap(body)
    else:
        match = _MIRROR_FRONT_MATTER.match(body)
        if match and any(key in match.group(1) for key in _MIRROR_KEYS):
            found = re.search(rb"^fetched_at:\s*(\S+)\s*$", match.group(1), re.MULTILINE)
            stated = found.group(1).decode() if found else None
            body = body[match.end() :].lstrip(b"\r\n")
    if stated is None:
        return body, capture.captured_at
    try:
        fetched_at = datetime.fromisoformat(stated.strip("\"'"))
    except ValueError as error:
        raise CaptureError(f"unreadable fetched_at {stated!r}") from error
    if fetched_at.tzinfo is None:
        raise CaptureError(f"fetched_at {stated!r} has no time zone")
    if not capture.captured_at - MAX_FETCH_LEAD <= fetched_at <= capture.captured_at:
        raise CaptureError(f"fetched_at {stated} does not fit captured_at {capture.captured_at}")
    return body, fetched_at


def _unwrap(body: bytes) -> tuple[bytes, str | None]:
    """The exact bytes of the wrapper's ``body`` (its last key) and its ``fetched_at``."""
    try:
        wrapper = json.loads(body)
    except json.JSONDecodeError as error:
        raise CaptureError(f"wrapper is not JSON: {error}") from error
    if not isinstance(wrapper, dict) or set(wrapper) != {"fetched_at", "url", "body"}:
        raise CaptureError("not a {fetched_at, url, body} wrapper")
    start = body.find(b'"body":')
    end = body.rstrip().rfind(b"}")
    raw = body[start + len(b'"body":') : end].strip() if start >= 0 else b""
    try:
        if json.loads(raw) != wrapper["body"]:
            raise CaptureError("wrapper body is not its last key")
    except json.JSONDecodeError as error:
        raise CaptureError("wrapper body is not its last key") from error
    return raw, wrapper["fetched_at"]


@dataclass
class Replayed:
    """What one capture gave: its observations (stored only when ``problems`` is empty)."""

    capture: Capture
    source: str | None  # the live source that parsed it; None: no parser for the page
    live_url: str | None  # the URL the live parser was given
    observations: list[Observation]
    problems: list[ParseProblem]
    skipped: int = 0

    @property
    def stored(self) -> bool:
        return bool(self.observations) and not self.problems


def replay_capture(capture: Capture, body: bytes, sources: dict[str, Source]) -> Replayed:
    """Parse one capture with today's parser of its page, dated by the capture."""
    found = live_source_for(capture, sources)
    if found is None:
        return Replayed(capture, None, None, [], [_problem(capture, "no parser for this page")])
    source, live_url = found
    try:
        served, fetched_at = page_as_served(capture, body)
    except CaptureError as error:
        return Replayed(capture, source.name, live_url, [], [_problem(capture, str(error))])
    page = FetchedPage(
        source=source.name,
        url=live_url,
        status=200,
        headers={"content-type": capture.content_type},
        body=served,
        fetched_at=fetched_at,
        replayed=True,
    )
    result = source.parse(page)
    problems = [
        p.model_copy(update={"url": capture.url, "where": f"{capture.path}: {p.where}"})
        for p in result.problems
    ]
    if not result.observations and not problems:
        problems.append(_problem(capture, f"{source.name} found no price on the page"))
    skipped = sum(result.skipped.values())
    return Replayed(capture, source.name, live_url, result.observations, problems, skipped)


def _problem(capture: Capture, reason: str) -> ParseProblem:
    return ParseProblem(
        source=FIRST_PARTY, url=capture.url, text=capture.file, reason=reason, where=capture.path
    )


def _relabel(replayed: Replayed, dataset: str, page_hash: str) -> list[Observation]:
    """The capture's observations under the replay dataset's name and the file's hash."""
    out = []
    for obs in replayed.observations:
        update: dict[str, object] = {"source": dataset, "page_hash": page_hash}
        if obs.source_url == replayed.live_url:
            update["source_url"] = replayed.capture.url
        out.append(obs.model_copy(update=update))
    return out


def _parse_for(dataset: str):
    """The parse function of one replay dataset (both read the same recordings)."""

    def parse(page: FetchedPage) -> ParseResult:
        return parse_page(page, dataset)

    return parse


def parse_page(page: FetchedPage, dataset: str) -> ParseResult:
    """A recorded capture → the stored observations of ``dataset`` (or its problems).

    The MANIFEST itself is a recording of the first-party dataset: parsing it reports every
    capture that has no parser (no other dataset would ever see those).
    """
    out = ParseResult()
    sources = _live_sources()
    if page.url == shared_url(MANIFEST):
        if dataset == FIRST_PARTY:
            for capture in read_manifest(page.text()):
                if live_source_for(capture, sources) is None:
                    out.problems.append(_problem(capture, "no parser for this page"))
                    out.skipped["capture with no parser"] += 1
                    _log_not_replayed(capture, "no parser for this page")
        return out
    capture = _captures_by_url().get(page.url)
    if capture is None:
        raise ValueError(f"{page.url} is not a capture listed in {MANIFEST}")
    found = live_source_for(capture, sources)
    if found is None or dataset_of(found[0].name) != dataset:
        return out  # another dataset's capture, or reported with the MANIFEST
    replayed = replay_capture(capture, page.body, sources)
    if replayed.stored:
        out.observations.extend(_relabel(replayed, dataset, page.sha256))
        out.skipped["not a list price (live parser)"] += replayed.skipped
    else:
        out.problems.extend(p.model_copy(update={"source": dataset}) for p in replayed.problems)
        out.problems.append(
            _problem(capture, f"capture not stored: {len(replayed.problems)} problem(s)")
        )
        out.skipped["capture not stored"] += 1
        _log_not_replayed(capture, replayed.problems[0].reason)
    return out


def _log_not_replayed(capture: Capture, reason: str) -> None:
    log.warning("page history: %s not replayed: %s", capture.path, reason)


def _live_sources() -> dict[str, Source]:
    from scrapers.registry import all_sources  # the live registry, imported when parsing

    return all_sources()


def _shared_data() -> Path:
    return load_settings().shared_data


def _captures_by_url() -> dict[str, Capture]:
    return {c.recording_url: c for c in manifest_captures(_shared_data())}


def recordings(captures: Iterable[Capture], *, with_manifest: bool) -> tuple[Recording, ...]:
    """The recordings a replay dataset fetches: its captures (and the MANIFEST)."""
    found = [
        Recording(
            url=c.recording_url,
            path=c.path,
            captured_at=c.captured_at,
            content_type=c.content_type,
        )
        for c in captures
    ]
    if with_manifest:
        newest = max((c.captured_at for c in captures), default=None)
        found.insert(
            0,
            Recording(
                url=shared_url(MANIFEST),
                path=MANIFEST,
                captured_at=newest or datetime.fromisoformat("2026-08-22T15:55:46+00:00"),
                content_type=CSV_CONTENT_TYPE,
            ),
        )
    return tuple(found)


def _dataset(name: str, kind: str, captures: list[Capture], with_manifest: bool) -> Dataset:
    source = Source(
        name=name,
        leg=Leg.LLM,
        description=f"pages-history/ captures of {kind} replayed through today's parsers",
        urls=(),
        recordings=recordings(captures, with_manifest=with_manifest),
        parser_version=PARSER_VERSION,
        parse=_parse_for(name),
    )
    return Dataset(
        source=source,
        provenance=(
            f"{FOLDER}/MANIFEST.csv and PROVENANCE.md per provider: public mirrors' git history "
            "(costiash/claude-code-docs, JokerRun/claude-docs-sitemap, NickCollect/ai-coding-"
            "runbook, lzc0403/token-pricing-scraper, petehsu/LLM-Docs) and Wayback excerpts"
        ),
        license="page texts are the providers'; mirrors MIT or unlicensed (see PROVENANCE.md)",
        about=(
            f"Every capture of {kind} in {FOLDER}/MANIFEST.csv, parsed by today's parser "
            "of the live source that reads that page, observed at the capture's fetch time "
            "(the file's own fetched_at, else captured_at). A capture that does not parse "
            "completely, finds no price or has no parser is reported in parse_problems and "
            "not stored. See docs/page-history-and-cross-check.md."
        ),
    )


def build_datasets(shared_data: Path) -> tuple[Dataset, Dataset]:
    """The first-party and the aggregator replay datasets over the MANIFEST's captures."""
    captures = manifest_captures(shared_data)
    sources = _live_sources()
    by_dataset: dict[str, list[Capture]] = {FIRST_PARTY: [], AGGREGATORS: []}
    for capture in captures:
        found = live_source_for(capture, sources)
        if found is not None:
            by_dataset[dataset_of(found[0].name)].append(capture)
    return (
        _dataset(FIRST_PARTY, "a first-party pricing page", by_dataset[FIRST_PARTY], True),
        _dataset(AGGREGATORS, "an aggregator's listing", by_dataset[AGGREGATORS], False),
    )


DATASETS = build_datasets(_shared_data())
