# The two set-up commands of the README: `make run` and `make test` create .venv and install
# everything on a fresh machine (Python 3.11, pip, network to PyPI).
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3

.PHONY: install run test bench lint

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/duban ingest examples/seeds/*.txt
	$(BIN)/duban summary

test: install
	$(BIN)/pytest -q

bench: install
	$(BIN)/python bench/throughput.py
	$(BIN)/python bench/ledger.py

lint: install
	$(BIN)/ruff check duban tests bench
