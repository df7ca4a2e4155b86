# The two commands of the README: `make demo` and `make test`. Each sets up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test serve

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "order-import needs Python 3.11 or newer (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

# The example partner plugin, installed beside the project as a partner's would be (its
# dependencies are the project's own); re-installed when its pyproject.toml changes.
GUMROAD := examples/order-import-gumroad

$(VENV)/.gumroad-installed: $(GUMROAD)/pyproject.toml | $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --no-deps -e $(GUMROAD)
	@touch $@

demo: $(VENV)/.installed
	$(BIN)/order-import demo

serve: $(VENV)/.installed
	$(BIN)/order-import serve

# Everything on SQLite, then every database test again on PostgreSQL
# (ORDER_IMPORT_TEST_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432; skipped when
# unreachable, a failure when CI=true).
test: $(VENV)/.installed $(VENV)/.gumroad-installed
	$(BIN)/python -m pytest -n auto
	ORDER_IMPORT_TEST_DATABASE=postgres $(BIN)/python -m pytest -n auto -m database
