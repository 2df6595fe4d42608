"""Incremental builds end to end (issue 10), in the manner of Snowplow's integration tests.

A small history is landed in three batches with `ingest land`, and built incrementally with `dbt build` after
each; then every model of the warehouse is compared, row for row, with a `--full-refresh` build of the same
lake. The batches hold what makes incremental builds go wrong:

- a session that starts before midnight in one batch and continues after it in the next;
- a late file: rows for a day built in an earlier batch, one of them in a session built before;
- a file that repeats rows landed before (exact duplicates) under another name, beside new rows (a file whose
  whole content was landed before is skipped by the landing itself), and then a file of repeated rows only;
- a product whose price changes from batch to batch;
- a late order, earlier than a buyer's orders built before (it changes the order sequence of the later ones);
- events with no session.

Then a build with nothing new landed reads no day of the lake and changes nothing.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT

BIN = Path(sys.executable).parent
HEADER = ["event_time", "event_type", "product_id", "category_id", "category_code", "brand", "price", "user_id",
          "user_session"]
PHONE = ("100", "2053013555631882655", "electronics.smartphone", "apple")
SHOE = ("200", "2053013566100866035", "apparel.shoes", "nike")
TV = ("300", "2053013554415534427", "electronics.video.tv", "samsung")
# The models the incremental builds update in place; every other model is rebuilt whole by each build.
INCREMENTAL = ["stg_clickstream__events", "int_events_aggregated_to_session_products",
               "int_events_aggregated_to_user_sessions", "fact_sessions", "fact_purchases"]


def _event(time: str, event_type: str, product: tuple[str, ...], price: str, user: int, session: str) -> list[str]:
    product_id, category_id, category_code, brand = product
    return [f"2019-10-{time} UTC", event_type, product_id, category_id, category_code, brand, price, str(user),
            session]


# Batch 1: 1 and 2 October.
SESSION_1 = [
    _event("01 10:00:00", "view", PHONE, "10.00", 1, "s1"),
    _event("01 10:01:00", "cart", PHONE, "10.00", 1, "s1"),
    _event("01 10:02:00", "purchase", PHONE, "10.00", 1, "s1"),
]
NIGHT_SESSION_BEFORE_MIDNIGHT = [
    _event("01 23:50:00", "view", SHOE, "50.00", 2, "s2"),
    _event("01 23:55:00", "view", PHONE, "10.00", 2, "s2"),
]
BATCH_1 = [
    *SESSION_1,
    SESSION_1[0],  # an exact duplicate in the same file
    *NIGHT_SESSION_BEFORE_MIDNIGHT,
    _event("02 09:00:00", "view", SHOE, "50.00", 3, "s3"),
    _event("02 09:05:00", "purchase", SHOE, "50.00", 3, "s3"),
    _event("02 11:00:00", "purchase", TV, "300.00", 5, "s5a"),
    _event("02 12:00:00", "view", TV, "300.00", 4, ""),  # no session
]
# Batch 2: the night session continues after midnight, the phone's price goes up, 3 October begins; and a late
# file for 1 October, adding an event to a session built in batch 1 and a new session.
BATCH_2 = [
    _event("02 00:05:00", "cart", PHONE, "12.00", 2, "s2"),
    _event("02 00:06:00", "purchase", PHONE, "12.00", 2, "s2"),
    _event("03 08:00:00", "view", PHONE, "12.00", 7, "s7"),
    _event("03 09:00:00", "purchase", TV, "310.00", 5, "s5b"),
]
LATE_FOR_1_OCTOBER = [
    _event("01 10:03:00", "view", SHOE, "50.00", 1, "s1"),
    _event("01 15:00:00", "view", TV, "300.00", 6, "s6"),
    _event("01 15:01:00", "purchase", TV, "300.00", 6, "s6"),
]
# Batch 3: rows landed before, again, under another name, with new rows: 4 October, another sessionless event,
# the phone cheaper, and a late order of buyer 5, earlier than the two orders built before.
BATCH_3 = [
    SESSION_1[2],
    NIGHT_SESSION_BEFORE_MIDNIGHT[1],
    BATCH_2[0],
    _event("04 10:00:00", "view", PHONE, "9.00", 8, "s8"),
    _event("04 10:01:00", "purchase", PHONE, "9.00", 8, "s8"),
    _event("04 11:00:00", "view", SHOE, "50.00", 4, ""),
    _event("01 08:00:00", "purchase", SHOE, "50.00", 5, "s5z"),
]
# Then, in a landing of their own, rows landed before and nothing else: their days are read once, and the staging
# watermark moves past them (the build after reads no day).
REPEATS_ONLY = [BATCH_1[1], LATE_FOR_1_OCTOBER[0], BATCH_3[3]]


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _run(command: list[str], environ: dict[str, str]) -> subprocess.CompletedProcess:
    done = subprocess.run(command, cwd=PROJECT, env=environ, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return done


def _tables(warehouse: Path) -> dict[str, list[tuple]]:
    """Every table of the warehouse's main schema (models and seeds), each as its sorted rows."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        names = [name for (name,) in connection.sql(
            "select table_name from information_schema.tables where table_schema = 'main' order by 1").fetchall()]
        return {name: sorted(connection.sql(f'select * from "{name}"').fetchall(), key=repr) for name in names}


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict:
    work = tmp_path_factory.mktemp("incremental")
    warehouse = work / "warehouse.duckdb"
    environ = {key: value for key, value in os.environ.items() if not key.startswith(("DBT_", "AWS_", "ATHENA_"))}
    # One target folder for every build, so that dbt parses the project once (partial parsing).
    environ.update(LAKE_URI=str(work / "lake"), DUCKDB_PATH=str(warehouse), DBT_TARGET="dev",
                   DBT_PROFILES_DIR=str(PROJECT), DBT_TARGET_PATH=str(work / "target"),
                   DBT_LOG_PATH=str(work / "logs"))

    def land(*files: Path) -> None:
        _run([sys.executable, "-m", "ingest", "land", *map(str, files)], environ)

    def build(*args: str) -> None:
        # The data tests run once, at the end: here the models, seeds and snapshot, as the daily run builds them.
        _run([str(BIN / "dbt"), "--no-use-colors", "build", "--exclude", "resource_type:test",
              "resource_type:unit_test", *args], environ)

    land(_write(work / "batch-1.csv", BATCH_1))
    build()
    land(_write(work / "batch-2.csv", BATCH_2), _write(work / "late-2019-10-01.csv", LATE_FOR_1_OCTOBER))
    build()
    land(_write(work / "batch-3.csv", BATCH_3))
    # A landing stamps its rows with its start time, to the second: the repeats land a second later, last.
    time.sleep(1)
    land(_write(work / "repeats-only.csv", REPEATS_ONLY))
    # The last incremental build runs every data test too: keys unique, reconciliations across the marts.
    _run([str(BIN / "dbt"), "--no-use-colors", "build", "--exclude", "resource_type:unit_test"], environ)
    incremental = _tables(warehouse)
    build()
    staging_sql = (work / "target" / "compiled" / "clickstream" / "models" / "staging" / "clickstream"
                   / "stg_clickstream__events.sql").read_text()
    after_nothing_new = _tables(warehouse)
    shutil.copy(warehouse, work / "incremental.duckdb")
    build("--full-refresh")
    return {"incremental": incremental, "after_nothing_new": after_nothing_new,
            "full_refresh": _tables(warehouse), "staging_sql_with_nothing_new": staging_sql,
            "warehouse": warehouse}


