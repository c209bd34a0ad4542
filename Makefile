# One entry point for people and CI: every target creates .venv and installs what it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
BENCH_STAMP := $(VENV)/.bench-installed
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test lint types contracts pytest bench screens clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@rm -f $(VENV)/.installed-*; touch $@

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install -q -e '.[dev,bench]'
	@touch $@

## make demo: install, create a demo vault of synthetic data, open the console on it
demo: $(STAMP)
	$(BIN)/p2p-tui demo

## make test: install, then lint, types, the import contract and the whole suite
test: lint types contracts pytest

lint: $(STAMP)
	$(BIN)/ruff format --check p2p_tui tests bench
	$(BIN)/ruff check p2p_tui tests bench

types: $(STAMP)
	$(BIN)/mypy

contracts: $(STAMP)
	$(BIN)/lint-imports

pytest: $(STAMP)
	$(BIN)/python -m pytest -n auto -q

## make bench: the benchmarks of DESIGN section 7 (not tests), against plain SQLite and SQLCipher
bench: $(BENCH_STAMP)
	$(BIN)/python -m bench

## make screens: an SVG of every screen into screens/
screens: $(STAMP)
	$(BIN)/python -m p2p_tui.tui.pictures screens

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
