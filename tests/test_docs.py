"""The docs: the README's tour prints what the commands print on the recorded data, and the
docs site documents every table, command, option, setting, mart, source and dataset; its
generated pages are what the code generates (`make docs-update` rewrites them)."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml

from flows import docs_gen
from flows.cli import build_parser
from tests.conftest import PROJECT_ROOT
from warehouse.connection import connect
from warehouse.marts.catalog import MARTS

DOCS = PROJECT_ROOT / "docs"
README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def page(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


# --- the README: short, two commands, a tour ------------------------------------------------


def test_the_readme_is_a_short_guided_path():
    lines = README.splitlines()
    assert len(lines) <= 300, f"README.md has {len(lines)} lines; the reference goes in docs/"
    setup = README.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)```", setup, re.S)[0].splitlines()
    assert [c.split("#")[0].strip() for c in commands] == ["make run", "make test"]
    assert "## A ten-minute tour" in README and "## Where to go next" in README
    assert "make docs" in README and "make docs-update" in README


def test_the_readme_makes_no_false_claims():
    # no `duckdb` command is installed (the Python package is); datasets are not nightly sources
    assert not re.search(r"(^|\s|`)duckdb \S", README, re.M)
    datasets = docs_gen_datasets()
    assert datasets and not [d for d in datasets if f"--source {d}" in README]


def docs_gen_datasets() -> list[str]:
    from scrapers.backfill.registry import all_datasets

    return list(all_datasets())


def test_the_tour_asks_the_four_questions():
    assert docs_gen.tour_commands(README) == [
        "query --file examples/queries/cheapest_at_gpt4_level.sql",
        "query --file examples/queries/h100_hour_by_provider.sql",
        "rates headline",
        "cost examples/h100_training.toml",
    ]
    for args in docs_gen.tour_commands(README):
        if args.split()[-1].endswith((".sql", ".toml")):
            assert (PROJECT_ROOT / args.split()[-1]).is_file(), args


@pytest.mark.flow
def test_the_tour_shows_what_each_command_prints(full_warehouse, tmp_path):
    """Each tour block's output is what the command prints on the warehouse `make run` leaves
    (the session's: `run --offline` + `backfill`). `rates headline` and `cost` store what they
    print, so the tour runs on a copy."""
    db = docs_gen.copy_warehouse(full_warehouse, tmp_path)
    regenerated = docs_gen.readme_with_tour(README, lambda args: docs_gen.run_deflator(db, args))
    assert regenerated == README, "the tour's outputs changed: run make docs-update"
    # and the answers are the real ones
    blocks = dict(re.findall(r"<!-- BEGIN tour: (.+?) -->\n.*?```text\n(.*?)```", README, re.S))
    cheapest = blocks["query --file examples/queries/cheapest_at_gpt4_level.sql"].splitlines()
    assert cheapest[2].split()[:2] == ["mistral-small-3", "46"] and "0.0575" in cheapest[2]
    h100 = blocks["query --file examples/queries/h100_hour_by_provider.sql"]
    rows = {line.split()[0]: line.split()[1] for line in h100.splitlines()[2:]}
    assert rows["aws"] == "6.88" and rows["azure"] == "6.98" and rows["denvr"] == "2.1"
    # The cheapest-model query reads USD list prices only: no price in another currency is
    # of a model at GPT-4's level on the recorded data (so none is left out of its answer).
    con = duckdb.connect(str(db), read_only=True)
    try:
        (left_out,) = con.execute(
            "select count(*) from prices_in_force p where valid_to is null and currency <> 'USD' "
            "and model_id in (select model_id from benchmarks where benchmark = 'gpqa_diamond' "
            "group by 1 having max(score) >= (select max(score) from benchmarks "
            "where benchmark = 'gpqa_diamond' and model_id = 'gpt-4'))"
        ).fetchone()
        non_usd = con.execute(
            "select count(*) from prices_in_force where valid_to is null and currency <> 'USD'"
        ).fetchone()[0]
    finally:
        con.close()
    assert left_out == 0 and non_usd > 0
    assert len(rows) == 11
    rates = {
        (line.split()[0], line.split()[1]): line
        for line in blocks["rates headline"].splitlines()[2:]
        if line.strip() and not line.startswith("LLM tokens:")
    }
    assert re.search(
        r" quote +median of 20 thresholds +frontier .* 13\.9 +10\.8 +28\.4 ",
        rates[("llm", "frontier")],
    )
    assert " quote " not in rates[("llm", "matched-model")]
    assert re.search(r" quote +all +geks .* 1\.13 ", rates[("compute", "matched-model")])
    assert len(rates) == 6
    assert " 1.02 " in rates[("llm", "matched-model")]
    assert re.search(r" 0\.959 +0\.948 +0\.97 +-4\.3 ", rates[("energy", "matched-model")])
    assert "14× cheaper a year (90%: 10.8-28.4×)" in README  # the prose reads the output
    cost = blocks["cost examples/h100_training.toml"]
    assert "P = C + E + D  $211,119.80" in cost
    assert "C compute       $207,360.00  46080 H100-SXM-80GB GPU-hours" in cost


# --- the site documents everything the code has ---------------------------------------------


def test_every_table_is_in_the_table_reference(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    tables = [
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'main'"
        ).fetchall()
    ]
    con.close()
    reference = page("tables.md")
    missing = [t for t in tables if f"| `{t}` |" not in reference]
    assert tables and not missing


def _commands(parser: argparse.ArgumentParser, path: str = "deflator"):
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _commands(sub, f"{path} {name}")


def test_every_command_and_option_is_in_the_cli_reference():
    reference = page("cli.md")
    sections = re.split(r"\n#+ `(deflator[^`]*)`\n", reference)
    by_command = dict(zip(sections[1::2], sections[2::2], strict=True))
    found = list(_commands(build_parser()))
    assert len(found) >= 20  # deflator, 17 commands, the subcommands of rates, extensions…
    for path, parser in found:
        assert path in by_command, f"{path} is not in docs/cli.md: run make docs-update"
        text = by_command[path]
        for action in parser._actions:
            if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
                continue
            if action.help == argparse.SUPPRESS:
                continue
            names = action.option_strings or [action.metavar or action.dest]
            for name in names:
                assert f"`{name}`" in text, f"{path} {name} is not in docs/cli.md"
            if action.help:
                assert " ".join(action.help.split()).replace("|", "\\|") in text, (path, names)


def setting_names() -> set[str]:
    """Every DEFLATOR_* variable flows/settings.py reads: its own list (``setting_names()``,
    from the pydantic-settings model), else every name written in the module."""
    import flows.settings as module

    if hasattr(module, "setting_names"):
        return set(module.setting_names())
    code = (PROJECT_ROOT / "flows" / "settings.py").read_text(encoding="utf-8")
    return set(re.findall(r"DEFLATOR_[A-Z][A-Z0-9_]*[A-Z0-9]", code))


def test_every_setting_is_documented():
    names = setting_names()
    assert {"DEFLATOR_DB", "DEFLATOR_TIMEOUT", "DEFLATOR_QUERY_TIMEOUT"} <= names
    settings = page("settings.md")
    assert not [name for name in sorted(names) if f"`{name}`" not in settings]


def test_every_mart_and_column_is_on_the_marts_page():
    marts = page("marts.md")
    for mart in MARTS:
        assert f"### `{mart.name}`" in marts
        assert all(f"| `{c.name}` | {c.type} |" in marts for c in mart.columns), mart.name


def test_sources_and_datasets_are_each_in_their_own_table():
    from scrapers.backfill.registry import all_datasets
    from scrapers.registry import all_sources

    text = page("sources.md")
    nightly, backfill = text.split("**Backfill datasets**", 1)
    sources, datasets = list(all_sources()), list(all_datasets())
    assert len(sources) >= 30 and len(datasets) >= 5
    assert not [s for s in sources if f"| `{s}` |" not in nightly]
    assert not [d for d in datasets if f"| `{d}` |" not in backfill]
    assert not [d for d in datasets if f"| `{d}` |" in nightly]  # eia_history is not nightly
    assert "| `eia_history` | energy |" in backfill
    assert "| `aws_ec2` | compute |" in nightly


# --- generated pages are current ------------------------------------------------------------


@pytest.mark.parametrize(
    "part", docs_gen.parts(None), ids=lambda p: str(p.path.relative_to(PROJECT_ROOT))
)
def test_generated_parts_are_what_the_code_generates(part):
    text = part.path.read_text(encoding="utf-8")
    assert part.render(text) == text, f"{part.path.name} is out of date: run make docs-update"


def test_the_check_fails_on_a_stale_page_and_write_fixes_it(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "cli.md"
    stale.write_text(page("cli.md").replace("`--offline`", "`--off-line`", 1))
    monkeypatch.setattr(docs_gen, "CLI_PAGE", stale)
    assert docs_gen.main(["--check", "--skip-tour"]) == 1
    assert "out of date: " in capsys.readouterr().err
    assert docs_gen.main(["--write", "--skip-tour"]) == 0
    assert stale.read_text() == page("cli.md")
    assert docs_gen.main(["--check", "--skip-tour"]) == 0


def test_a_new_page_lands_in_the_nav(tmp_path):
    for name in ("index.md", "setup.md", "zz-new-topic.md"):
        (tmp_path / name).write_text(f"# {name[:-3].replace('-', ' ')}\n")
    nav = docs_gen.nav_yaml(tmp_path)
    assert nav.splitlines() == [
        "nav:",
        "  - Home: index.md",
        "  - Get started:",
        "      - Set up and run: setup.md",
        "  - More:",
        "      - zz new topic: zz-new-topic.md",
    ]


# --- the site builds, offline ---------------------------------------------------------------


def nav_pages(nav) -> set[str]:
    found: set[str] = set()
    for entry in nav:
        for value in entry.values() if isinstance(entry, dict) else [entry]:
            if isinstance(value, list):
                found |= nav_pages(value)
            else:
                found.add(value)
    return found


def test_every_docs_page_is_in_the_nav_and_the_build_needs_no_network():
    config = yaml.safe_load((PROJECT_ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    assert nav_pages(config["nav"]) == {p.name for p in DOCS.glob("*.md")}
    assert config["theme"]["name"] == "material"
    assert config["theme"]["font"] is False  # Material would fetch Google Fonts
    assert config["plugins"] == ["search"]
    assert config["strict"] is True
    assert config["validation"]["nav"]["omitted_files"] == "warn"  # strict: fails the build


def mkdocs_command() -> Path | None:
    for folder in (Path(sys.executable).parent, PROJECT_ROOT / ".venv" / "bin"):
        if (folder / "mkdocs").is_file():
            return folder / "mkdocs"
    return None


def no_network() -> list[str]:
    """A prefix that runs a command with no network at all (a new, empty network namespace),
    where this machine allows it (root); else nothing (the proxies below still stop HTTP)."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-n", "true"], capture_output=True).returncode == 0:
        return [unshare, "-n"]
    return []


