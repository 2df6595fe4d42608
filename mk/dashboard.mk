# The Streamlit dashboard (dashboard/): the executive, brand and funnel pages, read from the marts only.
# Its tests are in tests/python, so `make test-python` runs them.
DASHBOARD_PORT ?= 8501
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

# The dev target's marts, built when the warehouse file is missing (the prod target's live in Athena).
.PHONY: dashboard-warehouse
dashboard-warehouse:
	@if [ "$${DBT_TARGET:-dev}" != prod ] && [ ! -f "$(DUCKDB_PATH)" ]; then \
		echo "No warehouse at $(DUCKDB_PATH) yet: building the marts (make build)."; \
		$(MAKE) --no-print-directory build; \
	fi

.PHONY: dashboard
dashboard: install dashboard-warehouse ## the dashboard on http://127.0.0.1:8501 (builds the marts first if the warehouse is missing)
	$(PY) -m dashboard --port $(DASHBOARD_PORT)

# The README's screenshots show what `make demo` builds, built afresh in a folder of their own (so neither landed
# files of your own nor an older generated CSV end up in them); the stamp beside them says so (tools/).
SCREENSHOT_DATA := data/screenshots

.PHONY: dashboard-screenshots
dashboard-screenshots: install ## retake docs/screenshots from a fresh make demo (headless Chromium, installed if missing)
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }
	rm -rf $(SCREENSHOT_DATA)
	$(MAKE) --no-print-directory demo RAW= DEMO_CSV=$(SCREENSHOT_DATA)/demo.csv.gz \
		LAKE_URI=$(SCREENSHOT_DATA)/lake DUCKDB_PATH=$(SCREENSHOT_DATA)/warehouse.duckdb
	DBT_TARGET=dev DUCKDB_PATH=$(SCREENSHOT_DATA)/warehouse.duckdb $(PY) tools/screenshots.py --out docs/screenshots \
		--demo $(DEMO_EVENTS) $(DEMO_DAYS) $(DEMO_SEED)
