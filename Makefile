# oretrace — the two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-postgres lint bench bench-scale bench-web bench-web-reference bench-real clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m oretrace.demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

test-postgres: $(STAMP)
	scripts/with-postgres.sh $(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/read_speed.py
	$(BIN)/python benchmarks/identify_quality.py

bench-scale: $(STAMP)
	$(BIN)/python benchmarks/ingest_scale.py

bench-web: $(STAMP)  # on the demo's registry: run `make demo` first
	$(BIN)/python benchmarks/web_pages.py --data demo-out/data

bench-web-reference: $(STAMP)  # builds .bench/reference once (~25 min on 2 cores), then reuses it
	$(BIN)/python benchmarks/web_pages.py --reference-scale .bench/reference

bench-real: $(STAMP)
	$(BIN)/python benchmarks/ingest_real.py -n 1000

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
