# Generated data and its profile (docs/data.md). `ingest generate` itself: see README and `make demo`.
DATA ?= $(LAKE_URI)

.PHONY: profile
profile: install ## profile DATA (a lake folder or REES46 CSV; default $LAKE_URI) beside the real October 2019
	$(PY) -m ingest profile $(DATA)
