# deflator: two commands on a fresh machine with python3 and make:
#   make run    the nightly pipeline and the backfill, offline, on the recorded data in ../shared/data
#   make test   lint and the test suite (the fast loop; `make test-system` and CI add the system tests)
#   make docs   the documentation site (MkDocs, Material theme) into site/, offline
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
# uv installs the lock in ~15 s where pip takes over 2 minutes; pip only bootstraps uv itself.
UV_VERSION := 0.13.9
# pytest workers: both cores; a file stays on one worker, so its module fixtures build once.
TEST_WORKERS ?= 2

SHELL := bash
# Some machines set PYTHONDONTWRITEBYTECODE: then every process compiles the project again and
# pytest rewrites every test module again (collection 6.4 s instead of 2.8 s, per worker).
# The project's own __pycache__ folders are git-ignored; the venv is compiled at install.
unexport PYTHONDONTWRITEBYTECODE
# One line per step with its wall time: $(call step,label,command)
step = @start=$$(date +%s); echo "==> $(1)"; $(2) || exit $$?; echo "    $(1): done in $$(( $$(date +%s) - start )) s"

.PHONY: install run test test-system lint docs docs-update bench clean

install: $(STAMP)

# Exact pins of every package live in requirements.lock; the project installs editable on top.
$(STAMP): requirements.lock pyproject.toml
	$(call step,create the virtual environment,test -x $(BIN)/python || $(PYTHON) -m venv $(VENV))
	$(call step,bootstrap uv $(UV_VERSION),$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION))
	@# PYTHONDONTWRITEBYTECODE is set on these machines: compile at install, or `import prefect` costs ~2 s each time
	$(call step,install the locked packages,$(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode -r requirements.lock)
	$(call step,install deflator (editable),$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .)
	@# DuckLake backend: DuckDB's extensions from the pinned packages into the venv, offline
	$(call step,install DuckDB's extensions offline,$(BIN)/deflator extensions install > /dev/null)
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

run: install
	$(call step,nightly run (offline; recorded responses),$(BIN)/deflator run --offline)
	$(call step,backfill (recorded history datasets),$(BIN)/deflator backfill)

# The loop: every test but the system tests (marker `system`: they start a real Prefect server
# and `deflator serve`, SIGKILL loaders mid-transaction, race readers against writers, drive
# DuckLake), which `make test-system` and CI (.ci/run) run after it.
test: install
	$(call step,lint (ruff),$(BIN)/ruff check .)
	$(call step,tests (pytest on $(TEST_WORKERS) workers; system tests: make test-system),$(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadfile -m "not system")

test-system: install
	$(call step,system tests (pytest -m system on $(TEST_WORKERS) workers),$(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadfile -m system)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The site's tools are pinned apart (requirements-docs.lock), so install/test stay as fast as before.
DOCS_STAMP := $(VENV)/.docs-$(shell cat requirements-docs.lock requirements.lock | cksum | cut -d' ' -f1)

$(DOCS_STAMP): $(STAMP) requirements-docs.lock
	$(call step,install the documentation tools (mkdocs; requirements-docs.lock),$(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode -r requirements-docs.lock -c requirements.lock)
	@rm -f $(VENV)/.docs-* && touch $(DOCS_STAMP)

docs: $(DOCS_STAMP)
	$(call step,build the documentation site into site/ (mkdocs --strict; offline),NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet --site-dir site)

# Rewrites every generated part of the docs from the code: CLI reference, sources table, marts,
# the site's nav, and the README tour's outputs (on a warehouse built from the recorded data).
docs-update: install
	$(call step,regenerate the generated docs (python -m flows.docs_gen --write),$(BIN)/python -m flows.docs_gen --write)

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build site *.egg-info
