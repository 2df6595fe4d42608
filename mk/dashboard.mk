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

.PHONY: dashboard-screenshots
dashboard-screenshots: install dashboard-warehouse ## PNGs of the dashboard's pages in docs/screenshots (headless Chromium, installed if missing)
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }
	$(PY) tools/screenshots.py --out docs/screenshots
