# Khadum — the two commands: `make dev` (the whole product locally) and `make test`.
# Each bootstraps what it needs: the virtualenv and Python packages (and, once the
# web app lands, its npm packages and build).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PYTHONWARNINGS := ignore::RuntimeWarning

.PHONY: dev test lint bootstrap clean

$(STAMP): pyproject.toml
	@echo "==> creating the virtualenv in $(VENV) and installing Python packages"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	@$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

bootstrap: $(STAMP)

dev: bootstrap
	@echo "==> starting the local stack (Ctrl-C stops it)"
	@$(BIN)/khadum dev

test: bootstrap
	@echo "==> running every test"
	@$(BIN)/pytest

lint: bootstrap
	@$(BIN)/ruff check khadum functions tests bench
	@$(BIN)/mypy khadum functions

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
