"""Exchange rates: the ECB parser on the recorded history, the USD conversion rule (rate of the
price's own date, at most 7 days back), the marts' price_usd, and `deflator cost --currency`.

Reference values are the ECB's, read from fx/eurofxref-hist.csv in the shared data and listed
in fx/PROVENANCE.md's sample table (e.g. 2026-09-18: USD 1.146, CNY 7.6755 per EUR).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_EVEN, Decimal

import pytest

from flows.cli import main
from schemas.fx import FxRate
from schemas.observation import FetchedPage
from scrapers import fx_ecb
from warehouse.connection import connect
from warehouse.fx import MAX_GAP_DAYS, NoRate, UsdRate, load_rates, rate_on
from warehouse.snapshot import publish_snapshot

# ECB 2026-09-18 (a Friday), from eurofxref-hist.csv: 1 EUR = 1.146 USD = 7.6755 CNY.
USD_0918, CNY_0918 = Decimal("1.146"), Decimal("7.6755")
RATES_FILE: list = []  # where rates_db lives, for the command-line tests


def _page(body: bytes, url: str) -> FetchedPage:
    return FetchedPage(
        source=fx_ecb.NAME, url=url, status=200, body=body, fetched_at=datetime.now(UTC)
    )


@pytest.fixture(scope="module")
def history(shared_data):
    body = (shared_data / "fx" / "eurofxref-hist.zip").read_bytes()
    return fx_ecb.parse(_page(body, fx_ecb.HISTORY_URL))


@pytest.fixture(scope="module")
def rates_db(history, tmp_path_factory):
    """A migrated warehouse holding the recorded ECB history and three hand-made prices."""
    path = tmp_path_factory.mktemp("fx") / "w.duckdb"
    RATES_FILE.append(path)
    con = connect(path)
    load_rates(con, history.rates, "test-run")
    for sku, currency, seen in [
        ("cny-friday", "CNY", "2026-09-18 10:00"),
        ("eur-saturday", "EUR", "2026-09-19 10:00"),
        ("cny-too-late", "CNY", "2026-12-06 10:00"),
    ]:
        con.execute(
            "INSERT INTO price_history VALUES (?, 'test_fx', 'compute', 'testcloud', ?, NULL, "
            "'gpu_hour', 'standard', 'global', ?, 'per_hour', 10.5, TIMESTAMP '2026-09-01', "
            "NULL, TIMESTAMP '2026-09-01', CAST(? AS TIMESTAMP), 'r', NULL, NULL, NULL, NULL)",
            [sku, sku, currency, seen],
        )
    # Seen months apart, the three stay current only with a window that long (a nightly
    # source's is 5 days: docs/input-hygiene.md).
    con.execute(
        "INSERT INTO source_windows VALUES ('test_fx', 'dataset', 1, 365, FALSE, FALSE, FALSE)"
    )
    publish_snapshot(con, path)
    yield con
    con.close()


def test_history_parses_every_rate_exactly(history):
    # 7,126 dates; a currency's N/A days are no rate (PROVENANCE: 29 quoted on the last date).
    assert not history.problems
    assert len(history.rates) == 221_702
    by_key = {(r.rate_date, r.currency): r for r in history.rates}
    assert by_key[(date(2024, 1, 2), "USD")].per_eur == Decimal("1.0956")
    assert by_key[(date(2024, 1, 2), "CNY")].per_eur == Decimal("7.8264")
    assert by_key[(date(2026, 10, 30), "KRW")].published_text == "1491.76"
    assert (date(2026, 10, 30), "BGN") not in by_key  # N/A: Bulgaria joined the euro
    assert min(r.rate_date for r in history.rates if r.currency == "CNY") == date(2005, 4, 1)
    assert len({r.rate_date for r in history.rates}) == 7126


def test_csv_member_parses_like_the_zip(history, shared_data):
    body = (shared_data / "fx" / "eurofxref-hist.csv").read_bytes()
    from_csv = fx_ecb.parse(_page(body, "file:eurofxref-hist.csv")).rates
    assert [(r.rate_date, r.currency, r.per_eur) for r in from_csv] == [
        (r.rate_date, r.currency, r.per_eur) for r in history.rates
    ]


# Hand-written: no recording of the ECB daily XML exists in the shared data. Its layout is the
# ECB's eurofxref-daily.xml; the values are the ECB's of 2026-10-30 from eurofxref-hist.csv.
DAILY_XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01"
 xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
  <gesmes:subject>Reference rates</gesmes:subject>
  <gesmes:Sender><gesmes:name>European Central Bank</gesmes:name></gesmes:Sender>
  <Cube>
    <Cube time='2026-10-30'>
      <Cube currency='USD' rate='1.1172'/>
      <Cube currency='JPY' rate='175.68'/>
      <Cube currency='CNY' rate='7.4326'/>
      <Cube currency='KRW' rate='1491.76'/>
    </Cube>
  </Cube>
</gesmes:Envelope>
"""


