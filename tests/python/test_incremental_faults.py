"""Incremental builds against a hostile day (issue 10): a landing publishing while a build starts, and a build
killed at the worst moment. Each ends with the warehouse equal, row for row, to a `--full-refresh` build of the
same lake: nothing lost, nothing twice.

Why a landing mid-publish matters: a build takes the rows landed after the latest landing time it holds, and a
landing publishes a file's days one after another under one landing time. A build that read some of them would
count that time as built and never read the others. So staging reads only the landings completed when it starts
(macros/completed_landings.sql): a bare `dbt build` during a publish, or after a landing killed in one,
reads none of it. `make build` and `make daily` hold the lake's lock (`ingest locked -- dbt build`), so they wait
for the landing; after a killed one they are refused, with one line, until the next landing undoes it. And the
lock never goes while the build runs: not when `ingest locked` alone is killed with kill -9, nor when it is
terminated.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT, dev_environment
from test_incremental import BATCHES, _run, _tables, differences_from_a_full_refresh

BIN = Path(sys.executable).parent
# The models, seeds and snapshot, as the daily run builds them (the data tests are the other module's concern).
BUILD = [str(BIN / "dbt"), "--no-use-colors", "build", "--exclude", "resource_type:test", "resource_type:unit_test"]
# A landing that stops after publishing its first Parquet file, until the file named by its last argument exists:
# another process sees the lake exactly as it is in the middle of a publish.
PAUSED_LANDING = """
import pathlib, sys, time
from ingest import lake, land
source, lake_uri, paused, release = sys.argv[1:]
publish = lake.LocalLake.publish
def publish_then_pause(self, local, key):
    publish(self, local, key)
    if key.startswith("events/"):
        pathlib.Path(paused).touch()
        while not pathlib.Path(release).exists():
            time.sleep(0.05)
