"""`deflator parse SOURCE FILE`: a parser run on a real recording, printed, nothing stored.

Recordings are read in place from the shared data folder: an HTML page (OpenAI's 2026
pricing page), a JSON API body (Denvr's GPU price list), a Markdown page (Cohere's pricing
page) and a Wayback HTML excerpt of a page whose source expects JSON (unknown layout).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from flows.cli import main

OPENAI_2026 = "pages-history/openai/lzc0403_pricing-raw_2026-08-21.html"
OPENAI_URL = "https://developers.openai.com/api/docs/pricing"
DENVR = "pages/denvr/becloudready_denvr_gpu_prices.json"
COHERE = "pages/cohere/tokentally_cohere_pricing_jina.md"
LAMBDA_WAYBACK = "pages-history/lambda/wayback_gpu-cloud-excerpt_2026-01-09.html"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A warehouse path that must still not exist after the command."""
    return tmp_path / "never.duckdb"


def _parse(db: Path, *args: str) -> int:
    return main(["--db", str(db), "parse", *args])


def test_html_page_as_json(db, shared_data, capsys) -> None:
    status = _parse(
        db,
        "openai_pricing",
        str(shared_data / OPENAI_2026),
        "--url",
        OPENAI_URL,
        "--at",
        "2026-08-21T12:37:46Z",
        "--format",
        "json",
    )
    assert status == 0
    out = json.loads(capsys.readouterr().out)
    assert out["source"] == "openai_pricing"
    assert out["url"] == OPENAI_URL
    assert out["observed_at"] == "2026-08-21T12:37:46+00:00"
    assert out["problems"] == []
    assert len(out["observations"]) == 403
    first = out["observations"][0]
    assert first == {
        "sku": "gpt-5.6-sol",
        "model": "gpt-5.6-sol",
        "component": "input",
        "tier": "standard",
        "region": "global",
        "price": "5",
        "currency": "USD",
        "unit": "per_1m_tokens",
        "effective_date": "",
        "published_text": "5",
    }
    by_key = {(o["sku"], o["component"], o["tier"]): o["price"] for o in out["observations"]}
    assert by_key[("gpt-4o", "input", "priority")] == "4.25"
    assert by_key[("gpt-5.6-sol", "output", "prompt>272k")] == "45"
    assert out["skipped"]["another modality: audio tokens"] == 25
    assert out["summary"] == (
        f"ok: openai_pricing read 403 observations, 0 problems, 279 skipped from "
        f"{shared_data / OPENAI_2026}"
    )
    assert not db.exists()


def test_json_api_body_as_table(db, shared_data, capsys) -> None:
    # A recording of the source: its URL and capture time are used without --url / --at.
    assert _parse(db, "denvr_pricing", str(shared_data / DENVR)) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == [
        "sku", "model", "component", "tier", "region", "price", "currency", "unit",
        "effective_date", "published_text",
    ]  # fmt: skip
    rows = [line.split() for line in lines[2:7]]
    assert rows[0] == [
        "NVIDIA", "A100", "PCIe", "40GB", "x4", "NVIDIA", "A100", "PCIe", "gpu_hour",
        "standard", "global", "1.15", "USD", "per_hour", "1.15",
    ]  # fmt: skip
    assert [row[-4] for row in rows] == ["1.15", "1.3", "1.15", "3.87", "2.1"]
    assert lines[-1] == (
        f"ok: denvr_pricing read 5 observations, 0 problems, 7 skipped from {shared_data / DENVR}"
    )
    assert not db.exists()


def test_markdown_page_as_csv(db, shared_data, capsys) -> None:
    assert _parse(db, "cohere_pricing", str(shared_data / COHERE), "--format", "csv") == 0
    captured = capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(captured.out)))
    assert len(rows) == 14
    assert {row["kind"] for row in rows} == {"observation"}
    assert rows[0] == {
        "kind": "observation",
        "sku": "command",
        "model": "Command",
        "component": "input",
        "tier": "standard",
        "region": "global",
        "price": "1",
        "currency": "USD",
        "unit": "per_1m_tokens",
        "effective_date": "",
        "published_text": "$1.00/1M tokens",
        "where": "",
        "text": "",
        "reason": "",
    }
    prices = {(r["sku"], r["component"]): r["price"] for r in rows}
    assert prices[("command-r-plus-08-2024", "output")] == "10"
    # "Aya Expanse models (8B and 32B)": one sku per model the label names
    assert prices[("aya-expanse-8b", "output")] == prices[("aya-expanse-32b", "output")] == "1.5"
    assert captured.err.strip() == (
        f"ok: cohere_pricing read 14 observations, 0 problems, 1 skipped from "
        f"{shared_data / COHERE}"
    )
    assert not db.exists()


