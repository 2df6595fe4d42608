"""The semantic layer answers what the marts say: the README's `mf query` for revenue by month and main category,
run against the warehouse `make test-dbt` has just built, gives the figures of the mart revenue_by_month_category.

`make test-dbt` runs this module after `mf validate-configs`, with SEMANTIC_LAYER_CHECKS=1 and the LAKE_URI and
DUCKDB_PATH of its throwaway warehouse; `make test-python` skips it (it needs that warehouse built).
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT

if not os.environ.get("SEMANTIC_LAYER_CHECKS"):
    pytest.skip("needs the warehouse `make test-dbt` builds: that target runs it", allow_module_level=True)

MF = Path(sys.executable).parent / "mf"
# revenue_by_month_category's name for the purchases whose category has no code; MetricFlow groups them as null.
UNKNOWN_CATEGORY = "unknown"


def test_mf_query_revenue_by_month_and_category_equals_the_mart(tmp_path: Path) -> None:
    output = tmp_path / "revenue.csv"
    result = subprocess.run(
        [str(MF), "query", "--metrics", "revenue,orders", "--group-by", "metric_time__month,category__category_main",
         "--csv", str(output)],
        cwd=PROJECT, env={**os.environ, "DBT_PROFILES_DIR": str(PROJECT)}, capture_output=True, text=True,
    )
    assert result.returncode == 0, f"mf query failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    with output.open(newline="") as handle:
        queried = sorted(
            (row["metric_time__month"][:7], row["category__category_main"] or UNKNOWN_CATEGORY,
             Decimal(row["revenue"]), int(row["orders"]))
            for row in csv.DictReader(handle)
        )
    with duckdb.connect(os.environ["DUCKDB_PATH"], read_only=True) as warehouse:
        mart = warehouse.execute(
            "select month_label, category_main, revenue, orders from revenue_by_month_category order by 1, 2"
        ).fetchall()
    assert len(mart) > 1
    assert queried == mart
