# The two commands: `make book` and `make test` (see README.md). Everything else is a helper.
# Needs only Python 3.11 and pip on the machine; the environment is .venv, installed from the
# hashed lock file requirements.lock (and re-installed only when the lock file changes).

PYTHON   ?= python3.11
VENV     ?= .venv
BIN      := $(VENV)/bin
STAMP    := $(VENV)/.installed-from-lock
UV       := uv==0.13.9
DATA_DIR ?= data
JOBS     ?=
PARAMS   ?=
CH       ?=
RUNFLAGS := --data-dir $(DATA_DIR) $(if $(JOBS),--jobs $(JOBS)) $(PARAMS)

.PHONY: help install book test lab chapter lint format lock clean browser-deps

help:
	@echo "make book                    install (if needed), execute every chapter, build book/_build/html"
	@echo "make test                    install (if needed), run the whole test suite (incl. the book build)"
	@echo "make chapter CH=04_scoring PARAMS='-p WEIGHTS entropy'   rerun one chapter with parameters"
	@echo "make book DATA_DIR=path/to/data                          the whole book on another data folder"
	@echo "make lab                     JupyterLab on the chapters"
	@echo "make lint | format | lock | clean"

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check $(UV)
	$(BIN)/uv pip sync --quiet --python $(BIN)/python --require-hashes requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $(STAMP)

book: install
	$(BIN)/python -m tools.run $(RUNFLAGS)

chapter: install
	@test -n "$(CH)" || { echo "usage: make chapter CH=04_scoring PARAMS='-p WEIGHTS entropy'"; exit 2; }
	$(BIN)/python -m tools.run --only $(CH) --no-build $(RUNFLAGS)
	@echo "Executed copy: book/_build/executed/chapters/$(CH).ipynb (open it with: make lab)"

browser-deps:
	@bash scripts/ensure-chromium.sh

test: install browser-deps
	$(BIN)/python -m pytest

lab: install
	$(BIN)/jupyter lab book/chapters

# Lint gate (run by .ci/run before the tests): the library, the runner, tests, benchmarks, the Sphinx
# extension and the notebooks (book/, .ipynb included; book/_build is excluded in pyproject.toml).
LINT_PATHS := utils tools tests benchmarks book

lint: install
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/ruff check $(LINT_PATHS)

format: install
	$(BIN)/ruff format $(LINT_PATHS)
	$(BIN)/ruff check --fix $(LINT_PATHS)

# Re-pin after editing pyproject.toml (needs network access to PyPI): runtime dependencies and the
# test/dev extras, hashed, for Python 3.11; binder/requirements.txt is the same file (Binder installs
# it). Existing pins are kept unless pyproject.toml needs a change (add --upgrade to move them all).
# tests/test_publishing.py re-runs this resolution and fails when the lock is stale.
LOCK_FLAGS := --python-version 3.11 --all-extras --generate-hashes --custom-compile-command "make lock"

lock: install
	$(BIN)/uv pip compile pyproject.toml $(LOCK_FLAGS) --quiet -o requirements.lock
	cp requirements.lock binder/requirements.txt

clean:
	rm -rf book/_build .pytest_cache .hypothesis
