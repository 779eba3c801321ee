# One Makefile for people and CI. `make build` and `make test` set up
# everything they need on a fresh Debian machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP_BUILD := $(VENV)/.installed-build
STAMP_TEST := $(VENV)/.installed-test
AXE := node_modules/axe-core/axe.min.js
# A regional edition: `make build OVERLAY=overlays/example-county` builds it into site-example-county/
# (or SITE=<folder>); check and serve take OVERLAY too. README: 地方版与单位版.
OVERLAY ?=
SITE ?=
EDITION := $(if $(OVERLAY),--overlay $(OVERLAY))

.PHONY: build test test-fast bench check serve schema lint clean sysdeps-build sysdeps-test

build: $(STAMP_BUILD) sysdeps-build
	$(PY) -m macros $(EDITION) build $(if $(SITE),--site $(SITE))

check: $(STAMP_BUILD)
	$(PY) -m macros $(EDITION) check

serve: $(STAMP_BUILD)
	$(PY) -m macros $(EDITION) serve

schema: $(STAMP_BUILD)
	$(PY) -m macros schema

test: $(STAMP_TEST) sysdeps-test $(AXE)
	$(PY) -m ruff check macros tests bench
	$(PY) -m macros build
	$(PY) -m pytest

# Everything that needs no built site, browser or PDF (tests marked slow are left out): the quick loop.
test-fast: $(STAMP_TEST)
	$(PY) -m ruff check macros tests bench
	$(PY) -m pytest -m "not slow"

lint: $(STAMP_TEST)
	$(PY) -m ruff check macros tests bench

# Figures, not a test: see bench/README.md. BENCH_ARGS=--full also builds 100× site and PDFs.
bench: $(STAMP_TEST) sysdeps-test
	$(PY) -m bench.run $(BENCH_ARGS)

sysdeps-build:
	@sh scripts/system-deps.sh build

sysdeps-test:
	@sh scripts/system-deps.sh test

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP_BUILD): $(VENV)/bin/python requirements/build.txt pyproject.toml
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/build.txt
	touch $@

$(STAMP_TEST): $(STAMP_BUILD) requirements/test.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/test.txt
	touch $@

# axe-core (accessibility checks in the browser tests), pinned in package-lock.json.
$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

clean:
	rm -rf build site site-* .pytest_cache
