# One entry point for people and CI: every target creates .venv and installs what it needs, exactly as
# uv.lock says (every package pinned, every file hash-checked); `make lock` refreshes the lock.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
UV     := $(BIN)/uv
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml uv.lock | cksum | cut -d' ' -f1)
BENCH_STAMP := $(VENV)/.bench-installed
SYNC   := $(UV) sync --quiet --locked --extra dev
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never
# Installed packages are byte-compiled once: where PYTHONDONTWRITEBYTECODE is set (this workplace sets
# it), every test process and subprocess would otherwise compile Textual, Rich and the rest again.
export UV_COMPILE_BYTECODE := 1

.PHONY: demo test lint types contracts pytest bench screens lock clean

# The lock tool itself, at the version pyproject.toml pins, hash-checked by pip.
$(UV): requirements-uv.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --require-hashes --no-deps -r requirements-uv.txt
	@touch $@

# --locked: refuses (rather than re-resolves) a uv.lock that no longer matches pyproject.toml.
$(STAMP): pyproject.toml uv.lock $(UV)
	$(SYNC)
	@rm -f $(VENV)/.installed-*; touch $@

$(BENCH_STAMP): $(STAMP)
	$(SYNC) --extra bench
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

## make bench: the benchmarks of ARCHITECTURE.md §7 (not tests), against plain SQLite and SQLCipher
bench: $(BENCH_STAMP)
	$(BIN)/python -m bench

## make screens: an SVG of every screen into screens/
screens: $(STAMP)
	$(BIN)/python -m p2p_tui.tui.pictures screens

## make lock: every dependency to the newest release its range in pyproject.toml allows, into uv.lock
lock: $(UV)
	$(UV) lock --upgrade
	$(UV) export --quiet --only-group lock --no-emit-project -o requirements-uv.txt

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
