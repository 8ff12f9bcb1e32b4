# csops: `make demo` and `make test` set everything up on a fresh machine with Python 3.11.
PYTHON ?= python3.11
VENV   := .venv
UV     := .uv/bin/uv
UV_VERSION := 0.13.9

export DAGSTER_HOME ?= $(CURDIR)/dagster_home
export DBT_SEND_ANONYMOUS_USAGE_STATS := False

.PHONY: setup setup-engines browser demo test test-ui test-engines engines-runtime lint ui bench clean

# uv lives in its own small venv so `uv sync` can manage .venv exactly from uv.lock.
$(UV):
	$(PYTHON) -m venv .uv
	.uv/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Bytecode is compiled at install: with PYTHONDONTWRITEBYTECODE set (as on CI machines) every
# dbt and Dagster process would otherwise recompile its imports, about 6 s per dbt call.
$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --extra dev --compile-bytecode --python $(PYTHON)
	touch $@

setup: $(VENV)/.synced

demo: setup
	$(VENV)/bin/csops demo

# The KPI report is tested as a person sees it, in headless Chromium: Debian's package,
# installed when missing (as root, or through sudo).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the report's browser test"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends chromium; }

test: setup browser
	$(VENV)/bin/pytest

# The Dagster UI and daemon as a person uses them: a CLI run, then `dagster dev` with a
# backfill and a re-execution launched from the UI (about 8 minutes; CI runs it after `test`).
test-ui: setup browser
	$(VENV)/bin/pytest -m ui -n 0

# The same dbt project on Spark (a local pyspark session: Java 17) and PostgreSQL (a server
# the test starts on 127.0.0.1), held to DuckDB's marts (docs/scale.md); installs Debian's
# Java and PostgreSQL when missing. CI runs it after `test-ui`.
# They run from an environment of their own, .venv-engines (the engines extra): with pyspark
# importable, Great Expectations loads its Spark support in every process that checks data.
ENGINES_VENV := .venv-engines

$(ENGINES_VENV)/.synced: pyproject.toml uv.lock | $(UV)
	UV_PROJECT_ENVIRONMENT=$(ENGINES_VENV) $(UV) sync --frozen --extra dev --extra engines --compile-bytecode --python $(PYTHON)
	touch $@

setup-engines: $(ENGINES_VENV)/.synced

# Its own time budget: about 6 minutes today, stopped (and failed) past 25.
test-engines: setup-engines engines-runtime
	timeout 1500 $(ENGINES_VENV)/bin/pytest -m engines -n 0

engines-runtime:
	@command -v java >/dev/null 2>&1 && { command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; } || { \
	  echo "installing Debian's Java 17 and PostgreSQL for the engine tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends \
	    openjdk-17-jre-headless postgresql; }

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

ui: setup
	$(VENV)/bin/dagster dev -w workspace.yaml

# Scale runs (benchmarks/README.md); installs the benchmark-only extra (dlt) first.
bench: setup
	$(UV) sync --frozen --extra dev --extra bench --compile-bytecode --python $(PYTHON)
	$(VENV)/bin/python -m benchmarks.run --scale S

clean:
	rm -rf data dbt_project/target dbt_project/logs
