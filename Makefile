# EmDia — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export QT_QPA_PLATFORM ?= $(if $(DISPLAY),,offscreen)

.PHONY: run test lint unit screenshots bundle bundle-smoke bench bench-smoke clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Open EmDia on the demo clinic (created on first start in the user data folder).
run: $(STAMP)
	$(BIN)/emdia gui --demo

## The whole suite: lint, type checks, unit, integration, UI (offscreen) and smoke tests, with
## the statement coverage of app/ and ui/ (its total printed; below COV_FLOOR % it fails, so
## coverage cannot drop unnoticed: raise the floor when it rises).
COV_FLOOR := 92
test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -n auto -q \
		--cov --cov-report= --cov-fail-under=$(COV_FLOOR)

lint: $(STAMP)
	$(BIN)/ruff check app ui tests migrations bench tools installer
	$(BIN)/ruff format --check app ui tests migrations bench tools installer
	$(BIN)/mypy

## Quick loop while coding: no UI tests.
unit: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -q -m "not gui and not slow"

## The frozen one-folder build (installer/emdia.spec) in dist/emdia/; see installer/README.md.
bundle: $(STAMP)
	$(BIN)/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller installer/emdia.spec

## Build it, then run the frozen `emdia` (self-check, demo, debt, window) without Python around.
bundle-smoke: bundle
	EMDIA_BUNDLE_DIR=dist/emdia QT_QPA_PLATFORM=offscreen $(BIN)/pytest -q -p no:xdist -m bundle tests/smoke/test_bundle.py
	cat dist/emdia/start-times.txt

## Every benchmark (bench/bench_*.py) at full size (20,000 patients / ~400,000 installments,
## cached in bench/.cache/); ARGS=--write-results records bench/RESULTS.md.
bench: $(STAMP)
	for script in bench/bench_*.py; do QT_QPA_PLATFORM=offscreen $(BIN)/python -m bench.$$(basename $$script .py) $(ARGS) || exit 1; done

## A small-size run of every benchmark (CI): checks they still work, not how fast.
bench-smoke: $(STAMP)
	for script in bench/bench_*.py; do QT_QPA_PLATFORM=offscreen $(BIN)/python -m bench.$$(basename $$script .py) --smoke || exit 1; done

## Refresh docs/screenshots/ (offscreen render of the real window on a demo clinic).
screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python tools/screenshots.py docs/screenshots

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist
