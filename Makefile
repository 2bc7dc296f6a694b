# Two commands do everything: `make lab` (open the course) and `make test` (run every test).
# Both create .venv with Python 3.11 if needed and install the pinned set from requirements.lock.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LAB_FLAGS := $(if $(filter 0,$(shell id -u)),--allow-root,)
START := notebooks/00-orientation/01-welcome.ipynb
LAB_ARGS ?=

.PHONY: lab test release sync lock check mutants lint clean help

help:
	@echo "make lab      open the course in JupyterLab (installs on first run)"
	@echo "make test     install if needed, then run the whole test suite"
	@echo "make release  regenerate exercises/ from solutions/ with nbgrader"
	@echo "make sync     pair notebooks with their .pct.py scripts and clear outputs"
	@echo "make lock     re-pin requirements.lock and environment.yml from requirements.in"

$(STAMP): requirements.lock pyproject.toml postBuild
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is needed, found " + sys.version.split()[0] + "; set PYTHON=/path/to/python3.11"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	PATH="$(CURDIR)/$(BIN):$$PATH" bash postBuild
	touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab $(LAB_FLAGS) --ServerApp.root_dir="$(CURDIR)" --LabApp.default_url=/lab/tree/$(START) $(LAB_ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest -n 2

check: $(STAMP)
	$(BIN)/python -m course check

mutants: $(STAMP)
	$(BIN)/python -m course mutants

lint: $(STAMP)
	$(BIN)/ruff check course tests notebooks solutions nbgrader_config.py

release: $(STAMP)
	$(BIN)/python -m course release

sync: $(STAMP)
	$(BIN)/python -m course sync

lock: $(STAMP)
	$(BIN)/python -m course lock

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