def test_daily_xml_parses_and_agrees_with_the_history(history):
    daily = fx_ecb.parse(_page(DAILY_XML, fx_ecb.DAILY_URL))
    got = {(r.rate_date, r.currency): r.per_eur for r in daily.rates}
    recorded = {(r.rate_date, r.currency): r.per_eur for r in history.rates}
    assert len(got) == 4
    assert all(recorded[key] == value for key, value in got.items())


@pytest.mark.parametrize(
    "body, message",
    [
        (b"<Envelope><Cube/></Envelope>", "no <Cube time"),
        (b"Datum,USD\n2026-10-30,1.1\n", "not the ECB history layout"),
    ],
)
def test_a_changed_layout_fails_loudly(body, message):
    with pytest.raises(ValueError, match=message):
        fx_ecb.parse(_page(body, fx_ecb.DAILY_URL))


def test_unreadable_rate_is_a_problem_not_a_zero():
    bad = fx_ecb.parse(_page(b"Date,USD,CNY,\n2026-10-30,1.1172,abc,\n", "x"))
    assert [p.text for p in bad.problems] == ["abc"]
    assert [r.currency for r in bad.rates] == ["USD"]


def test_cross_rate_by_hand_on_a_real_ecb_date(rates_db):
    rate = rate_on(rates_db, "CNY", date(2026, 9, 18))
    assert isinstance(rate, UsdRate) and rate.rate_date == date(2026, 9, 18)
    # USD per CNY = USD[d] / CNY[d] = 1.146 / 7.6755, to 16 decimals.
    assert rate.usd_per_unit == Decimal("0.1493062341215556")
    assert rate.usd_per_unit == (USD_0918 / CNY_0918).quantize(Decimal("1e-16"))
    # PROVENANCE's sample: ECB cross CNY per USD on 2026-09-18 = 6.6976.
    assert rate.from_usd(Decimal(1)).quantize(Decimal("0.0001")) == Decimal("6.6976")
    eur = rate_on(rates_db, "EUR", date(2026, 9, 18))
    assert isinstance(eur, UsdRate) and eur.usd_per_unit == USD_0918


def test_weekend_and_easter_take_the_last_published_rate(rates_db):
    for saturday_or_sunday in (date(2026, 9, 19), date(2026, 9, 20)):
        rate = rate_on(rates_db, "CNY", saturday_or_sunday)
        assert isinstance(rate, UsdRate) and rate.rate_date == date(2026, 9, 18)  # Friday
    # Good Friday 2026-04-03 and Easter Monday 04-06 are TARGET holidays: Thursday's rate.
    easter_monday = rate_on(rates_db, "CNY", date(2026, 4, 6))
    assert isinstance(easter_monday, UsdRate) and easter_monday.rate_date == date(2026, 4, 2)


def test_no_rate_within_the_gap_is_no_value_and_a_reason(rates_db):
    assert MAX_GAP_DAYS == 7
    ok = rate_on(rates_db, "CNY", date(2026, 11, 6))  # 7 days after the last ECB date
    assert isinstance(ok, UsdRate) and ok.rate_date == date(2026, 10, 30)
    late = rate_on(rates_db, "CNY", date(2026, 11, 7))
    assert isinstance(late, NoRate)
    assert "2026-10-30" in late.reason and "8 days" in late.reason
    before = rate_on(rates_db, "CNY", date(2005, 3, 31))  # CNY quoted from 2005-04-01
    assert isinstance(before, NoRate) and "on or before 2005-03-31" in before.reason


def test_rates_load_once(rates_db, history):
    again = load_rates(rates_db, history.rates, "second-run")
    assert (again.new, again.revised) == (0, [])
    (rows,) = rates_db.execute("select count(*) from fx_rates").fetchone()
    assert rows == 221_702 + 7126  # every published rate, plus EUR = 1 on each date


