# EmDia — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export QT_QPA_PLATFORM ?= $(if $(DISPLAY),,offscreen)

.PHONY: run test lint unit screenshots bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Open EmDia on the demo clinic (created on first start in the user data folder).
run: $(STAMP)
	$(BIN)/emdia gui --demo

## The whole suite: lint, type checks, unit, integration, UI (offscreen) and smoke tests.
test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -n auto --dist loadgroup -q

lint: $(STAMP)
	$(BIN)/ruff check app ui tests migrations bench tools
	$(BIN)/ruff format --check app ui tests migrations bench tools
	$(BIN)/mypy

## Quick loop while coding: no UI tests.
unit: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -q -m "not gui and not slow"

## Refresh docs/screenshots/ (offscreen render of the real window on a demo clinic).
screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python tools/screenshots.py docs/screenshots

## Worklist/dashboard benchmark at 20,000 patients / ~400,000 installments (demo DB cached in
## bench/.cache/); add ARGS=--write-results to record bench/RESULTS.md.
bench: $(STAMP)
	$(BIN)/python -m bench.bench_worklist $(ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
