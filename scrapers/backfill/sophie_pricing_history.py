"""The daily LiteLLM + OpenRouter price snapshot and change log of sophie-nguyenthuthuy.

Attribution (CC BY 4.0, as the data's license requires): Nguyen Thu Thuy,
"llm-pricing-history: a daily-refreshed history of LLM API pricing", GitHub, 2026,
https://github.com/sophie-nguyenthuthuy/llm-pricing-history (data/ is CC BY 4.0; code MIT).

What it is: three byte-for-byte files of that repository: ``latest_2026-08-09_baseline.csv``
(data/latest.csv at the first commit, 2026-08-09T02:45:08Z), ``latest_2026-08-22.csv`` and
``history_2026-08-09_to_2026-08-22.csv`` (data/latest.csv and data/history.csv at commit
bcb02a9, 2026-08-22T03:57:57Z). Snapshots: source (litellm | openrouter), provider, model,
input / output / cache read USD per 1M tokens. History: date, event (added | changed |
removed), source, provider, model, field, old, new; ``added`` carries "input/output".

Dates: snapshot prices are observed at their commit. A history event is observed on its
date; the file gives no time, so events are timed at 03:57:57 UTC, the time of day of the
daily CI commit that wrote the file (an event of 2026-08-09 thus follows the baseline taken at
02:45:08 that day). No effective dates.

Mapping: provider = ``openrouter`` for OpenRouter rows (the seller, as the nightly
``openrouter`` source), the LiteLLM provider for LiteLLM rows; sku = model = the model id.
``:free`` ids are skipped (free variants), and so are OpenRouter's negative router prices
(variable price); zero prices ("0/0") are observed and quarantined by
the warehouse. A ``changed`` event with an empty new value (a component dropped) and a
``removed`` event cannot close a series from a dataset and are counted as skipped.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from schemas.enums import Component, Currency, Leg
from schemas.observation import GLOBAL_REGION, STANDARD_TIER, FetchedPage
from schemas.units import PER_1M_TOKENS, PriceParseError, normalize, parse_amount
from scrapers.backfill.base import CSV_CONTENT_TYPE, Dataset, DatasetCollector, csv_rows
from scrapers.base import ParseResult, Recording, Source
from scrapers.collect import round_to_stored_scale

NAME = "sophie_pricing_history"
PARSER_VERSION = "1"
REPO = "https://github.com/sophie-nguyenthuthuy/llm-pricing-history"
FIRST_COMMIT = "e698a3fd4d0a2f9cd6414df0176d9e5fe100c3f5"
LAST_COMMIT = "bcb02a94263cfeb691fb4b506b4e412d3018901f"
_RAW = "https://raw.githubusercontent.com/sophie-nguyenthuthuy/llm-pricing-history"
BASELINE_URL = f"{_RAW}/{FIRST_COMMIT}/data/latest.csv"
LATEST_URL = f"{_RAW}/{LAST_COMMIT}/data/latest.csv"
HISTORY_URL = f"{_RAW}/{LAST_COMMIT}/data/history.csv"
BASELINE_AT = datetime(2026, 8, 9, 2, 45, 8, tzinfo=UTC)  # 2026-08-09T09:45:08+07:00
LATEST_AT = datetime(2026, 8, 22, 3, 57, 57, tzinfo=UTC)
EVENT_TIME = time(3, 57, 57, tzinfo=UTC)
ATTRIBUTION = (
    'Nguyen Thu Thuy, "llm-pricing-history: a daily-refreshed history of LLM API pricing", '
    f"GitHub, 2026, {REPO} (data: CC BY 4.0)"
)
FIELDS = {
    "input_usd_per_mtok": Component.INPUT,
    "output_usd_per_mtok": Component.OUTPUT,
    "cache_read_usd_per_mtok": Component.CACHED_INPUT,
}
_SNAPSHOT_COLUMNS = {"source", "provider", "model", *FIELDS}
_HISTORY_COLUMNS = {"date", "event", "source", "provider", "model", "field", "old", "new"}


def seller(row: dict[str, str]) -> str:
    """Who sells at the row's price: OpenRouter for its rows, else the LiteLLM provider."""
    return "openrouter" if row["source"] == "openrouter" else (row["provider"] or "unknown")


def parse(page: FetchedPage) -> ParseResult:
    """Read a snapshot or the change log (told apart by the recording's URL)."""
    out = DatasetCollector(page, source=NAME, leg=Leg.LLM, parser_version=PARSER_VERSION)
    if page.url == HISTORY_URL:
        _parse_history(out, page)
    elif page.url in (BASELINE_URL, LATEST_URL):
        _parse_snapshot(out, page)
    else:
        raise ValueError(f"{NAME}: no recording is served at {page.url}")
    return out.result


