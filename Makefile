# The two commands of the README: `make run` and `make test`.
# Everything they need is installed here, into .venv, from pinned versions.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements/lock.txt | cksum | cut -d' ' -f1)

.PHONY: install messages engine-messages run scorecard test lint bench bench-web page-images screenshots clean

install: $(STAMP) messages

# Compiled translations (.mo) are built here from the .po files in the repository.
PO := $(wildcard src/cruscotto/locale/*/LC_MESSAGES/django.po src/cruscotto/engine/locale/*/LC_MESSAGES/engine.po)
MO := $(PO:.po=.mo)
messages: $(MO)
%.mo: %.po
	msgfmt --check -o $@ $<

# The engine's catalogue (engine/lingua.py, stdlib gettext): its messages extracted from the
# engine's code and merged into each language's engine.po, whose new entries then get translated.
ENGINE_PO := $(wildcard src/cruscotto/engine/locale/*/LC_MESSAGES/engine.po)
engine-messages:
	xgettext --language=Python --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=ngettext:1,2 \
	  --no-wrap --package-name=cruscotto-engine -o src/cruscotto/engine/locale/engine.pot src/cruscotto/engine/*.py
	for po in $(ENGINE_PO); do msgmerge --quiet --no-wrap --update --backup=none $$po src/cruscotto/engine/locale/engine.pot; done

$(STAMP): pyproject.toml requirements/lock.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/lock.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-*
	touch $@

# The demo: a local SQLite database in var/, the demo plan, one user per role
# (password "demo"), served on http://127.0.0.1:8000 with one worker for documents
# (Procfile.dev, honcho). Running it again keeps the data.
DEMO_ENV := CRUSCOTTO_DEMO=1 CRUSCOTTO_DEBUG=1
PORT ?= 8000
run: install
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput -v0
	$(DEMO_ENV) $(BIN)/python manage.py demo_setup
	$(DEMO_ENV) $(BIN)/python manage.py demo_valutazione
	@echo "cruscotto: http://127.0.0.1:$(PORT)  (utenti: admin, controllo, responsabile, oiv, consultazione, dipendente; password: demo)"
	$(DEMO_ENV) CRUSCOTTO_PY=$(BIN)/python $(BIN)/honcho -f Procfile.dev start --port $(PORT)

# The command line on the demo plan: the 2020 scorecard in the terminal.
scorecard: install
	$(BIN)/cruscotto score "$$($(BIN)/cruscotto demo --path)" --year 2020 \
	  --actuals "$$($(BIN)/cruscotto demo --actuals-path)"

lint: install
	$(BIN)/ruff check src tests $(wildcard bench) $(wildcard scripts)
	$(BIN)/ruff format --check --quiet src tests $(wildcard bench) $(wildcard scripts)
	$(BIN)/mypy

test: install lint
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/targets.py
	$(BIN)/python bench/documents.py

# Needs PostgreSQL on 127.0.0.1:5432 (see docs/benchmarks-web.md).
bench-web: install
	$(BIN)/python bench/web.py

# Page images of the demo Piano and Relazione in docs/screenshots (needs pdftoppm, poppler-utils).
page-images: install
	$(BIN)/python scripts/page_images.py

# Every page, as every demo role, at 390 and 1366 px, in Italian and English, into
# docs/screenshots/ (its own demo server on a free port; Chromium needed).
screenshots: install
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis build *.egg-info src/*.egg-info
