# Every task of the project. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
export DBT_PROFILES_DIR ?= $(CURDIR)
export LAKE_URI ?= data/lake
export DUCKDB_PATH ?= data/warehouse.duckdb

# Real REES46 rows, committed with their attribution and licence note (see its README.md).
SAMPLE := tests/fixtures/kaggle-sample
RAW    ?=

.PHONY: help
help: ## list every target
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sort | awk -F':.*## ' '{printf "  make %-22s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

.PHONY: install
install: $(VENV)/.installed ## create .venv from requirements.lock (done by every target that needs it)

.PHONY: lock
lock: ## re-resolve requirements.lock from pyproject.toml (needs PyPI)
	test -x $(BIN)/uv || $(PY) -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --no-header -o requirements.lock

# `make demo` runs on generated data unless RAW names the user's own files (a file, several, a folder or a glob).
# The generated data spans October and November 2019 (the sale days included), like the two real months.
DEMO_EVENTS ?= 300000
DEMO_DAYS   ?= 61
DEMO_SEED   ?= 46
DEMO_CSV    := data/raw/demo-$(DEMO_EVENTS)-$(DEMO_DAYS)d.csv.gz

.PHONY: demo
demo: install ## the whole pipeline: generate (or RAW=your files), land, dbt build, print the KPIs
ifeq ($(strip $(RAW)),)
	@echo "==> generating $(DEMO_EVENTS) events over $(DEMO_DAYS) days from 2019-10-01 into $(DEMO_CSV)"
	@test -f $(DEMO_CSV) || { mkdir -p data/raw && \
		$(BIN)/ingest generate --events $(DEMO_EVENTS) --days $(DEMO_DAYS) --seed $(DEMO_SEED) --out $(DEMO_CSV); }
	@echo "==> landing into the lake at $(LAKE_URI) (a file landed before is skipped)"
	$(BIN)/ingest land $(DEMO_CSV)
else
	@echo "==> landing $(RAW) into the lake at $(LAKE_URI) (a file landed before is skipped)"
	$(BIN)/ingest land $(RAW)
endif
	@echo "==> dbt build on the dev target: $(DUCKDB_PATH)"
	$(MAKE) --no-print-directory build demo-report
	@echo
	@echo "Done. The lake is in $(LAKE_URI), the warehouse in $(DUCKDB_PATH)."
	@echo "Next: make dashboard (the executive, brand and funnel dashboards), make docs (lineage and metric"
	@echo "definitions), make help (every other task)."

.PHONY: clean
clean: ## remove data/, target/ and logs/ (keeps .venv)
	rm -rf data target logs

# Each mk/*.mk file adds its own targets, and appends the checks CI must run to TEST_TARGETS.
TEST_TARGETS := test-python
include $(sort $(wildcard mk/*.mk))

.PHONY: test
test: install ## run everything CI checks (what .ci/run runs)
	$(MAKE) --no-print-directory $(TEST_TARGETS)

.PHONY: test-python
test-python: install ## the Python tests (pytest): landing, generator, S3 against moto
	$(BIN)/pytest -q

