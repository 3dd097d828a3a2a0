# 两条命令 / the two commands: `make run` (demo) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export DATABASE_URL_TEST := $(or $(DATABASE_URL),postgres://postgres@/centre)
export REDIS_URL_TEST := $(or $(REDIS_URL),redis://127.0.0.1:6379/0)

.PHONY: run test install assets lint format clean

# Python and npm dependencies; re-run only when their files change.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

static/vendor/.built: node_modules/.package-lock.json scripts/copy-assets.mjs
	npm run --silent build
	touch $@

install: $(VENV)/.installed static/vendor/.built
assets: static/vendor/.built

# The demo: SQLite and in-process tasks unless DATABASE_URL / REDIS_URL say otherwise.
# A checkout used for development gets DEBUG on in its own (untracked) .env, so that
# manage.py works there without a SECRET_KEY; real environment variables still win.
.env:
	printf '# Local development (created by make run; not used in production)\nDEBUG=1\n' > .env

run: install .env
	test -f var/party.key || DEBUG=1 $(BIN)/python manage.py generate_party_key var/party.key
	test -f var/audit.key || DEBUG=1 $(BIN)/python manage.py generate_party_key var/audit.key
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py seed_demo
	@echo "打开 / open http://127.0.0.1:$(PORT)/  （演示账号见上 / demo logins above）"
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The suite on PostgreSQL and Redis (started here if they are down), with a real Celery
# worker for the tests marked celery_worker.
test: install
	scripts/ensure-debs.sh
	DATABASE_URL=$(DATABASE_URL_TEST) REDIS_URL=$(REDIS_URL_TEST) scripts/ensure-services.sh
	DATABASE_URL=$(DATABASE_URL_TEST) REDIS_URL=$(REDIS_URL_TEST) \
	  $(BIN)/python -m pytest -n 2 --dist=loadscope --reuse-db --durations=20 $(PYTEST_ARGS)

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format:
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules static/vendor var
