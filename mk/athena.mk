# The prod target (Athena over S3 and Glue), checked without an AWS account: see docs/aws.md.
# The tests start their own moto server on 127.0.0.1 (tests/python/conftest.py) and stop it when they end.
# `make test-python` skips them (they run dbt several times); this target runs them, and `make test` runs both.

.PHONY: test-athena
test-athena: install ## prod target without AWS: dbt debug/compile/build against moto, SQL parsed as Athena and DuckDB, macros per engine
	ATHENA_CHECKS=1 $(BIN)/pytest -q tests/python/test_athena_prod.py tests/python/test_athena_macros.py

TEST_TARGETS += test-athena
