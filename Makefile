# The two set-up commands of the README: `make run` and `make test` create .venv and install
# everything on a fresh machine (Python 3.11, pip, network to PyPI).
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3

.PHONY: install browser run demo test bench lint lock

# pyproject.toml gives version ranges; requirements.lock the exact versions every install takes
$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c requirements.lock -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser of its own)
# (outside CI a machine that cannot install it skips those tests)
browser:
	@command -v chromium >/dev/null || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium; } || [ "$$CI" != true ]

# the web UI on the office's own ledger: nothing is loaded or reset; the very first start makes an
# admin account and prints its password once
run: install
	$(BIN)/duban serve --host $(or $(HOST),127.0.0.1) --port $(or $(PORT),8000)

# to try it out: the sample ledger (ingesting again changes nothing), demo accounts with fresh passwords
demo: install
	$(BIN)/duban ingest examples/seeds/*.txt
	$(BIN)/duban demo
	$(BIN)/duban serve --host $(or $(HOST),127.0.0.1) --port $(or $(PORT),8000)

test: install browser
	$(BIN)/pytest -q

bench: install
	$(BIN)/python bench/throughput.py
	$(BIN)/python bench/ledger.py
	$(BIN)/python bench/web.py

lint: install
	$(BIN)/ruff check duban tests bench

# the newest versions the ranges allow, written to requirements.lock (then run the tests)
lock:
	rm -rf $(VENV).lock && $(PYTHON) -m venv $(VENV).lock
	$(VENV).lock/bin/pip install -q -e '.[dev]'
	{ head -2 requirements.lock; $(VENV).lock/bin/pip freeze --exclude-editable; } > requirements.lock.new
	mv requirements.lock.new requirements.lock && rm -rf $(VENV).lock