def _parse_snapshot(out: DatasetCollector, page: FetchedPage) -> None:
    for number, row in enumerate(csv_rows(page, _SNAPSHOT_COLUMNS), start=2):
        if row["model"].endswith(":free"):
            out.skip("free variant")
            continue
        for field, component in FIELDS.items():
            if row[field]:
                _price(out, row, component, row[field], field, f"row {number}", page.fetched_at)


def _parse_history(out: DatasetCollector, page: FetchedPage) -> None:
    for number, row in enumerate(csv_rows(page, _HISTORY_COLUMNS), start=2):
        where = f"row {number}"
        if row["model"].endswith(":free"):
            out.skip("free variant")
            continue
        when = datetime.combine(datetime.fromisoformat(row["date"]).date(), EVENT_TIME)
        event = row["event"]
        if event == "removed":
            out.skip("removed: a dataset cannot close a series")
        elif event == "added":
            parts = row["new"].split("/")
            if len(parts) != 2:
                out.problem(row["new"], "added event without 'input/output'", where)
                continue
            for component, text in zip((Component.INPUT, Component.OUTPUT), parts, strict=True):
                _price(out, row, component, text, "new (input/output)", where, when)
        elif event == "changed":
            component = FIELDS.get(row["field"])
            if component is None:
                out.problem(row["field"], "changed event names an unknown field", where)
            elif not row["new"]:
                out.skip("component dropped: a dataset cannot close a series")
            else:
                _price(out, row, component, row["new"], row["field"], where, when)
        else:
            out.problem(event, "unknown event", where)


def _price(
    out: DatasetCollector,
    row: dict[str, str],
    component: Component,
    text: str,
    field: str,
    where: str,
    when: datetime,
) -> None:
    try:
        amount = parse_amount(text)
        if amount < 0:
            out.skip("variable price (router)")
            return
        price = round_to_stored_scale(normalize(amount, PER_1M_TOKENS))
    except PriceParseError as error:
        out.problem(text, error.reason, where)
        return
    out.dated_price(
        provider=seller(row),
        sku=row["model"],
        model=row["model"],
        component=component,
        tier=STANDARD_TIER,
        region=GLOBAL_REGION,
        currency=Currency.USD,
        price=price,
        published_text=text,
        published_unit=f"USD per 1M tokens ({field})",
        where=where,
        observed_at=when,
    )


SOURCE = Source(
    name=NAME,
    leg=Leg.LLM,
    description=(
        "Daily LiteLLM + OpenRouter snapshot and change log 2026-08-09..22, CC BY 4.0: "
        + ATTRIBUTION
    ),
    urls=(BASELINE_URL, HISTORY_URL, LATEST_URL),
    recordings=(
        Recording(
            url=BASELINE_URL,
            path="llm/llm_pricing_history_sophie/latest_2026-08-09_baseline.csv",
            captured_at=BASELINE_AT,
            content_type=CSV_CONTENT_TYPE,
        ),
        Recording(
            url=HISTORY_URL,
            path="llm/llm_pricing_history_sophie/history_2026-08-09_to_2026-08-22.csv",
            captured_at=LATEST_AT,
            content_type=CSV_CONTENT_TYPE,
        ),
        Recording(
            url=LATEST_URL,
            path="llm/llm_pricing_history_sophie/latest_2026-08-22.csv",
            captured_at=LATEST_AT,
            content_type=CSV_CONTENT_TYPE,
        ),
    ),
    parser_version=PARSER_VERSION,
    parse=parse,
)

DATASET = Dataset(
    source=SOURCE,
    provenance=(
        f"{REPO} data/latest.csv at commits {FIRST_COMMIT} (2026-08-09) and {LAST_COMMIT} "
        f"(2026-08-22), data/history.csv at {LAST_COMMIT}"
    ),
    license=f"CC BY 4.0 (data/); cite {ATTRIBUTION}",
    about=(
        "sophie-nguyenthuthuy/llm-pricing-history (CC BY 4.0, Nguyen Thu Thuy 2026): daily "
        "LiteLLM + OpenRouter snapshots (2026-08-09, 2026-08-22) and the change log between. "
        "observed_at = the snapshot commit, or the event's date at the CI's 03:57:57 UTC."
    ),
    cadence_days=1,  # daily snapshots and change log
    stale_after_days=7,
)
