# oretrace — the two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-postgres lint bench bench-scale bench-web bench-web-reference bench-web-reference-postgres bench-cold bench-real bench-portal clean messages \
	makemessages

# Translations: the .po files are the source (committed); the .mo files are build outputs
# (ignored by git), compiled here with GNU gettext's msgfmt (scripts/ensure-gettext.sh).
LOCALE_PO := $(wildcard src/oretrace/locale/*/LC_MESSAGES/django.po)
LOCALE_MO := $(LOCALE_PO:.po=.mo)

messages: $(LOCALE_MO)

%.mo: %.po
	msgfmt --check --output-file=$@ $<

# After marking new strings: add them to the catalogues, then translate the empty entries
# (tests/web/test_portal_i18n.py fails while one is empty or fuzzy).
makemessages: $(STAMP)
	cd src/oretrace && env -u DJANGO_SETTINGS_MODULE ../../$(BIN)/python -m django makemessages \
		--no-location --no-obsolete -l ja -l zh_Hans

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP) messages
	$(BIN)/python -m oretrace.demo

test: $(STAMP) messages
	$(BIN)/python -m pytest -q

test-postgres: $(STAMP) messages
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

bench-web-reference-postgres: $(STAMP)  # the SQLite reference build copied into a throwaway PostgreSQL
	scripts/with-postgres.sh $(BIN)/python benchmarks/reference_postgres.py .bench/reference

# The first request after a write, on .bench/reference (make bench-web-reference builds it);
# BASE=<git revision> runs the same steps on that revision's code too and compares results.
bench-cold: $(STAMP)
	@if [ -n "$(BASE)" ]; then rm -rf .bench/base && mkdir -p .bench/base && \
		git archive $(BASE) src | tar -x -C .bench/base; fi
	$(BIN)/python benchmarks/cold_assessment.py $(if $(BASE),--baseline-src .bench/base/src)

bench-portal: $(STAMP)  # PostgreSQL: a throwaway server (set ORETRACE_PG_PORT) or --database-url
	$(BIN)/python benchmarks/portal_load.py

bench-real: $(STAMP)
	$(BIN)/python benchmarks/ingest_real.py -n 1000

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache $(LOCALE_MO)
