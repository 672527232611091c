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
# Every variable reaches the shell as ONE single-quoted word ($(value ...): not even make expands
# it), so a path with spaces works and no value can inject shell code; PARAMS is split into
# '-p NAME VALUE' by the runner itself (shlex rules, never a shell).
# Command-line variables are exported (and so expanded) by make: not these.
unexport DATA_DIR JOBS PARAMS CH
quote    = '$(subst ','\'',$(1))'
RUNFLAGS  = --data-dir=$(call quote,$(value DATA_DIR)) $(if $(value JOBS),--jobs=$(call quote,$(value JOBS))) --params=$(call quote,$(value PARAMS))

.PHONY: help install book test lab chapter check lint format lock clean browser-deps

help:
	@echo "make book                    install (if needed), check the data, execute every chapter, build book/_build/html"
	@echo "make test                    install (if needed), run the whole test suite (incl. the book build)"
	@echo "make chapter CH=04_scoring PARAMS='-p WEIGHTS entropy'   rerun one chapter with parameters"
	@echo "make book DATA_DIR=path/to/data                          the whole book on another data folder"
	@echo "make check DATA_DIR=path/to/data                         check a data folder (privacy, every file) only"
	@echo "make lab                     JupyterLab on the chapters"
	@echo "make lint | format | lock | clean"
	@echo
	@if test -x $(BIN)/python; then $(BIN)/python -m tools.run --list-parameters; \
	 else echo "(run 'make install' to see every chapter's parameters here)"; fi

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
	@test -n $(call quote,$(value CH)) || { echo "usage: make chapter CH=04_scoring PARAMS='-p WEIGHTS entropy'"; exit 2; }
	$(BIN)/python -m tools.run --only=$(call quote,$(value CH)) --no-build $(RUNFLAGS)

check: install
	$(BIN)/python -m tools.check -- $(call quote,$(value DATA_DIR))

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
