"""Incremental builds end to end (issue 10), in the manner of Snowplow's integration tests.

A small history (tests/fixtures/incremental, its README says what each row is for) is landed in three batches
with `ingest land`, and built incrementally with `dbt build` after each; then every model of the warehouse is
compared, row for row, with a `--full-refresh` build of the same lake. The batches hold what makes incremental
builds go wrong (test_the_batches_hold_their_cases checks that they still do):

- a session that starts before midnight in one batch and continues after it in the next;
- a late file: rows for a day built in an earlier batch, one of them in a session built before;
- a file that repeats rows landed before (exact duplicates) under another name, beside new rows (a file whose
  whole content was landed before is skipped by the landing itself), and then a file of repeated rows only;
- a product whose price changes from batch to batch;
- a product that changes category, with sessions built before (category_funnel counts them in its new one);
- a late order, earlier than a buyer's orders built before (it changes the order sequence of the later ones);
- events with no session.

Then a build with nothing new landed reads no day of the lake and changes nothing.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT, dev_environment

BIN = Path(sys.executable).parent
BATCHES = PROJECT / "tests" / "fixtures" / "incremental"
# The models the incremental builds update in place; every other model is rebuilt whole by each build.
INCREMENTAL = ["stg_clickstream__events", "int_events_aggregated_to_session_products",
               "int_events_aggregated_to_user_sessions", "fact_sessions", "fact_purchases",
               "int_events_aggregated_to_product_days"]
# The set of events that were at their product's first or latest time when built: an incremental build keeps
# those a later event has replaced, so it holds more rows than a full refresh (differences_from_a_full_refresh).
PRODUCT_EVENTS = "int_product_first_and_latest_events"


def differences_from_a_full_refresh(built: dict[str, list[tuple]], full_refresh: dict[str, list[tuple]]) -> list[str]:
    """The tables of `built` (an incremental build, as `_tables` reads it) that differ from a full refresh of the same
    lake: each must equal it row for row, but PRODUCT_EVENTS, which must hold all of its rows and may hold more."""
    return [name for name in built
            if (not set(full_refresh[name]) <= set(built[name]) if name == PRODUCT_EVENTS
                else built[name] != full_refresh[name])]


def _rows(name: str) -> list[dict[str, str]]:
    with (BATCHES / name).open(newline="") as file:
        return list(csv.DictReader(file))


def _count(warehouse: Path, table: str) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.sql(f"select count(*) from {table}").fetchone()[0]


def _run(command: list[str], environ: dict[str, str]) -> subprocess.CompletedProcess:
    done = subprocess.run(command, cwd=PROJECT, env=environ, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return done


def _tables(warehouse: Path) -> dict[str, list[tuple]]:
    """Every table of the warehouse's main schema (models and seeds) but tested_landings, each as its sorted rows:
    tested_landings records how far the runs' tests have checked (models/audit/), not data."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        names = [name for (name,) in connection.sql(
            "select table_name from information_schema.tables where table_schema = 'main' "
            "and table_name != 'tested_landings' order by 1").fetchall()]
        return {name: sorted(connection.sql(f'select * from "{name}"').fetchall(), key=repr) for name in names}


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict:
    work = tmp_path_factory.mktemp("incremental")
    warehouse = work / "warehouse.duckdb"
    environ = dev_environment(work, work / "lake", warehouse)

    def land(*files: Path) -> None:
        _run([sys.executable, "-m", "ingest", "land", *map(str, files)], environ)

    def build(*args: str) -> None:
        # The data tests run once, at the end: here the models, seeds and snapshot, as the daily run builds them.
        _run([str(BIN / "dbt"), "--no-use-colors", "build", "--exclude", "resource_type:test",
              "resource_type:unit_test", *args], environ)

    land(BATCHES / "batch-1.csv")
    build()
    land(BATCHES / "batch-2.csv", BATCHES / "late-2019-10-01.csv")
    build()
    land(BATCHES / "batch-3.csv")
    # A landing stamps its rows with its start time, to the second: the repeats land a second later, last.
    time.sleep(1)
    land(BATCHES / "repeats-only.csv")
    # The last incremental build is the daily run's (selectors.yml): every data test too, keys unique,
    # reconciliations across the marts.
    _run([str(BIN / "dbt"), "--no-use-colors", "build", "--selector", "daily"], environ)
    incremental = _tables(warehouse)
    build()
    compiled = {model: next((work / "target" / "compiled").rglob(f"{model}.sql")).read_text()
                for model in INCREMENTAL}
    after_nothing_new = _tables(warehouse)
    shutil.copy(warehouse, work / "incremental.duckdb")
    tested = _count(warehouse, "tested_landings")
    build("--full-refresh")
    staging_of_the_full_refresh = next((work / "target" / "run").rglob("stg_clickstream__events.sql")).read_text()
    return {"tested_landings_before_and_after_the_full_refresh": (tested, _count(warehouse, "tested_landings")),
            "staging_sql_of_the_full_refresh": staging_of_the_full_refresh,
            "incremental": incremental, "after_nothing_new": after_nothing_new,
            "full_refresh": _tables(warehouse), "sql_with_nothing_new": compiled,
            "warehouse_with_nothing_new": work / "incremental.duckdb", "warehouse": warehouse}


