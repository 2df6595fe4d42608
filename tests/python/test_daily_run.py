"""`make daily`, the README's one command for the daily run, end to end on the dev target, on the days a drop
folder really has: a first file; then a new batch, a late file, a file with one row that breaks a rule (its row
is quarantined, the others land) and a file that is not a REES46 file at all (it cannot land); then the same
folder again with nothing new; then the same folder without the broken file; then a folder with no raw file.

The file that cannot land must not hold back the others: they are landed and built, and the run still fails, at
the end, saying which file and what to do. Running again lands nothing twice and changes nothing. After it all,
the warehouse equals a `--full-refresh` build of the same lake.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT, dev_environment
from test_incremental import BATCHES, _run, _tables, differences_from_a_full_refresh

BIN = Path(sys.executable).parent
NOT_REES46 = "when,what\n2019-10-02,bought\n"
HEADER = "event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session"
# A new cart and the purchase after it, whose price is not a number: the cart lands, the purchase is quarantined.
CART = "2019-10-02 09:00:00 UTC,cart,100,2053013555631882655,electronics.smartphone,apple,12.00,9,s9"
PURCHASE = "2019-10-02 09:01:00 UTC,purchase,100,2053013555631882655,electronics.smartphone,apple,twelve,9,s9"


def _daily(environ: dict[str, str], drop: Path) -> subprocess.CompletedProcess:
    # --assume-old: never reinstall .venv from a test, whatever the time stamps say.
    return subprocess.run(["make", "--no-print-directory", "--assume-old=.venv/.installed", "daily", f"DROP={drop}"],
                          cwd=PROJECT, env=environ, capture_output=True, text=True, timeout=900)


def _events(warehouse: Path) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.sql("select event_at, event_type, product_id, price, user_id, session_id "
                              "from stg_clickstream__events order by all").fetchall()


@pytest.fixture(scope="module")
def days(tmp_path_factory) -> dict:
    work = tmp_path_factory.mktemp("daily")
    drop, warehouse = work / "drop", work / "warehouse.duckdb"
    drop.mkdir()
    environ = dev_environment(work, work / "lake", warehouse)
    runs, events = {}, {}

    shutil.copy(BATCHES / "batch-1.csv", drop)
    runs["first"], events["first"] = _daily(environ, drop), _events(warehouse)

    shutil.copy(BATCHES / "batch-2.csv", drop)
    shutil.copy(BATCHES / "late-2019-10-01.csv", drop)
    (drop / "bad-price.csv").write_text(f"{HEADER}\n{CART}\n{PURCHASE}\n")
    (drop / "not-rees46.csv").write_text(NOT_REES46)
    runs["second"], events["second"] = _daily(environ, drop), _events(warehouse)
    tables_after_second = _tables(warehouse)

    runs["again"] = _daily(environ, drop)
    tables_after_again = _tables(warehouse)

    (drop / "not-rees46.csv").unlink()
    runs["fixed"] = _daily(environ, drop)
    tables_after_fixed = _tables(warehouse)

    # A day on which the drop folder holds no raw file, only a note someone left there.
    notes = work / "drop-with-a-note"
    notes.mkdir()
    (notes / "README.txt").write_text("files arrive here at 02:00\n")
    runs["no_raw_file"] = _daily(environ, notes)
    tables_after_no_raw_file = _tables(warehouse)

    _run([str(BIN / "dbt"), "--no-use-colors", "build", "--full-refresh", "--exclude", "resource_type:test",
          "resource_type:unit_test"], environ)
    return {"runs": runs, "events": events, "second": tables_after_second, "again": tables_after_again,
            "fixed": tables_after_fixed, "no_raw_file": tables_after_no_raw_file,
            "full_refresh": _tables(warehouse), "drop": drop, "notes": notes}


def test_the_first_day_lands_and_builds(days):
    first = days["runs"]["first"]
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert "landed  batch-1.csv" in first.stdout
    # 10 rows, one of them an exact duplicate of another.
    assert len(days["events"]["first"]) == 9


def test_a_file_that_cannot_land_holds_back_nothing_and_fails_the_run(days):
    second = days["runs"]["second"]
    # make's own status is 2 whenever a recipe fails.
    assert second.returncode != 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert "FAILED  not-rees46.csv: not a REES46 clickstream file" in second.stdout
    assert second.stdout.rstrip().splitlines()[-1] == (
        f"built what landed, but a file in {days['drop']} failed to land (FAILED above): fix or remove it, "
        "then run make daily again")
    # Batch 2 and the late file were built (4 + 3 new events), and the good row of the file with a bad price.
    assert "Completed successfully" in second.stdout
    built = days["events"]["second"]
    assert len(built) == 9 + 4 + 3 + 1
    assert [event[:2] for event in built if event[4] == 9] == [(datetime(2019, 10, 2, 9), "cart")]


def test_a_row_that_breaks_a_rule_is_quarantined_not_changed(days):
    second = days["runs"]["second"]
    assert "landed  bad-price.csv: 2 rows in, 1 landed, 1 quarantined" in second.stdout
    # The purchase priced "twelve" is in none of the events: user 9 has the cart only.
    assert [event[1] for event in days["events"]["second"] if event[4] == 9] == ["cart"]


def test_running_again_with_nothing_new_lands_nothing_and_changes_nothing(days):
    again = days["runs"]["again"]
    # The broken file is still in the drop folder: the run still says so.
    assert again.returncode != 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert "FAILED  not-rees46.csv" in again.stdout
    assert "landed  " not in again.stdout
    assert days["again"] == days["second"]
    fixed = days["runs"]["fixed"]
    assert fixed.returncode == 0, fixed.stdout[-3000:] + fixed.stderr[-3000:]
    assert "landed  " not in fixed.stdout and "FAILED" not in fixed.stdout
    assert days["fixed"] == days["second"]


def test_a_drop_folder_with_no_raw_file_still_builds(days):
    run = days["runs"]["no_raw_file"]
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert f"nothing to land in {days['notes']}: no .csv, .csv.gz, .zip file" in run.stdout
    assert "Completed successfully" in run.stdout
    assert days["no_raw_file"] == days["fixed"]


def test_the_daily_runs_equal_a_full_refresh(days):
    full_refresh, daily = days["full_refresh"], days["fixed"]
    # The full refresh builds the generic tests' fixtures as well, which the daily run leaves out.
    assert "fact_purchases" in daily and daily.keys() <= full_refresh.keys()
    assert differences_from_a_full_refresh(daily, full_refresh) == []


def test_the_landing_stopping_builds_nothing(tmp_path):
    """When the landing stops (exit 2: here the lake is a file, not a folder), nothing is built."""
    lake = tmp_path / "lake"
    lake.write_text("a file where the lake's folder should be\n")
    drop = tmp_path / "drop"
    drop.mkdir()
    shutil.copy(BATCHES / "batch-1.csv", drop)
    environ = dev_environment(tmp_path, lake, tmp_path / "warehouse.duckdb")
    done = _daily(environ, drop)
    assert done.returncode != 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "error: lake " in done.stderr and "is a file, not a folder" in done.stderr
    assert "Running with dbt" not in done.stdout + done.stderr
    assert not (tmp_path / "warehouse.duckdb").exists()
