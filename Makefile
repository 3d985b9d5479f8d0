# deflator: two commands on a fresh machine with python3 and make:
#   make run    the nightly pipeline, offline, on the recorded data in ../shared/data
#   make test   lint and the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: install run test lint bench clean

install: $(STAMP)

# Exact pins of every package live in requirements.lock; the project installs editable on top.
$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@# PYTHONDONTWRITEBYTECODE is set on these machines: compile once, or `import prefect` costs ~2 s each time
	@$(BIN)/python -m compileall -q -j 0 $(VENV)/lib > /dev/null 2>&1 || true
	@# DuckLake backend: DuckDB's extensions from the pinned packages into the venv, offline
	$(BIN)/deflator extensions install > /dev/null
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

run: install
	$(BIN)/deflator run --offline

test: install
	$(BIN)/ruff check .
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build *.egg-info
