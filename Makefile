# Khadum — the two commands: `make dev` (the whole product locally) and `make test`.
# Each bootstraps what it needs: the virtualenv and Python packages, and the
# dashboard's npm packages and Vite build (web/dist), redone only when sources change.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
WEB_INSTALLED := web/node_modules/.installed
WEB_BUILT := web/dist/.built
WEB_SOURCES := $(shell find web/src -type f 2>/dev/null) web/index.html web/chat.html web/vite.config.js
export PYTHONWARNINGS := ignore::RuntimeWarning

.PHONY: dev test lint bootstrap clean check-node check-chromium

# A missing system part fails at once, with the line that installs it.
check-node:
	@command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || { \
	  echo "Node.js 20 and npm are needed to build the dashboard. Install them with:"; \
	  echo "  apt-get update && apt-get install -y nodejs npm"; exit 1; }

check-chromium:
	@test -x /usr/bin/chromium || { \
	  echo "Debian's Chromium is needed for the browser tests. Install it with:"; \
	  echo "  apt-get update && apt-get install -y chromium"; exit 1; }

$(STAMP): pyproject.toml
	@echo "==> creating the virtualenv in $(VENV) and installing Python packages"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	@$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

$(WEB_INSTALLED): web/package.json web/package-lock.json | check-node
	@echo "==> installing the dashboard's npm packages (npm ci in web/)"
	@cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $(WEB_INSTALLED)

$(WEB_BUILT): $(WEB_INSTALLED) $(WEB_SOURCES)
	@echo "==> building the dashboard (vite build: web/ -> web/dist)"
	@cd web && npm run --silent build -- --logLevel error
	@touch $(WEB_BUILT)

bootstrap: $(STAMP) $(WEB_BUILT)

dev: bootstrap
	@echo "==> starting the local stack (Ctrl-C stops it)"
	@$(BIN)/khadum dev

test: check-chromium bootstrap
	@echo "==> running every test"
	@$(BIN)/pytest

lint: bootstrap
	@$(BIN)/ruff check khadum functions tests bench
	@$(BIN)/mypy khadum functions

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache web/node_modules web/dist
