# Two commands do all the set-up: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
DEPS   := $(VENV)/.deps-runtime
TDEPS  := $(VENV)/.deps-test

.PHONY: run test lint browser proxy clean

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found %s)" % sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(DEPS): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $@

$(TDEPS): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@ $(DEPS)

run: $(DEPS)
	$(VENV)/bin/sm-app demo
	@echo "Data, key file and the database live in $${SM_DATA_DIR:-data/runtime}/ (kept between runs)."
	@echo "Open $${SM_BASE_URL:-http://localhost:$${SM_PORT:-8080}} and sign in with one of the accounts above."
	$(VENV)/bin/sm-app serve

browser:
	@scripts/ensure-chromium.sh

proxy:
	@scripts/ensure-nginx.sh

lint: $(TDEPS)
	$(VENV)/bin/ruff check sm_app tests bench
	$(VENV)/bin/lint-imports

test: $(TDEPS) browser proxy lint
	$(PY) -m pytest

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
