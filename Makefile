# The two set-up commands of the README: `make run` and `make test` create .venv and install
# everything on a fresh machine (Python 3.11, pip, network to PyPI).
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3

.PHONY: install system run serve test bench lint lock

# pyproject.toml gives version ranges; requirements.lock the exact versions every install takes, each
# with its hashes (a file that is not the one locked is refused); duban itself goes in after, alone
$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q --require-hashes -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $@

install: $(VENV)/.installed

# Debian packages the tests use: Chromium (Playwright drives it; it never downloads a browser of its own),
# a Chinese font to print test scans with, LibreOffice to convert .doc/.wps/.et and render bulletins,
# poppler's pdftotext (outside CI a machine that cannot install them skips those tests)
SYSTEM_PACKAGES := chromium fonts-wqy-microhei libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils
system:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	[ -z "$$missing" ] || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$missing; } || [ "$$CI" != true ]

# the demo office: the sample plans lived up to DEMO_DAY (rebuilt at every start, in data/demo, never in
# DUBAN_DATABASE_URL), served as of that day with a banner saying so; demo accounts with fresh passwords
DEMO_DAY ?= 2024-12-18
DEMO := env -u DUBAN_DATABASE_URL DUBAN_DATA_DIR=data/demo DUBAN_TODAY=$(DEMO_DAY)
run: install
	rm -f data/demo/duban.sqlite3 data/demo/duban.sqlite3-wal data/demo/duban.sqlite3-shm
	$(DEMO) $(BIN)/duban demo examples/seeds/*.txt
	$(DEMO) $(BIN)/duban serve --host $(or $(HOST),127.0.0.1) --port $(or $(PORT),8000)

# the web UI on the office's own ledger ($$DUBAN_DATA_DIR or DUBAN_DATABASE_URL): nothing is loaded or
# reset; the very first start makes an admin account and prints its password once
serve: install
	$(BIN)/duban serve --host $(or $(HOST),127.0.0.1) --port $(or $(PORT),8000)

test: install system
	$(BIN)/pytest -q

bench: install system
	$(BIN)/python bench/throughput.py
	$(BIN)/python bench/ledger.py
	$(BIN)/python bench/web.py
	$(BIN)/python bench/province.py
	$(BIN)/python bench/ocr.py
	$(BIN)/python bench/compare.py

lint: install
	$(BIN)/ruff check duban tests bench

# the newest versions the ranges allow, with their hashes, written to requirements.lock (then run the tests)
lock:
	rm -rf $(VENV).lock && $(PYTHON) -m venv $(VENV).lock
	$(VENV).lock/bin/pip install -q 'pip-tools>=7.7,<8'
	$(VENV).lock/bin/pip-compile -q --upgrade --generate-hashes --extra dev --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml
	rm -rf $(VENV).lock
