# The README's commands: `make demo` (set up from nothing and run the pipeline on the
# synthetic authority) and `make test` (set up and pass every test). `make dev` opens
# the Dagster UI.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DAGSTER_HOME := $(CURDIR)/var/dagster_home
export SCORECARD_CONFIG ?= $(CURDIR)/config/demo.yaml
DBT := $(BIN)/dbt --no-use-colors
DBT_DIRS := --project-dir dbt_project --profiles-dir dbt_project

.PHONY: validators setup system-packages demo test dev generate run summary lint format manifest docs clean dq-eval bench

setup: system-packages $(STAMP) manifest $(DAGSTER_HOME)/dagster.yaml

# Debian packages the test suite needs: the PostgreSQL server binaries (tests/postgres) and
# Chromium with its WebDriver (the committee scorecard's browser test). Skips apt when all
# are present; uses sudo only when not root.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
system-packages:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && [ -x /usr/bin/chromium ] \
	    && [ -x /usr/bin/chromedriver ]; then \
	  echo "system packages: postgresql, chromium and chromium-driver present"; \
	else \
	  $(SUDO) apt-get update && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
	    postgresql chromium chromium-driver; \
	fi

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The sector's statutory-return validators pin older numpy and pandas, so they live in their
# own virtual environment (tests/returns run them there; docs/decisions/0009).
VALIDATORS_VENV := .venv-validators
VALIDATORS_STAMP := $(VALIDATORS_VENV)/.installed
$(VALIDATORS_STAMP): config/validators-requirements.txt
	$(PYTHON) -m venv $(VALIDATORS_VENV)
	$(VALIDATORS_VENV)/bin/pip install --quiet --upgrade pip
	$(VALIDATORS_VENV)/bin/pip install --quiet -r config/validators-requirements.txt
	touch $(VALIDATORS_STAMP)

validators: $(VALIDATORS_STAMP)

$(DAGSTER_HOME)/dagster.yaml: config/dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp config/dagster.yaml $@

# dagster-dbt loads the asset graph from dbt's manifest.
manifest: $(STAMP)
	$(DBT) parse $(DBT_DIRS) --quiet

generate: setup
	$(BIN)/python -m orchestration.synthetic --config $(SCORECARD_CONFIG)

# `dagster job execute` runs no sensors, so the alert digest is sent by the CLI after it.
run: setup
	$(BIN)/dagster job execute -m orchestration.definitions -j scorecard
	$(BIN)/python -m orchestration.cli --config $(SCORECARD_CONFIG) alert --run-id latest

summary: setup
	$(BIN)/python -m orchestration.cli --config $(SCORECARD_CONFIG) summary

demo: generate run summary

dev: setup
	$(BIN)/dagster dev -w workspace.yaml

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint dbt_project/models dbt_project/tests --disable-progress-bar

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(BIN)/sqlfluff fix dbt_project/models --disable-progress-bar

test: setup lint validators
	$(BIN)/python -m pytest -q

# Recall and precision of the migration-gap models on generated authorities (one per
# defect kind, all kinds, clean); options via DQ_EVAL_ARGS, e.g. "--population 2000 --jobs 1".
dq-eval: setup
	$(BIN)/python -m orchestration.evaluation.dq_eval $(DQ_EVAL_ARGS)

# Speed and memory at three scales (one authority, a region, England) against the floor;
# prints the figures and writes docs/benchmarks.md. Datasets are generated once into
# var/bench. Options via BENCH_ARGS, e.g. "--scales authority" or "--scales custom-15000".
bench: setup
	$(BIN)/python -m orchestration.bench $(BENCH_ARGS)

# The dbt docs site (models, columns, tests, lineage, exposures) as one self-contained page,
# <output_dir>/dbt_docs/index.html, from a copy of the published warehouse (run the pipeline
# first: make demo). The catalog holds names and types only, never rows.
docs: setup
	$(BIN)/python -m orchestration.cli --config $(SCORECARD_CONFIG) dbt-docs

clean:
	rm -rf var dbt_project/target dbt_project/logs .pytest_cache
