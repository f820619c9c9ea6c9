# The two commands a new machine needs: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck unit corpus train bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## demo: compare the two seed articles (a Reuters story and a spun copy) and show the evidence
demo: $(STAMP)
	$(BIN)/detector compare corpus/seeds/000_6938627cd5ef1f07.txt corpus/seeds/001_7281db72b9a8aca8.txt

## test: lint, type-check, unit tests with doctests, evaluation gate
test: $(STAMP) lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check detector tests benchmarks scripts
	$(BIN)/ruff format --check detector tests benchmarks scripts

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