def test_mart_current_prices_carries_price_usd(rates_db):
    rows = {
        r[0]: r[1:]
        for r in rates_db.execute(
            "select sku, price, currency, price_usd, usd_rate, usd_rate_date, usd_note, usd_rank "
            "from mart_current_prices where source = 'test_fx'"
        ).fetchall()
    }
    price = Decimal("10.5")
    cny = rows["cny-friday"]
    hand = (price * USD_0918 / CNY_0918).quantize(Decimal("1e-12"), rounding=ROUND_HALF_EVEN)
    assert cny[2] == hand == Decimal("1.567715458276")
    assert cny[4] == date(2026, 9, 18) and cny[5] is None
    eur = rows["eur-saturday"]  # a Saturday: Friday's rate, 1 EUR = 1.146 USD
    assert (eur[2], eur[4]) == (price * USD_0918, date(2026, 9, 18))
    late = rows["cny-too-late"]
    assert late[2] is None and late[3] is None and late[6] is None
    assert "is 37 days before the price's date 2026-12-06" in late[5]
    assert (cny[6], eur[6]) == (1, 2)  # ranked in USD across currencies


def test_every_cny_price_of_the_recorded_data_has_a_usd_value(full_warehouse, capsys):
    from tests.mart_utils import query

    rows = query(
        full_warehouse,
        "select sku, component, price, price_usd, usd_rate_date, last_observed_at "
        "from mart_current_prices where currency = 'CNY' order by sku, component",
        capsys,
    )
    assert len(rows) >= 9  # DeepSeek's and Kimi's CNY lists
    assert all(r["price_usd"] is not None for r in rows)
    kimi = next(r for r in rows if r["sku"] == "kimi-k2.6" and r["component"] == "input")
    # Captured 2026-07-17 (a Friday): ECB 2026-07-17. ¥6.50 per 1M tokens.
    assert kimi["usd_rate_date"] == "2026-07-17"
    (usd, cny) = (
        query(
            full_warehouse,
            f"select per_eur from fx_rates where rate_date = '2026-07-17' and currency = '{c}'",
            capsys,
        )[0]["per_eur"]
        for c in ("USD", "CNY")
    )
    assert kimi["price_usd"] == (Decimal("6.5") * usd / cny).quantize(Decimal("1e-12"))


def test_cost_in_eur_is_the_usd_cost_at_the_recorded_rate(full_warehouse, capsys, shared_data):
    from tests.conftest import PROJECT_ROOT

    workload = str(PROJECT_ROOT / "examples" / "llm_assistant.toml")
    capsys.readouterr()
    assert main(["--db", str(full_warehouse), "cost", workload]) == 0
    usd = re.search(r"P = C \+ E \+ D\s+\$([\d,.]+)", capsys.readouterr().out)
    assert main(["--db", str(full_warehouse), "cost", workload, "--currency", "EUR"]) == 0
    out = capsys.readouterr().out
    eur = re.search(r"P = C \+ E \+ D\s+([\d,.]+) EUR", out)
    assert usd and eur, out
    # The last ECB date recorded: 2026-10-30, 1 EUR = 1.1172 USD.
    assert "ECB reference rate of 2026-10-30" in out and "1 EUR = 1.1172 USD" in out
    expected = (Decimal(usd.group(1).replace(",", "")) / Decimal("1.1172")).quantize(
        Decimal("0.01")
    )
    assert Decimal(eur.group(1).replace(",", "")) == expected


def test_cost_in_an_unknown_currency_is_a_clear_error(full_warehouse, capsys):
    from tests.conftest import PROJECT_ROOT

    workload = str(PROJECT_ROOT / "examples" / "llm_assistant.toml")
    assert main(["--db", str(full_warehouse), "cost", workload, "--currency", "XYZ"]) == 2
    assert "no ECB reference rate for XYZ" in capsys.readouterr().err


def test_live_nights_fetch_what_they_miss():
    from datetime import timedelta

    from flows.fx import _live_url

    today = datetime.now(UTC).date()
    assert _live_url(None) == fx_ecb.HISTORY_URL  # nothing stored: the backfill, once
    assert _live_url(today - timedelta(days=3)) == fx_ecb.DAILY_URL  # a long weekend
    assert _live_url(today - timedelta(days=30)) == fx_ecb.NINETY_DAYS_URL  # nights missed


def test_a_rate_failure_is_reported_never_raised(tmp_path):
    from flows.fx import refresh_rates
    from flows.settings import load_settings

    settings = load_settings(
        {"DEFLATOR_DATA_DIR": str(tmp_path), "DEFLATOR_SHARED_DATA": str(tmp_path / "none")}
    )
    report = refresh_rates(settings, "test-run", offline=True)
    assert report.status == "failed"
    assert "recording file missing" in report.error
    assert report.line().startswith("fx ecb_eurofxref: failed: FetchError")