def test_the_site_builds_strict_and_offline(tmp_path):
    mkdocs = mkdocs_command()
    if mkdocs is None:
        pytest.skip(
            "MKDOCS NOT INSTALLED: the site build was NOT tested (run `make docs` once; it "
            "installs requirements-docs.lock into .venv)"
        )
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        # any attempt to reach the network fails at once
        "HTTP_PROXY": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
    }
    site = tmp_path / "site"
    result = subprocess.run(
        [*no_network(), str(mkdocs), "build", "--strict", "--site-dir", str(site)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis" not in index and "deflator" in index
    assert (site / "cli" / "index.html").is_file() and (site / "sources" / "index.html").is_file()
    cli = (site / "cli" / "index.html").read_text(encoding="utf-8")
    assert "deflator cost" in cli


def test_every_command_line_in_the_readme_parses():
    """Each `.venv/bin/deflator …` line the README shows is a command and options that exist."""
    import shlex

    lines = re.findall(r"^\.venv/bin/deflator (.+?)(?:\s+#.*)?$", README, re.M)
    lines += re.findall(r"`\.venv/bin/deflator ([^`]+)`", README)
    assert len(lines) >= 10
    parser = build_parser()
    for line in lines:
        if line == "--help":
            continue
        try:
            parser.parse_args(shlex.split(line))
        except SystemExit as exc:
            pytest.fail(f"README: `deflator {line}` does not parse ({exc})")


def test_links_between_pages_point_at_pages():
    """Relative links in docs/ name an existing page (mkdocs --strict checks this too, but only
    where MkDocs is installed); nothing links out of docs/ to repository files."""
    pages = {p.name for p in DOCS.glob("*.md")}
    bad = []
    for path in sorted(DOCS.glob("*.md")):
        text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
            if not target.startswith(("http://", "https://", "mailto:")) and target not in pages:
                bad.append(f"{path.name} -> {target}")
    assert not bad


def test_the_sources_table_shows_a_kind_once_sources_declare_one(monkeypatch):
    """Sources that declare a `kind` (an enum or a string) get a kind column; without it the
    column is left out rather than guessed."""
    import dataclasses
    from enum import Enum

    import scrapers.registry

    class Kind(Enum):
        FIRST_PARTY_API = "first_party_api"

    real = scrapers.registry.all_sources()["aws_ec2"]

    def source(kind):
        copy = type("Copy", (), {})()
        for field in dataclasses.fields(real):
            setattr(copy, field.name, getattr(real, field.name))
        copy.kind = kind  # after the fields: a real `kind` field is overridden
        return copy

    monkeypatch.setattr(scrapers.registry, "all_sources", lambda: {"aws_ec2": source(None)})
    assert "| source | leg | what | URLs | recorded data |" in docs_gen.sources_tables()
    monkeypatch.setattr(
        scrapers.registry, "all_sources", lambda: {"aws_ec2": source(Kind.FIRST_PARTY_API)}
    )
    table = docs_gen.sources_tables()
    assert "| source | leg | kind | what | URLs | recorded data |" in table
    assert "| `aws_ec2` | compute | first_party_api | AWS EC2 GPU instances" in table