lake.LocalLake.publish = publish_then_pause
land.land([source], lake_uri)
"""


@pytest.fixture
def built(tmp_path) -> dict:
    """A lake with batch 1 landed and built; batch 2 (two days, so two Parquet files) ready to land."""
    environ = dev_environment(tmp_path, tmp_path / "lake", tmp_path / "warehouse.duckdb")
    _run([sys.executable, "-m", "ingest", "land", str(BATCHES / "batch-1.csv")], environ)
    _run(BUILD, environ)
    return {"environ": environ, "work": tmp_path, "warehouse": tmp_path / "warehouse.duckdb",
            "lake": tmp_path / "lake"}


def _start_paused_landing(built: dict, source: Path) -> tuple[subprocess.Popen, Path]:
    paused, release = built["work"] / "paused", built["work"] / "release"
    landing = subprocess.Popen([sys.executable, "-c", PAUSED_LANDING, str(source), str(built["lake"]), str(paused),
                                str(release)], cwd=PROJECT, env=built["environ"])
    deadline = time.monotonic() + 120
    while not paused.exists():
        assert landing.poll() is None and time.monotonic() < deadline, "the landing never reached its publish"
        time.sleep(0.05)
    return landing, release


def _equals_a_full_refresh(built: dict) -> None:
    incremental = _tables(built["warehouse"])
    shutil.copy(built["warehouse"], built["work"] / "incremental.duckdb")
    _run([*BUILD, "--full-refresh"], built["environ"])
    full_refresh = _tables(built["warehouse"])
    assert incremental.keys() == full_refresh.keys()
    different = differences_from_a_full_refresh(incremental, full_refresh)
    assert not different, different


def test_a_bare_build_during_a_publish_reads_none_of_it_and_the_next_build_reads_it_whole(built):
    before = _tables(built["warehouse"])
    landing, release = _start_paused_landing(built, BATCHES / "batch-2.csv")
    try:
        # One of the landing's two day files is in the lake, its manifest entry is not: the build reads neither day.
        _run(BUILD, built["environ"])
        assert _tables(built["warehouse"]) == before
    finally:
        release.touch()
        assert landing.wait(timeout=120) == 0
    # Once the landing has ended, the next build takes all of it.
    _run(BUILD, built["environ"])
    _equals_a_full_refresh(built)


def test_a_locked_build_waits_for_the_landing_and_reads_it_whole(built):
    before = _tables(built["warehouse"])
    landing, release = _start_paused_landing(built, BATCHES / "batch-2.csv")
    build = subprocess.Popen([str(BIN / "ingest"), "locked", "--", *BUILD], cwd=PROJECT, env=built["environ"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # Still waiting for the lock while the landing is paused: it has built nothing.
        time.sleep(3)
        assert build.poll() is None
        assert _tables(built["warehouse"]) == before
    finally:
        release.touch()
        assert landing.wait(timeout=120) == 0
    out, err = build.communicate(timeout=600)
    assert build.returncode == 0, out[-3000:] + err[-3000:]
    assert "waiting for" in err
    _equals_a_full_refresh(built)


def test_a_landing_killed_mid_publish_is_never_read_and_stops_the_locked_build_until_a_landing_undoes_it(built):
    before = _tables(built["warehouse"])
    landing, _ = _start_paused_landing(built, BATCHES / "batch-2.csv")
    landing.send_signal(signal.SIGKILL)
    landing.wait(timeout=60)
    assert list((built["lake"] / "_pending").iterdir())  # the killed landing's journal, one file published
    # A bare build reads none of the killed landing (its published file has no manifest entry).
    _run(BUILD, built["environ"])
    assert _tables(built["warehouse"]) == before
    done = subprocess.run([str(BIN / "ingest"), "locked", "--", *BUILD], cwd=PROJECT, env=built["environ"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"error: lake {built['lake']} holds the journal of a landing killed while it published (1 file(s) in "
        "_pending/): run `ingest land` again (a file landed before is skipped) to undo it, then build"]
    assert _tables(built["warehouse"]) == before
    # The next landing undoes the killed one and lands batch 2 whole; the build takes all of it.
    _run([sys.executable, "-m", "ingest", "land", str(BATCHES / "batch-2.csv")], built["environ"])
    assert not list((built["lake"] / "_pending").iterdir())
    _run([str(BIN / "ingest"), "locked", "--", *BUILD], built["environ"])
    _equals_a_full_refresh(built)


def test_a_first_landing_killed_mid_publish_leaves_no_events_to_build(tmp_path):
    lake = tmp_path / "lake"
    fresh = {"environ": dev_environment(tmp_path, lake, tmp_path / "warehouse.duckdb"), "work": tmp_path,
             "lake": lake}
    landing, _ = _start_paused_landing(fresh, BATCHES / "batch-1.csv")
    landing.send_signal(signal.SIGKILL)
    landing.wait(timeout=60)
    assert list((lake / "events").rglob("*.parquet"))  # one file published, no manifest entry
    done = subprocess.run(BUILD, cwd=PROJECT, env=fresh["environ"], capture_output=True, text=True, timeout=600)
    assert done.returncode != 0
    assert f"no events in the lake at {lake}: land data first with `ingest land SRC`" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    # The landing again undoes the killed one and lands the file whole.
    _run([sys.executable, "-m", "ingest", "land", str(BATCHES / "batch-1.csv")], fresh["environ"])
    _run(BUILD, fresh["environ"])
    fresh["warehouse"] = tmp_path / "warehouse.duckdb"
    _equals_a_full_refresh(fresh)


def test_a_warehouse_keyed_otherwise_stops_an_incremental_build_with_one_line(built):
    # What a DuckDB upgrade whose hash differs would leave: built events whose keys this DuckDB does not give them.
    with duckdb.connect(str(built["warehouse"])) as connection:
        connection.execute("update stg_clickstream__events set event_id = event_id + 1")
    before = _tables(built["warehouse"])
    _run([sys.executable, "-m", "ingest", "land", str(BATCHES / "batch-2.csv")], built["environ"])
    done = subprocess.run(BUILD, cwd=PROJECT, env=built["environ"], capture_output=True, text=True, timeout=600)
    assert done.returncode != 0
    assert (f"the events in the warehouse at {built['warehouse']} are keyed otherwise than this DuckDB keys them "
            "(built by another DuckDB version, or an older version of this project): rebuild it whole with "
            "`dbt build --full-refresh`, which reads the lake again") in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    assert _tables(built["warehouse"]) == before
    # The full refresh keys every event again; the next incremental build runs.
    _run([*BUILD, "--full-refresh"], built["environ"])
    _run(BUILD, built["environ"])


# Killed when dbt says a model has started (somewhere inside it or just before) or has ended (the models downstream
# have not read its rows yet): the staging model first, whose watermark the others follow; then a table
# incremental by day, and a set that only grows (appended to, then its readers killed before they read it).
@pytest.mark.parametrize(("moment", "model"), [("OK", "stg_clickstream__events"),
                                               ("START", "int_events_aggregated_to_session_products"),
                                               ("OK", "int_events_aggregated_to_user_sessions"),
                                               ("START", "int_events_aggregated_to_product_days"),
                                               ("OK", "int_product_first_and_latest_events")])
def test_a_build_killed_then_built_again_equals_a_full_refresh(built, moment, model):
    _run([sys.executable, "-m", "ingest", "land", str(BATCHES / "batch-2.csv"),
          str(BATCHES / "late-2019-10-01.csv")], built["environ"])
    # One thread: the kill lands where the line says, not beside a model that the other thread is writing.
    build = subprocess.Popen([*BUILD, "--threads", "1"], cwd=PROJECT, env=built["environ"],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    seen = []
    for line in build.stdout:
        seen.append(line)
        if f" {moment} " in line and line.rstrip().split(" model main.")[-1].split()[0] == model:
            os.killpg(build.pid, signal.SIGKILL)
            break
    build.wait(timeout=60)
    assert build.returncode == -signal.SIGKILL, "".join(seen[-20:])
    _run(BUILD, built["environ"])
    _equals_a_full_refresh(built)


# A landing on a machine whose clock is a day behind the one that landed before it (or this one, set back).
LANDING_A_DAY_BEHIND = f"""
import sys
sys.path.insert(0, {str(Path(__file__).parent)!r})
import ingest.land
from conftest import ClockADayBehind
ingest.land.datetime = ClockADayBehind
ingest.land.land(sys.argv[2:], sys.argv[1])
"""


def test_a_file_landed_by_a_clock_behind_is_still_built(built):
    """The build takes the rows landed after its latest landing time: the landing stamps after the lake's latest
    landing, not by its clock, or these rows would stay in the lake and never reach the warehouse."""
    _run([sys.executable, "-c", LANDING_A_DAY_BEHIND, str(built["lake"]), str(BATCHES / "batch-2.csv")],
         built["environ"])
    _run(BUILD, built["environ"])
    _equals_a_full_refresh(built)


# A stand-in for a long dbt build: says it started (with its pid), then waits for the release file.
LONG_BUILD = """
import os, pathlib, sys, time
started, release = map(pathlib.Path, sys.argv[1:])
started.write_text(str(os.getpid()))
while not release.exists():
    time.sleep(0.05)