def test_exports_carry_price_usd(full_warehouse, tmp_path, capsys):
    import csv

    assert (
        main(["--db", str(full_warehouse), "export", "--format", "csv", "--out", str(tmp_path)])
        == 0
    )
    with (tmp_path / "mart_current_prices.csv").open() as file:
        rows = list(csv.DictReader(file))
    kimi = next(r for r in rows if r["sku"] == "kimi-k2.6" and r["component"] == "input")
    assert (kimi["price"], kimi["currency"]) == ("6.500000000000", "CNY")
    assert kimi["usd_rate_date"] == "2026-07-17" and Decimal(kimi["price_usd"]) > 0
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    columns = [c["name"] for c in manifest["marts"]["mart_current_prices"]["columns"]]
    assert columns[columns.index("last_observed_at") + 1 :] == [
        "price_usd",
        "usd_rate",
        "usd_rate_date",
        "usd_note",
        "usd_rank",
    ]


def test_cost_csv_in_cny_converts_every_amount(full_warehouse, capsys):
    from tests.conftest import PROJECT_ROOT

    workload = str(PROJECT_ROOT / "examples" / "llm_assistant.toml")
    capsys.readouterr()
    assert main(["--db", str(full_warehouse), "cost", workload, "--format", "json"]) == 0
    usd = json.loads(capsys.readouterr().out, parse_float=Decimal)
    command = ["--db", str(full_warehouse), "cost", workload, "--format", "json"]
    assert main([*command, "--currency", "cny"]) == 0
    cny = json.loads(capsys.readouterr().out, parse_float=Decimal)
    # 2026-10-30: 1 EUR = 1.1172 USD = 7.4326 CNY, so 1 USD = 7.4326 / 1.1172 CNY.
    for dollars, yuan in zip(usd, cny, strict=True):
        assert yuan["currency"] == "CNY"
        expected = Decimal(str(dollars["cost"])) * Decimal("7.4326") / Decimal("1.1172")
        assert Decimal(str(yuan["cost"])) == expected.quantize(Decimal("1e-12"))
        rate_only = Decimal(str(dollars["rate_only"])) * Decimal("7.4326") / Decimal("1.1172")
        assert Decimal(str(yuan["rate_only"])) == rate_only.quantize(Decimal("1e-12"))


def test_rates_load_and_convert_in_a_ducklake(history, tmp_path):
    from warehouse.backends import DuckLake
    from warehouse.extensions import install_extensions

    install_extensions(tmp_path / "extensions")
    lake = DuckLake(
        str(tmp_path / "catalog.ducklake"), f"{tmp_path / 'lake'}/", tmp_path / "extensions"
    )
    september = [r for r in history.rates if date(2026, 9, 1) <= r.rate_date <= date(2026, 9, 30)]
    con = connect(lake)
    try:
        assert load_rates(con, september, "lake-run").new == len(september) + 22  # + EUR a day
        assert load_rates(con, september, "lake-run-2").new == 0
        rate = rate_on(con, "CNY", date(2026, 9, 20))
        assert isinstance(rate, UsdRate) and rate.usd_per_unit == Decimal("0.1493062341215556")
        (columns,) = con.execute(
            "select list(column_name) from information_schema.columns "
            "where table_name = 'mart_current_prices'"
        ).fetchone()
        assert {"price_usd", "usd_rate", "usd_rate_date", "usd_note", "usd_rank"} <= set(columns)
    finally:
        con.close()


def test_one_rate_read_twice_is_stored_once_and_a_conflict_refused(tmp_path):
    daily = fx_ecb.parse(_page(DAILY_XML, fx_ecb.DAILY_URL)).rates
    con = connect(tmp_path / "w.duckdb")
    try:
        assert load_rates(con, daily + daily, "r").new == 5  # 4 quoted + EUR
        clash = FxRate(**{**daily[0].__dict__, "per_eur": Decimal("1.2"), "published_text": "1.2"})
        with pytest.raises(ValueError, match=r"USD on 2026-10-30 read as 1\.1172"):
            load_rates(con, [*daily, clash], "r2")
    finally:
        con.close()


def test_fx_command_shows_the_rate_a_date_takes(rates_db, capsys):
    db = str(RATES_FILE[-1])
    assert main(["--db", db, "fx", "cny", "2026-09-20"]) == 0
    assert capsys.readouterr().out == (
        "a CNY price dated 2026-09-20 converts at the ECB rate of 2026-09-18: "
        "1 CNY = 0.1493062341215556 USD (1 EUR = 1.146 USD = 7.6755 CNY)\n"
    )
    assert main(["--db", db, "fx", "CNY", "2026-11-07"]) == 1
    assert "8 days before the price's date 2026-11-07" in capsys.readouterr().out
    assert main(["--db", db, "fx", "CNY", "yesterday"]) == 2
