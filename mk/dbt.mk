# dbt: build, test, document and lint the warehouse models (models/, seeds/, snapshots/, analyses/, macros/).
DBT         := $(BIN)/dbt
# CI's throwaway lake and warehouse, so `make test` never touches the ones under data/lake and DUCKDB_PATH.
DBT_CI_DATA := data/ci-dbt
# CI lands this many synthetic events beside the real sample.
DBT_CI_EVENTS ?= 200000
# dbt-score: the project's own rules (tools/dbt_score_rules) replace the built-in macro rules, which
# would also ask for a description of every engine implementation behind adapter.dispatch.
DBT_SCORE := PYTHONPATH=tools $(BIN)/dbt-score lint --fail-project-under 10 --fail-any-item-under 10 \
	--disabled-rule dbt_score.rules.generic.has_example_sql \
	--disabled-rule dbt_score.rules.macros.macro_has_description \
	--disabled-rule dbt_score.rules.macros.macro_arguments_have_description

# An empty lake on the dev target is caught by dbt itself (macros/check_lake.sql, on-run-start). The build holds
# the lake's lock (`ingest locked`): a landing waits for it to end, and it waits for a landing to end, so that it
# never reads a file half published (an incremental build would take its landing time as built and miss the rest).
# After a landing killed mid-publish it refuses, with one line, until the next landing undoes it.
.PHONY: build
build: install ## dbt build (models, seeds, snapshot, tests) on the dev warehouse from the lake at LAKE_URI
	@if [ "$${DBT_TARGET:-dev}" = prod ]; then $(MAKE) --no-print-directory check-prod; fi
	$(BIN)/ingest locked -- $(DBT) build

# dbt-athena asks Glue for the databases before any project macro runs, so without AWS credentials dbt ends in
# a botocore traceback: this says it in one line first. (A missing ATHENA_S3_DATA_DIR is caught by profiles.yml.)
.PHONY: check-prod
check-prod: ## the prod target's first-run checks, one line each: ATHENA_S3_DATA_DIR set, AWS credentials found
	@test -n "$${ATHENA_S3_DATA_DIR:-}" || { \
		echo "ATHENA_S3_DATA_DIR is not set: set it to the S3 folder for the prod tables (docs/aws.md)"; exit 1; }
	@$(PY) -c 'import boto3, sys; sys.exit(boto3.Session().get_credentials() is None)' 2>/dev/null || { \
		echo "no AWS credentials for the prod target: set AWS_PROFILE (or AWS_ACCESS_KEY_ID and" \
			"AWS_SECRET_ACCESS_KEY), or run aws sso login; docs/aws.md lists the permissions"; exit 1; }

# The daily run (README, "Daily run"): land what is new in the drop folder, then build incrementally. Safe to run
# again, and when nothing is new: a file landed before is skipped, and a build reads only what was landed since
# the last one (with nothing, it rewrites nothing). A drop folder with no raw file (empty, or a stray note) still
# builds. Two daily runs at once take turns on the lake's lock, the landing's and the build's. The build is
# selectors.yml's `daily`: the unit tests and the generic tests' fixtures test the code, not the data, whatever
# was landed: `make test` runs them.
# A file that cannot be landed (not REES46, say) must not hold back the others: they are landed and built, and
# the run still fails at the end, with the landing's line on that file. When the landing itself stops (exit 2:
# the lake, the lock or the machine failed), nothing is built.
DROP ?= data/drop

.PHONY: daily
daily: install ## land what is new in DROP (default data/drop), then dbt build incrementally; safe to run again
	@test -d "$(DROP)" || { echo "no drop folder at $(DROP): set DROP to the folder new raw files arrive in"; exit 1; }
	@if [ "$${DBT_TARGET:-dev}" = prod ]; then $(MAKE) --no-print-directory check-prod; fi
	@landed=0; $(BIN)/ingest land --allow-empty "$(DROP)" || landed=$$?; \
	if [ $$landed -ge 2 ]; then exit $$landed; fi; \
	echo "$(BIN)/ingest locked -- $(DBT) build --selector daily"; \
	$(BIN)/ingest locked -- $(DBT) build --selector daily || exit $$?; \
	if [ $$landed -ne 0 ]; then \
		echo "built what landed, but a file in $(DROP) failed to land (FAILED above): fix or remove it, then run make daily again"; \
		exit $$landed; \
	fi

.PHONY: docs
docs: install ## generate the dbt docs site (lineage from the lake to the dashboards) and serve it on 127.0.0.1:8080
	$(DBT) docs generate
	$(DBT) docs serve --host 127.0.0.1 --port 8080

.PHONY: lint
lint: install ## every pre-commit hook on every file: ruff, sqlfluff, YAML, detect-secrets
	$(BIN)/pre-commit run --all-files --show-diff-on-failure

.PHONY: lint-sql
lint-sql: install ## sqlfluff on the models, tests, analyses and snapshots (`make lint-sql FIX=1` fixes them)
	DUCKDB_PATH=:memory: $(BIN)/sqlfluff $(if $(FIX),fix,lint) models tests analyses snapshots

# mf validate-configs: the semantic layer's configs (models/semantic/), then each semantic model, dimension,
# entity, measure and metric queried once against the warehouse just built; then the README's `mf query` of
# revenue by month and main category must give the figures of the mart revenue_by_month_category.
.PHONY: test-dbt
test-dbt: install ## land the real sample and generated events into a throwaway lake, dbt build, mf validate-configs and mf query against the marts, docs generate
	rm -rf $(DBT_CI_DATA) && mkdir -p $(DBT_CI_DATA)
	LAKE_URI=$(DBT_CI_DATA)/lake $(PY) -m ingest land $(SAMPLE)
	$(PY) -m ingest generate --events $(DBT_CI_EVENTS) --remove-from-cart --out $(DBT_CI_DATA)/generated.csv
	LAKE_URI=$(DBT_CI_DATA)/lake $(PY) -m ingest land $(DBT_CI_DATA)/generated.csv
	LAKE_URI=$(DBT_CI_DATA)/lake DUCKDB_PATH=$(DBT_CI_DATA)/warehouse.duckdb $(DBT) source freshness
	LAKE_URI=$(DBT_CI_DATA)/lake DUCKDB_PATH=$(DBT_CI_DATA)/warehouse.duckdb $(DBT) build
	LAKE_URI=$(DBT_CI_DATA)/lake DUCKDB_PATH=$(DBT_CI_DATA)/warehouse.duckdb $(BIN)/mf validate-configs
	LAKE_URI=$(DBT_CI_DATA)/lake DUCKDB_PATH=$(DBT_CI_DATA)/warehouse.duckdb SEMANTIC_LAYER_CHECKS=1 \
		$(BIN)/pytest -q tests/python/test_semantic_layer.py
	LAKE_URI=$(DBT_CI_DATA)/lake DUCKDB_PATH=$(DBT_CI_DATA)/warehouse.duckdb $(DBT) docs generate

.PHONY: conventions
conventions: test-dbt ## dbt-score: every model and column documented, a primary-key test, layers respected
	$(DBT_SCORE)

.PHONY: demo-report
demo-report: install ## print the KPI summary and the five top-revenue brands from the dev warehouse
	@$(DBT) --quiet show --select demo_kpi_summary --limit 20
	@echo
	@$(DBT) --quiet show --select demo_top_brands --limit 5

TEST_TARGETS += test-dbt lint conventions