"""


def _start_locked_build(tmp_path: Path) -> tuple[subprocess.Popen, int, Path]:
    started, release = tmp_path / "started", tmp_path / "release"
    wrapper = subprocess.Popen([str(BIN / "ingest"), "locked", "--lake", str(tmp_path / "lake"), "--",
                                sys.executable, "-c", LONG_BUILD, str(started), str(release)], cwd=PROJECT)
    deadline = time.monotonic() + 60
    while not started.exists() or not started.read_text():
        assert wrapper.poll() is None and time.monotonic() < deadline, "the locked command never started"
        time.sleep(0.05)
    return wrapper, int(started.read_text()), release


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_the_lock_outlives_a_wrapper_killed_alone_until_the_build_ends(tmp_path):
    wrapper, build, release = _start_locked_build(tmp_path)
    wrapper.kill()
    wrapper.wait(timeout=30)
    assert _alive(build)
    land = [sys.executable, "-m", "ingest", "land", str(BATCHES / "batch-1.csv"), "--lake", str(tmp_path / "lake")]
    refused = subprocess.run([*land, "--wait", "1"], cwd=PROJECT, capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2 and "gave up after waiting 1 s" in refused.stderr
    assert "is being read by the build started" in refused.stderr and f"by process {wrapper.pid} on" in refused.stderr
    release.touch()
    deadline = time.monotonic() + 30
    while _alive(build):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert subprocess.run(land, cwd=PROJECT, capture_output=True, timeout=120).returncode == 0


def test_a_terminated_wrapper_stops_the_build_before_it_lets_the_lock_go(tmp_path):
    wrapper, build, _ = _start_locked_build(tmp_path)
    wrapper.terminate()
    assert wrapper.wait(timeout=30) == 128 + signal.SIGTERM
    assert not _alive(build)
