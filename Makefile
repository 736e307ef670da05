# The README's commands. `make run` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DATA   ?= data

.PHONY: run dev test test-quick lint format bench bench-smoke demo browser-deps docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.app: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	touch $(VENV)/.app $@

## run: the dashboard on http://localhost:8501 (the synthetic demo when data/ holds no snapshot)
run: $(VENV)/.app
	$(BIN)/streamlit run dashboard.py

## dev: the dashboard reloading when a source file is saved (the hosted config watches nothing)
dev: $(VENV)/.app
	$(BIN)/streamlit run dashboard.py --server.fileWatcherType auto --server.runOnSave true

## test: the whole suite — unit, app, browser and benchmark smoke tests
test: $(VENV)/.dev browser-deps
	$(BIN)/python -m pytest

## test-quick: everything but the real-browser tests
test-quick: $(VENV)/.dev
	$(BIN)/python -m pytest -m "not browser"

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check analysis benchmarks

format: $(VENV)/.dev
	$(BIN)/ruff format analysis benchmarks
	$(BIN)/ruff check --fix .

## bench: the benchmark suite (writes benchmarks/results.md)
bench: $(VENV)/.dev
	$(BIN)/python -m benchmarks

demo: $(VENV)/.app
	$(BIN)/python -m analysis demo --data-dir $(DATA)

## docs: regenerate docs/methodology.md from analysis/methodology.py
docs: $(VENV)/.app
	$(BIN)/python -m analysis docs

# Chromium for the browser tests: Debian's package (Playwright cannot download browsers here).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium || \
	  { if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	    else echo "note: chromium missing and not root; browser tests will be skipped"; fi; }

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache tests/artifacts