def test_the_batches_hold_their_cases():
    batch_1, batch_2, late, batch_3, repeats = map(_rows, ["batch-1.csv", "batch-2.csv", "late-2019-10-01.csv",
                                                           "batch-3.csv", "repeats-only.csv"])

    def rows(*batches: list[dict[str, str]]) -> list[tuple[str, ...]]:
        return [tuple(row.values()) for batch in batches for row in batch]

    def times(batch: list[dict[str, str]], **match: str) -> list[str]:
        return sorted(row["event_time"] for row in batch if match.items() <= row.items())

    def days(batch: list[dict[str, str]], **match: str) -> set[str]:
        return {at[:10] for at in times(batch, **match)}

    assert len(set(rows(batch_1))) == len(rows(batch_1)) - 1  # an exact duplicate in the same file
    # Session s2 starts before midnight in batch 1 and goes on after it in batch 2.
    assert (days(batch_1, user_session="s2"), days(batch_2, user_session="s2")) == ({"2019-10-01"}, {"2019-10-02"})
    # The late file is for 1 October, built in batch 1, and adds to its session s1.
    assert days(late) == days(late, user_session="s1") == {"2019-10-01"}
    # Batch 3 repeats rows landed before beside new ones; the last file repeats rows only.
    landed_before = set(rows(batch_1, batch_2, late))
    assert 0 < len(landed_before & set(rows(batch_3))) < len(rows(batch_3))
    assert set(rows(repeats)) <= landed_before | set(rows(batch_3))
    # The phone's price changes from batch to batch.
    prices = [{row["price"] for row in batch if row["product_id"] == "100"} for batch in (batch_1, batch_2, batch_3)]
    assert prices[0] == {"10.00"} and prices[1] == {"12.00"} and "9.00" in prices[2]
    # The TV changes category in batch 2, after a session built in batch 1.
    categories = [{row["category_id"] for row in batch if row["product_id"] == "300"} for batch in (batch_1, batch_2)]
    assert categories[0] == {"2053013554415534427"} and categories[1] == {"2053013554415534428"}
    # Buyer 5's late order (batch 3) is earlier than the two built before.
    built = times(batch_1 + batch_2, user_id="5", event_type="purchase")
    late_order = times(batch_3, user_id="5", event_type="purchase")
    assert len(built) == 2 and len(late_order) == 1 and late_order[0] < built[0]
    # Events without a session, in batch 1 and batch 3.
    assert days(batch_1, user_session="") and days(batch_3, user_session="")


def test_every_model_equals_a_full_refresh(builds):
    incremental, full_refresh = builds["incremental"], builds["full_refresh"]
    assert set(INCREMENTAL) < set(full_refresh)
    assert incremental.keys() == full_refresh.keys()
    different = differences_from_a_full_refresh(incremental, full_refresh)
    assert not different, {name: {"incremental only": sorted(set(incremental[name]) - set(full_refresh[name])),
                                  "full refresh only": sorted(set(full_refresh[name]) - set(incremental[name]))}
                           for name in different}


