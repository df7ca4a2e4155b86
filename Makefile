# The two commands of the README: `make demo` and `make test`. Each sets up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

PORT ?= 8000
NPM := $(shell command -v npm 2>/dev/null)

.PHONY: demo test serve console

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

# The seller console (console/, TypeScript): built into server/console/, which the server serves at /
# and the wheel ships, with GraphiQL in server/console/graphiql/ (written last by the same `npm run build`).
# Without npm the API still installs and serves; `/` then says how to build it.
CONSOLE_SOURCES := $(shell find console/src -path console/src/gql -prune -o -type f -print 2>/dev/null) \
	$(wildcard console/index.html console/graphiql.html console/public/*) \
	$(wildcard console/*.json console/*.ts) schema.graphql

console/node_modules/.package-lock.json: console/package-lock.json
	cd console && npm ci --no-audit --no-fund

server/console/graphiql/graphiql.html: console/node_modules/.package-lock.json $(CONSOLE_SOURCES)
	cd console && npm run build

ifdef NPM
console: server/console/graphiql/graphiql.html
else
console:
	@echo "npm not found: the seller console is not built (the API at /graphql works without it)" >&2
endif

demo: $(VENV)/.installed console
	$(BIN)/order-import demo --port $(PORT)

serve: $(VENV)/.installed console
	$(BIN)/order-import serve --port $(PORT)

# The type checker (mypy, strict, over server/ and plugins/: see [tool.mypy] in pyproject.toml), then
# everything on SQLite, then every database test again on PostgreSQL
# (ORDER_IMPORT_TEST_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432; skipped when
# unreachable, a failure when CI=true).
test: $(VENV)/.installed $(VENV)/.gumroad-installed console
ifdef NPM
	cd console && npm test
	cd console && npm run lint:schema
endif
	$(BIN)/mypy
	$(BIN)/python -m pytest -n auto
	ORDER_IMPORT_TEST_DATABASE=postgres $(BIN)/python -m pytest -n auto -m database