def test_unknown_layout_gives_problems_and_fails(db, shared_data, capsys) -> None:
    # Lambda's source reads a JSON price list; a Wayback excerpt of its HTML page is a layout
    # it does not know: the parser's failure is printed as a problem, exit status 1.
    path = shared_data / LAMBDA_WAYBACK
    assert _parse(db, "lambda_pricing", str(path), "--format", "csv") == 1
    captured = capsys.readouterr()
    (row,) = csv.DictReader(io.StringIO(captured.out))
    assert row["kind"] == "problem"
    assert (row["where"], row["text"]) == ("page", "ValueError")
    assert row["reason"] == (
        "parser failed, the source would fail: lambda_pricing: body is not valid "
        "JSON: Expecting value: line 1 column 1 (char 0)"
    )
    assert captured.err.strip() == (
        f"FAILED (problems reported): lambda_pricing read 0 observations, 1 problems, "
        f"0 skipped from {path}"
    )
    assert not db.exists()


def test_a_page_without_prices_fails(db, shared_data, capsys) -> None:
    path = shared_data / "pages-history/openai/PROVENANCE.md"
    assert _parse(db, "openai_pricing", str(path)) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == (
        f"FAILED (no prices found): openai_pricing read 0 observations, 0 problems, "
        f"1 skipped from {path}"
    )


def test_a_drifted_page_shows_the_problem_cells(db, shared_data, tmp_path, capsys) -> None:
    # The 2026 page with one props price changed: two cells now disagree, the page fails.
    body = (shared_data / OPENAI_2026).read_bytes()
    cell = b"[[0,&quot;gpt-5.6-sol&quot;],[0,5],[0,0.5],[0,6.25],[0,30]]"
    drifted = tmp_path / "drifted.html"
    drifted.write_bytes(body.replace(cell, cell.replace(b"[0,5]", b"[0,6]")))
    assert _parse(db, "openai_pricing", str(drifted), "--format", "json") == 1
    out = json.loads(capsys.readouterr().out)
    assert out["observations"] == []
    *conflicts, failure = out["problems"]
    assert [p["text"] for p in conflicts] == ["6 vs $5.00", "6 vs 5", "6 vs $5.00"]
    assert (failure["where"], failure["text"]) == ("page", "PriceConflict")
    assert failure["reason"].startswith(
        "parser failed, the source would fail: openai_pricing: conflicting prices for "
        "gpt-5.6-sol input standard: "
    )
    assert out["summary"] == (
        f"FAILED (problems reported): openai_pricing read 0 observations, 4 problems, "
        f"279 skipped from {drifted}"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nosuch", "x.html"], "deflator: unknown source 'nosuch'; known: anthropic_pricing, "),
        (["openai_pricing", "/nonexistent/page.html"], "deflator: no such file: /nonexistent/"),
    ],
)
def test_usage_errors(db, args, message, capsys) -> None:
    assert _parse(db, *args) == 2
    assert capsys.readouterr().err.startswith(message)
    assert not db.exists()


def test_bad_timestamp(db, shared_data, capsys) -> None:
    status = _parse(db, "denvr_pricing", str(shared_data / DENVR), "--at", "yesterday")
    assert status == 2
    err = capsys.readouterr().err
    assert err.startswith("deflator: bad --at 'yesterday': ")
    assert "expected ISO 8601 such as 2026-08-21T12:37:46Z" in err


def test_at_and_url_reach_the_parser(db, shared_data, capsys) -> None:
    status = _parse(
        db,
        "denvr_pricing",
        str(shared_data / DENVR),
        "--at",
        "2026-03-01",
        "--url",
        "https://example.test/denvr.json",
        "--format",
        "json",
    )
    assert status == 0
    out = json.loads(capsys.readouterr().out)
    assert out["observed_at"] == "2026-03-01T00:00:00+00:00"
    assert out["url"] == "https://example.test/denvr.json"


def test_a_capture_in_the_manifest_gets_its_url_and_time(db, shared_data, capsys) -> None:
    # pages-history/MANIFEST.csv: costiash_pricing_2025-11-24.md, captured 2025-11-24T21:08:35Z
    # from https://docs.claude.com/en/docs/about-claude/pricing (not a recording of the source).
    path = shared_data / "pages-history/anthropic/costiash_pricing_2025-11-24.md"
    status = _parse(db, "anthropic_pricing", str(path), "--format", "json")
    out = json.loads(capsys.readouterr().out)
    assert out["url"] == "https://docs.claude.com/en/docs/about-claude/pricing"
    assert out["observed_at"] == "2025-11-24T21:08:35+00:00"
    assert all(o["sku"].startswith("claude-") for o in out["observations"])
    assert status == (1 if out["problems"] or not out["observations"] else 0)


def test_a_source_without_recordings_reads_a_file_by_its_extension(db, shared_data, capsys):
    # mistral_pricing has live URLs only (no recording to take a Content-Type from) and this
    # excerpt of OpenAI's page is in no manifest: it is read as HTML by its extension, at the
    # source's URL, and gives no Mistral prices.
    path = shared_data / "pages/openai/nougentracker_openai_pricing_excerpt.html"
    assert _parse(db, "mistral_pricing", str(path), "--at", "2026-08-21", "--format", "json") == 1
    out = json.loads(capsys.readouterr().out)
    assert out["url"] == "https://mistral.ai/pricing"
    assert out["observed_at"] == "2026-08-21T00:00:00+00:00"
    assert out["summary"] == (
        f"FAILED (no prices found): mistral_pricing read 0 observations, 0 problems, "
        f"6 skipped from {path}"
    )
