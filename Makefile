# The two commands of the README: `make figures` and `make test`.
# Both create .venv on first use and install scratchnet into it (editable).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: figures quick-figures test lint bench docs docs-quick docs-check browser-check clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "scratchnet needs Python 3.10 or newer; this is " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[interactive]"
	touch $@

$(VENV)/.installed-test: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

figures: $(VENV)/.installed
	$(BIN)/scratchnet figures

quick-figures: $(VENV)/.installed
	$(BIN)/scratchnet figures --quick --out build/quick-figures

test: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n auto

$(VENV)/.installed-bench: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[interactive,cluster]"
	touch $@ $(VENV)/.installed

# Every benchmark runs and reports, even after one misses its target; the target fails at the end. Each writes what
# it measured into benchmarks/results.json, from which the README's table and the docs' performance page are rendered.
# (bench_landscape compares a Dask cluster with threads: the cluster extra is installed for it.)
bench: $(VENV)/.installed-bench
	@missed=""; \
	for script in benchmarks/bench_*.py; do \
		echo "== $$script"; \
		$(BIN)/python $$script || missed="$$missed $$script"; \
	done; \
	$(BIN)/python benchmarks/render.py; \
	if [ -n "$$missed" ]; then echo "== targets missed by:$$missed"; exit 1; fi; \
	echo "== every benchmark met its targets"

$(VENV)/.installed-docs: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[docs]"
	touch $@ $(VENV)/.installed

# The site: guides, the gallery of the chapters (each run as it is, with its full settings; docs-quick: --quick),
# the API reference. Warnings are errors. Offline once installed.
docs: $(VENV)/.installed-docs
	$(BIN)/sphinx-build -W --keep-going -q -b html docs docs/_build/html
	@echo "the site: open docs/_build/html/index.html"

docs-quick: $(VENV)/.installed-docs
	SCRATCHNET_DOCS_QUICK=1 $(BIN)/sphinx-build -W --keep-going -q -b html docs docs/_build/html
	@echo "the site (chapters in --quick mode): open docs/_build/html/index.html"

# The built site as a reader meets it: local links, every chapter's page, and four pages in headless Chromium
# (no JavaScript error, not blank, the 3D surface drawn). Run after docs or docs-quick.
docs-check: $(VENV)/.installed-docs
	@command -v chromium >/dev/null || (apt-get install -y -qq chromium >/dev/null 2>&1 || \
		{ echo "docs-check: needs Chromium (apt-get install chromium)"; exit 1; })
	$(BIN)/python docs/check_site.py

# Opens interactive pages in headless Chromium (Debian's package; installed here when missing) and checks
# that the WebGL surface and the path were drawn. Not part of `make test`: it needs a browser.
browser-check: $(VENV)/.installed-test
	@command -v chromium >/dev/null || (apt-get install -y -qq chromium >/dev/null 2>&1 || \
		{ echo "browser-check: needs Chromium (apt-get install chromium)"; exit 1; })
	$(BIN)/python tests/browser_check.py

clean:
	rm -rf $(VENV) build .pytest_cache .ruff_cache .hypothesis docs/_build docs/_chapters docs/_extra docs/_rendered \
		docs/_generated docs/auto_examples
