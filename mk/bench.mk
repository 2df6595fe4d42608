# Benchmarks: measured figures, not timed tests. Their results go to docs/performance.md.
EVENTS ?= 10000000

.PHONY: bench-land
bench-land: install ## time `ingest land` against a bare DuckDB COPY on EVENTS generated rows (default 10M)
	$(PY) benchmarks/bench_land.py --events $(EVENTS)

.PHONY: bench
bench: install ## generate EVENTS rows, land them and dbt build, timing each step (default 10M)
	$(PY) benchmarks/bench_pipeline.py --events $(EVENTS)

# The daily run's cost: a full build of EVENTS generated events, then one more day (about 330,000 events) landed
# and built incrementally; the same day on a history of EVENTS_LARGE events too (default 30M: several minutes).
EVENTS_LARGE ?= 30000000

.PHONY: bench-incremental
bench-incremental: install ## full dbt build of EVENTS events vs one more day built incrementally; EVENTS_LARGE too
	$(PY) benchmarks/bench_incremental.py --events $(EVENTS) --events $(EVENTS_LARGE)

.PHONY: bench-spark
bench-spark: install ## land + build against the PySpark reference (../shared/bench) on EVENTS rows; tables compared
	$(PY) benchmarks/bench_spark.py --events $(EVENTS)
