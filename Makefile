# Two commands do everything: `make lab` (open the course) and `make test` (run every test).
# Both create .venv with Python 3.11 if needed. `make lab` installs the learner set
# (requirements.lock); `make test` adds the test and authoring tools (requirements-dev.lock).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
LEARNER := $(VENV)/.installed-learner
DEV := $(VENV)/.installed-dev
LAB_FLAGS := $(if $(filter 0,$(shell id -u)),--allow-root,)
START := notebooks/00-orientation/01-welcome.ipynb
LAB_ARGS ?=
# `make lab` sets up a git filter that keeps notebook outputs out of git (see .gitattributes);
# GIT_FILTER=no skips it.
GIT_FILTER ?= yes
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check

.PHONY: lab test release sync lock check mutants lint clean help git-filter

# The learner edition (`python -m course edition`) ships this Makefile without solutions/,
# tests/ or requirements-dev.lock: there, help lists `make lab` only and the authors' targets
# stop at once with a message (see the requirements-dev.lock rule).
help:
	@echo "make lab      open the course in JupyterLab (installs the learner set on first run)"
ifneq ($(wildcard requirements-dev.lock),)
	@echo "make test     install the test tools too if needed, then run the whole test suite"
	@echo "make release  regenerate exercises/ from solutions/ with nbgrader"
	@echo "make sync     pair notebooks with their .pct.py scripts and clear outputs"
	@echo "make lock     re-pin requirements.lock, requirements-dev.lock and environment.yml"
endif

$(LEARNER): requirements.lock pyproject.toml postBuild $(wildcard lab-config/*.json lab-config/*/*.json)
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is needed, found " + sys.version.split()[0] + "; set PYTHON=/path/to/python3.11"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements.lock
	PATH="$(CURDIR)/$(BIN):$$PATH" bash postBuild
	touch $(LEARNER)

$(DEV): requirements-dev.lock $(LEARNER)
	$(PIP) -r requirements-dev.lock
	touch $(DEV)

requirements-dev.lock:
	@echo "requirements-dev.lock is missing: make test, check, mutants, lint, release, sync and" \
	  "lock are for the course's authors (the learner edition has only make lab)" >&2; exit 1

git-filter:
	@if [ "$(GIT_FILTER)" != no ] && git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
	  git config filter.notebook-outputs.clean \
	    '[ -x .venv/bin/python ] && exec .venv/bin/python -m course.learner.gitfilter || exec cat'; \
	fi

lab: $(LEARNER) git-filter
	$(BIN)/jupyter lab $(LAB_FLAGS) --ServerApp.root_dir="$(CURDIR)" --LabApp.default_url=/lab/tree/$(START) $(LAB_ARGS)

test: $(DEV)
	$(BIN)/python -m pytest -n 2

check: $(DEV)
	$(BIN)/python -m course check

mutants: $(DEV)
	$(BIN)/python -m course mutants

lint: $(DEV)
	$(BIN)/ruff check course tests notebooks solutions nbgrader_config.py

release: $(DEV)
	$(BIN)/python -m course release

sync: $(DEV)
	$(BIN)/python -m course sync

lock: $(DEV)
	$(BIN)/python -m course lock

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
