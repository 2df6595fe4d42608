"""What a build checks (macros/tested_landings.sql, docs/models.md): the generic data tests of the incremental
models run on the rows landed after the model's tested watermark, the latest landing of its rows on the last run
in which all of its tests passed. A key test still compares those rows with the whole table; a failed test leaves
the watermark where it was, so it fails again on the next run until the data is mended; `check_all_rows` and a
fresh or fully refreshed warehouse check every row.

The history is the incremental fixtures' batches 1 and 2 (tests/fixtures/incremental), built as the daily run
builds them. Each test then damages a copy of that warehouse directly, as a faulty model or a hand edit would.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT, dev_environment
from test_incremental import BATCHES, _run

BIN = Path(sys.executable).parent
DBT = [str(BIN / "dbt"), "--no-use-colors"]
# The scoped models and the column that marks the rows a build wrote (their `tests_scoped_by`, dbt_project.yml).
SCOPED = {"fact_sessions": "last_landed_at", "int_events_aggregated_to_session_products": "last_landed_at",
          "int_events_aggregated_to_user_sessions": "last_landed_at", "stg_clickstream__events": "last_landed_at",
          "int_brand_sessions": "first_landed_at", "int_brand_shoppers": "first_landed_at",
          "int_brand_month_sessions": "first_landed_at", "int_brand_month_shoppers": "first_landed_at",
          "int_product_session_steps": "first_landed_at", "int_category_session_steps": "first_landed_at",
          "int_product_categories": "first_landed_at", "int_product_first_and_latest_events": "landed_at",
          "int_events_aggregated_to_product_days": "last_landed_at"}


def _watermarks(warehouse: Path) -> dict[str, str]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return dict(connection.sql(
            "select model_name, strftime(max(tested_through), '%Y-%m-%d %H:%M:%S.%g') "
            "from tested_landings group by 1").fetchall())


def _recorded(warehouse: Path) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.sql("select count(*) from tested_landings").fetchone()[0]


def _latest_landings(warehouse: Path) -> dict[str, str]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return {model: connection.sql(
            f"select strftime(max({column}), '%Y-%m-%d %H:%M:%S.%g') from {model}").fetchone()[0]
            for model, column in SCOPED.items()}


def _dbt(environ: dict[str, str], *args: str) -> tuple[int, str]:
    done = subprocess.run([*DBT, *args], cwd=PROJECT, env=environ, capture_output=True, text=True, timeout=600)
    return done.returncode, done.stdout + done.stderr


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> dict:
    work = tmp_path_factory.mktemp("tested")
    environ = dev_environment(work, work / "lake", work / "warehouse.duckdb")
    _run([sys.executable, "-m", "ingest", "land", str(BATCHES / "batch-1.csv")], environ)
    _run([*DBT, "build", "--selector", "daily"], environ)
    first = _watermarks(work / "warehouse.duckdb")
    _run([sys.executable, "-m", "ingest", "land", str(BATCHES / "batch-2.csv"), str(BATCHES / "late-2019-10-01.csv")],
         environ)
    _run([*DBT, "build", "--selector", "daily"], environ)
    compiled = next((work / "target" / "compiled").rglob("unique_stg_clickstream__events_event_id.sql")).read_text()
    return {"work": work, "warehouse": work / "warehouse.duckdb", "first": first, "compiled_unique": compiled}


@pytest.fixture
def copy(history, tmp_path) -> dict:
    """The built warehouse copied, with its own dbt environment (the same lake)."""
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(history["warehouse"], warehouse)
    return {"warehouse": warehouse, "environ": dev_environment(tmp_path, history["work"] / "lake", warehouse)}


def test_a_passing_run_records_each_models_latest_landing(history):
    # Batch 2 lands after batch 1: the second passing run moved every model's watermark on, to its rows' latest.
    assert sorted(history["first"]) == sorted(SCOPED)
    assert _watermarks(history["warehouse"]) == _latest_landings(history["warehouse"])
    assert all(_watermarks(history["warehouse"])[model] > history["first"][model] for model in SCOPED)


def test_a_key_test_compares_the_new_rows_keys_with_the_whole_table(history):
    # Compiled in the second run: the keys of the rows after the first run's watermark, against every row.
    watermark = history["first"]["stg_clickstream__events"]
    assert (f"where event_id in (select event_id from \"warehouse\".\"main\".\"stg_clickstream__events\" where "
            f"last_landed_at > cast('{watermark}' as timestamp))") in history["compiled_unique"]


def test_a_new_row_repeating_an_old_key_fails_until_mended(copy):
    before, recorded = _watermarks(copy["warehouse"]), _recorded(copy["warehouse"])
    with duckdb.connect(str(copy["warehouse"])) as connection:
        # An old event again, as a new row landed after the watermark: only its key says it is not new.
        connection.execute("insert into stg_clickstream__events select * replace (now()::timestamp as "
                           "last_landed_at) from stg_clickstream__events order by last_landed_at limit 1")
    for _ in range(2):  # the failure is not forgotten by the next run
        code, output = _dbt(copy["environ"], "test", "--select", "stg_clickstream__events")
        assert code == 1 and "FAIL 1 unique_stg_clickstream__events_event_id" in output, output[-3000:]
        assert _watermarks(copy["warehouse"]) == before
    with duckdb.connect(str(copy["warehouse"])) as connection:
        connection.execute("delete from stg_clickstream__events where last_landed_at > now()::timestamp - "
                           "interval 1 hour")
    code, output = _dbt(copy["environ"], "test", "--select", "stg_clickstream__events")
    assert code == 0, output[-3000:]
    # Passed again with nothing newer than the watermark: nothing to record.
    assert _watermarks(copy["warehouse"]) == before and _recorded(copy["warehouse"]) == recorded


def test_rows_already_checked_are_checked_again_only_when_asked(copy):
    with duckdb.connect(str(copy["warehouse"])) as connection:
        # A price no test lets through, on a row checked by the last passing run.
        connection.execute("update stg_clickstream__events set price = -1 where event_id = (select min(event_id) "
                           "from stg_clickstream__events)")
    code, output = _dbt(copy["environ"], "test", "--select", "stg_clickstream__events")
    assert code == 0, output[-3000:]
    code, output = _dbt(copy["environ"], "test", "--select", "stg_clickstream__events",
                        "--vars", "{check_all_rows: true}")
    assert code == 1 and "accepted_range_stg_clickstream__events_price" in output, output[-3000:]


def test_only_a_model_whose_every_test_ran_and_passed_is_recorded(copy):
    with duckdb.connect(str(copy["warehouse"])) as connection:
        connection.execute("delete from tested_landings")
    _run([*DBT, "test", "--select", "stg_clickstream__events"], copy["environ"])
    assert list(_watermarks(copy["warehouse"])) == ["stg_clickstream__events"]
    # One of fact_sessions' tests alone: not enough to record it.
    _run([*DBT, "test", "--select", "unique_fact_sessions_session_id"], copy["environ"])
    assert list(_watermarks(copy["warehouse"])) == ["stg_clickstream__events"]
