# Benchmarks: measured figures, not timed tests. Their results go to docs/performance.md.
EVENTS ?= 10000000

.PHONY: bench-land
bench-land: install ## time `ingest land` against a bare DuckDB COPY on EVENTS generated rows (default 10M)
	$(PY) benchmarks/bench_land.py --events $(EVENTS)

.PHONY: bench
bench: install ## generate EVENTS rows, land them and dbt build, timing each step (default 10M)
	$(PY) benchmarks/bench_pipeline.py --events $(EVENTS)