def test_the_products_events_hold_every_event_a_full_refresh_holds(builds):
    """int_product_first_and_latest_events keeps an event that was at its product's first or latest time when
    built, also after a later event takes its place: incrementally it holds what a full refresh holds and more
    (the phone's earlier prices here), every row an event of staging. The products computed from it are equal
    (above)."""
    incremental, full_refresh = (set(builds[build][PRODUCT_EVENTS]) for build in ("incremental", "full_refresh"))
    assert full_refresh < incremental
    with duckdb.connect(str(builds["warehouse_with_nothing_new"]), read_only=True) as warehouse:
        columns = [name for (name,) in warehouse.sql(
            f"select column_name from information_schema.columns where table_name = '{PRODUCT_EVENTS}'").fetchall()]
        assert len(columns) == 11
        not_events = warehouse.sql(f"select count(*) from (select {', '.join(columns)} from {PRODUCT_EVENTS} "
                                   f"except select {', '.join(columns)} from stg_clickstream__events)").fetchone()
        assert not_events == (0,)


def test_a_full_refresh_empties_the_tested_watermarks(builds):
    """The daily build's tests all passed and recorded how far they checked; a full refresh rewrites every row,
    so it empties that record and the next run's tests check every row (test_tested_landings.py)."""
    before, after = builds["tested_landings_before_and_after_the_full_refresh"]
    assert before > 0 and after == 0


def test_a_build_with_nothing_new_reads_no_day_and_changes_nothing(builds):
    # Staging and the purchases pick the days to read when they are compiled: none.
    assert "where false" in builds["sql_with_nothing_new"]["stg_clickstream__events"]
    assert "and false" in builds["sql_with_nothing_new"]["fact_purchases"]
    assert "where false" in builds["sql_with_nothing_new"]["int_events_aggregated_to_product_days"]
    assert builds["after_nothing_new"] == builds["incremental"]


def test_a_full_build_groups_each_day_apart_and_writes_staging_in_day_order(builds):
    """On DuckDB, staging reads and groups each day of the lake in its own branch of a `union all`
    (macros/engine/for_each_day.sql), and the rows come out one day after another with no sort: the order
    DuckDB's zone maps need for a daily build to skip the row groups of the other days."""
    with duckdb.connect(str(builds["warehouse"]), read_only=True) as warehouse:
        [(days,)] = warehouse.sql("select count(distinct event_date) from stg_clickstream__events").fetchall()
        [(out_of_order,)] = warehouse.sql(
            "select count(*) from (select event_date < lag(event_date) over (order by rowid) as is_earlier "
            "from stg_clickstream__events) where is_earlier").fetchall()
    sql = builds["staging_sql_of_the_full_refresh"]
    assert days > 2
    assert sql.count("union all") == days - 1 and "order by" not in sql
    assert out_of_order == 0


def test_each_session_model_reads_after_its_own_latest_landing_written_as_a_literal(builds):
    """The watermark is the latest landing time in the model's own table, in its SQL to the millisecond (a
    literal, so that DuckDB plans for the few rows after it; macros/incremental.sql)."""
    with duckdb.connect(str(builds["warehouse_with_nothing_new"]), read_only=True) as warehouse:
        for model in ["int_events_aggregated_to_session_products", "int_events_aggregated_to_user_sessions",
                      "fact_sessions"]:
            query = f"select strftime(max(last_landed_at), '%Y-%m-%d %H:%M:%S.%g') from {model}"
            [(latest,)] = warehouse.sql(query).fetchall()
            assert f"landed_at > cast('{latest}' as timestamp)" in builds["sql_with_nothing_new"][model], model


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
        # The TV's sessions (s5a, s6, s5b) are all in its new category; its old one has no product left.
        funnel = "select sessions_with_view, sessions_with_purchase from category_funnel where category_id = {}"
        assert warehouse.sql(funnel.format(2053013554415534428)).fetchall() == [(1, 3)]
        assert warehouse.sql(funnel.format(2053013554415534427)).fetchall() == []