def test_every_model_equals_a_full_refresh(builds):
    incremental, full_refresh = builds["incremental"], builds["full_refresh"]
    assert set(INCREMENTAL) < set(full_refresh)
    assert incremental.keys() == full_refresh.keys()
    different = [name for name in full_refresh if incremental[name] != full_refresh[name]]
    assert not different, {name: {"incremental only": sorted(set(incremental[name]) - set(full_refresh[name])),
                                  "full refresh only": sorted(set(full_refresh[name]) - set(incremental[name]))}
                           for name in different}


def test_a_build_with_nothing_new_reads_no_day_and_changes_nothing(builds):
    assert "where false" in builds["staging_sql_with_nothing_new"]
    assert builds["after_nothing_new"] == builds["incremental"]


def test_the_history_is_what_the_batches_say(builds):
    """The cases the batches were written for, checked on the full refresh (equal to the incremental build)."""
    with duckdb.connect(str(builds["warehouse"]), read_only=True) as warehouse:
        # 9 distinct rows in batch 1, 4 + 3 in batch 2, 4 new in batch 3: the repeated ones are kept once.
        assert warehouse.sql("select count(*) from stg_clickstream__events").fetchone() == (20,)
        night = warehouse.sql("select started_at, ended_at, events, purchases, revenue, session_date "
                              "from fact_sessions where session_id = 's2'").fetchone()
        assert [str(value) for value in night] == ["2019-10-01 23:50:00", "2019-10-02 00:06:00", "4", "1", "12.00",
                                                   "2019-10-01"]
        assert warehouse.sql("select events from fact_sessions where session_id = 's1'").fetchone() == (4,)
        assert str(warehouse.sql("select price from dim_product where product_id = 100").fetchone()[0]) == "9.00"
        assert warehouse.sql("select count(*) from int_events_aggregated_to_user_sessions "
                             "where session_id is null").fetchone() == (1,)
        assert warehouse.sql("select events from dim_user where user_id = 4").fetchone() == (2,)
