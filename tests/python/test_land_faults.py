"""The landing under hostile input and a hostile environment (docs/reliability.md lists the cases).

Every test checks the landing's promise: each data line of the input is landed exactly once (with its values
unchanged) or quarantined with its line number and reason, or the whole file is refused and nothing of it is
published, whatever the file, and whatever happens to the run."""

from __future__ import annotations

import errno
import gzip
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT, lake_files, read_lake

from ingest import lake as lake_module
from ingest.cli import main
from ingest.land import land
from ingest.rees46 import HEADER

GOOD_ROW = ("2019-10-01 00:00:04 UTC,view,1004237,2053013555631882655,electronics.smartphone,apple,1081.98,"
            "535871217,c6bd7419-2748-4c56-95b4-8cec9ff8b80d")


def _rows(count: int, day: int = 1) -> list[str]:
    return [GOOD_ROW.replace("2019-10-01 00:00:04", f"2019-10-{day:02d} 00:{i // 60 % 60:02d}:{i % 60:02d}")
            .replace("535871217", str(535871217 + i)) for i in range(count)]


def _write(path: Path, lines: list[str], ending: str = "\n") -> Path:
    path.write_bytes((ending.join([HEADER, *lines]) + ending).encode())
    return path


def _quarantine(lake: Path) -> list[tuple]:
    if not (lake / "_quarantine").exists():
        return []
    return duckdb.sql(f"select line, raw_line, reason from '{lake}/_quarantine/*.parquet' order by line").fetchall()


def _lake_rows(lake: Path) -> int:
    return read_lake(lake).count("*").fetchone()[0] if lake_files(lake) else 0


def _assert_nothing_published(lake: Path) -> None:
    assert lake_files(lake) == [] if lake.exists() else True
    assert not list(lake.glob("_manifest/*.json")), "a refused file has a manifest entry"
    assert not list(lake.glob("_quarantine/*")), "a refused file has a quarantine"
    assert not list(lake.glob("_pending/*")), "a journal was left behind"


def _big_csv(path: Path, rows: int, days: int) -> Path:
    """`rows` valid rows spread over `days` days, all distinct."""
    duckdb.sql(f"""
        copy (
            select strftime(timestamp '2019-10-01' + to_seconds((i % {days}) * 86400 + i % 86400),
                            '%Y-%m-%d %H:%M:%S UTC') as event_time,
                   'view' as event_type, 1000000 + i % 50000 as product_id, 2053013555631882655 as category_id,
                   'electronics.smartphone' as category_code, 'apple' as brand, (i % 100000) / 100 as price,
                   500000000 + i as user_id, md5(i::varchar) as user_session
            from range({rows}) t(i)
        ) to '{path}' (header, delimiter ',')
    """)
    return path


# --- Quotes and line breaks --------------------------------------------------------------------------------------

def test_an_unterminated_quote_costs_its_own_line_only(tmp_path):
    lines = _rows(11)
    lines[3] = lines[3].replace(",apple,", ',"apple,')
    report = land([str(_write(tmp_path / "q.csv", lines))], str(tmp_path / "lake"))

    assert (report.rows_in, report.rows_landed, report.rows_quarantined) == (11, 10, 1)
    assert _lake_rows(tmp_path / "lake") == 10
    [(line, raw, reason)] = _quarantine(tmp_path / "lake")
    assert (line, raw) == (5, lines[3]) and "double quote" in reason


def test_a_quoted_field_spanning_lines_loses_no_line(tmp_path):
    lines = _rows(20)
    lines[5] = lines[5].replace(",apple,", ',"app\nl\ne\ns",')  # four physical lines
    source = _write(tmp_path / "span.csv", lines)
    physical = len(source.read_text().splitlines()) - 1

    report = land([str(source)], str(tmp_path / "lake"))

    assert report.rows_in == physical == 23
    assert report.rows_landed + report.rows_quarantined == physical
    assert report.rows_landed == 19 and _lake_rows(tmp_path / "lake") == 19
    assert [line for line, _, _ in _quarantine(tmp_path / "lake")] == [7, 8, 9, 10]


# --- Whole-file integrity ----------------------------------------------------------------------------------------

def test_a_truncated_gzip_is_refused_whole_and_the_complete_file_lands_once(tmp_path, capsys):
    complete = gzip.compress(("\n".join([HEADER, *_rows(5000)]) + "\n").encode())
    truncated = tmp_path / "cut" / "events.csv.gz"
    truncated.parent.mkdir()
    truncated.write_bytes(complete[: len(complete) // 2])
    lake = tmp_path / "lake"

    assert main(["land", str(truncated), "--lake", str(lake)]) == 1
    assert "cannot be read whole as gzip" in capsys.readouterr().out
    _assert_nothing_published(lake)

    whole = tmp_path / "events.csv.gz"
    whole.write_bytes(complete)
    assert main(["land", str(whole), "--lake", str(lake)]) == 0
    assert _lake_rows(lake) == 5000


def test_a_corrupt_zip_member_is_refused(tmp_path):
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as bundle:
        bundle.writestr("a.csv", "\n".join([HEADER, *_rows(50)]) + "\n")
    data = bytearray(archive.read_bytes())
    data[data.index(b"apple") + 1] ^= 0xFF  # the member's bytes no longer match its CRC
    archive.write_bytes(bytes(data))

    report = land([str(archive)], str(tmp_path / "lake"))

    assert not report.ok and "not a readable zip archive" in report.files[0].error
    _assert_nothing_published(tmp_path / "lake")


def test_names_are_literal_never_patterns(tmp_path):
    folder = tmp_path / "drop"
    folder.mkdir()
    _write(folder / "2019-*.csv", _rows(3, day=1))
    _write(folder / "2019-10.csv", _rows(5, day=2))
    _write(folder / "ev1.csv", _rows(7, day=3))
    _write(folder / "ev[1].csv", _rows(2, day=4))

    by_folder = land([str(folder)], str(tmp_path / "a"))
    by_name = land([str(folder / "ev[1].csv")], str(tmp_path / "b"))

    assert sorted((f.source, f.rows_landed) for f in by_folder.files) == [
        ("2019-*.csv", 3), ("2019-10.csv", 5), ("ev1.csv", 7), ("ev[1].csv", 2)]
    assert _lake_rows(tmp_path / "a") == 17
    assert [(f.source, f.rows_landed) for f in by_name.files] == [("ev[1].csv", 2)]
    assert _lake_rows(tmp_path / "b") == 2


def test_zip_members_alike_at_both_ends_both_land(tmp_path):
    head, tail = _rows(9000, day=1), _rows(9000, day=3)
    one = "\n".join([HEADER, *head, *_rows(10, day=5), *tail]) + "\n"
    two = "\n".join([HEADER, *head, *_rows(10, day=6), *tail]) + "\n"
    assert len(one) == len(two) and len(one) > 2 * 2**20
    archive = tmp_path / "twins.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("one.csv", one)
        bundle.writestr("sub/one.csv", two)
        bundle.writestr("three.csv", "\n".join([HEADER, *_rows(4, day=7)]) + "\n")

    report = land([str(archive)], str(tmp_path / "lake"))

    assert report.ok and [f.rows_landed for f in report.files] == [18010, 18010, 4]
    assert _lake_rows(tmp_path / "lake") == 36024


# --- Values kept exactly or quarantined ---------------------------------------------------------------------------

ALTERED_VALUES = {
    "price with three decimals": (GOOD_ROW.replace("1081.98", "1.005"), "price is not a plain decimal"),
    "tiny negative price": (GOOD_ROW.replace("1081.98", "-0.001"), "price is negative"),
    "negative zero price": (GOOD_ROW.replace("1081.98", "-0.00"), "price is negative"),
    "price with exponent": (GOOD_ROW.replace("1081.98", "1e3"), "price is not a plain decimal"),
    "price too large": (GOOD_ROW.replace("1081.98", "123456789.00"), "price is not a plain decimal"),
    "decimal product id": (GOOD_ROW.replace("1004237", "1004237.6"), "product_id is not a plain integer"),
    "hex product id": (GOOD_ROW.replace("1004237", "0x10"), "product_id is not a plain integer"),
    "exponent user id": (GOOD_ROW.replace("535871217", "5e8"), "user_id is not a plain integer"),
    "signed user id": (GOOD_ROW.replace("535871217", "+535871217"), "user_id is not a plain integer"),
    "leading zero id": (GOOD_ROW.replace("1004237", "01004237"), "product_id is not a plain integer"),
    "id past bigint": (GOOD_ROW.replace("2053013555631882655", "9999999999999999999"), "category_id is not"),
    "year 0001": (GOOD_ROW.replace("2019-10-01", "0001-10-01"), "outside the accepted window"),
    "year 1970": (GOOD_ROW.replace("2019-10-01", "1970-01-01"), "outside the accepted window"),
    "year 2100": (GOOD_ROW.replace("2019-10-01", "2100-10-01"), "outside the accepted window"),
    "day 32": (GOOD_ROW.replace("2019-10-01", "2019-10-32"), "event_time is not a time"),
    "time without seconds": (GOOD_ROW.replace("00:00:04 UTC", "00:00 UTC"), "event_time is not a time"),
    "upper-case event type": (GOOD_ROW.replace(",view,", ",VIEW,"), "event_type is missing or not one of"),
    "NUL in a brand": (GOOD_ROW.replace(",apple,", ",ap\0ple,"), "NUL"),
    "not UTF-8": (GOOD_ROW.replace(",apple,", ",ap\udcffple,"), "not valid UTF-8"),
}


@pytest.mark.parametrize("case", ALTERED_VALUES)
def test_a_value_is_kept_exactly_or_quarantined(tmp_path, case):
    bad, reason = ALTERED_VALUES[case]
    source = tmp_path / "v.csv"
    source.write_bytes("\n".join([HEADER, GOOD_ROW, bad, ""]).encode("utf-8", "surrogateescape"))

    report = land([str(source)], str(tmp_path / "lake"))

    assert (report.rows_in, report.rows_landed, report.rows_quarantined) == (2, 1, 1)
    [(line, _raw, why)] = _quarantine(tmp_path / "lake")
    assert line == 3 and reason in why
    landed = read_lake(tmp_path / "lake").select("price, product_id, user_id").fetchall()
    assert [(str(p), i, u) for p, i, u in landed] == [("1081.98", 1004237, 535871217)]


def test_the_events_window_is_settable(tmp_path, monkeypatch):
    source = _write(tmp_path / "w.csv", [GOOD_ROW, GOOD_ROW.replace("2019-10-01", "2009-12-31")])
    assert main(["land", str(source), "--lake", str(tmp_path / "a")]) == 0
    assert _lake_rows(tmp_path / "a") == 1
    monkeypatch.setenv("INGEST_EVENTS_FROM", "2000-01-01")
    assert main(["land", str(source), "--lake", str(tmp_path / "b")]) == 0
    assert _lake_rows(tmp_path / "b") == 2
    assert main(["land", str(source), "--lake", str(tmp_path / "c"), "--events-until", "2019-10-01"]) == 0
    assert _lake_rows(tmp_path / "c") == 1


# --- Line endings -------------------------------------------------------------------------------------------------

def test_a_stray_carriage_return_refuses_the_file_naming_its_line(tmp_path, capsys):
    lines = _rows(10)
    lines[6] = lines[6].replace(",apple,", ",app\rle,")
    source = _write(tmp_path / "cr.csv", lines)

    assert main(["land", str(source), "--lake", str(tmp_path / "lake")]) == 1

    out = capsys.readouterr().out
    assert "line 8 has a carriage return (CR) inside it" in out and "state machine" not in out
    _assert_nothing_published(tmp_path / "lake")


def test_crlf_and_blank_lines_land_every_row(tmp_path):
    lines = _rows(6)
    source = _write(tmp_path / "crlf.csv", [*lines[:3], "", *lines[3:], ""], ending="\r\n")

    report = land([str(source)], str(tmp_path / "lake"))

    assert (report.rows_in, report.rows_landed, report.files[0].blank_lines) == (6, 6, 2)


def test_mixed_line_endings_refuse_the_file_naming_the_line(tmp_path):
    source = tmp_path / "mixed.csv"
    source.write_bytes(("\r\n".join([HEADER, *_rows(3)]) + "\r\n" + "\n".join(_rows(2, day=2)) + "\n").encode())

    report = land([str(source)], str(tmp_path / "lake"))

    assert not report.ok and "line 5 ends with LF where line 1 ends with CRLF" in report.files[0].error
    _assert_nothing_published(tmp_path / "lake")


# --- Crashes and concurrent runs ----------------------------------------------------------------------------------

class _Killed(BaseException):
    """Stands for kill -9: nothing of the landing runs after it (not even its exception handlers)."""


def test_a_crash_mid_publish_then_the_same_bytes_under_another_name_lands_once(tmp_path, monkeypatch):
    source = _big_csv(tmp_path / "big.csv", 200_000, days=150)
    lake = tmp_path / "lake"
    published = []
    real_publish = lake_module.LocalLake.publish

    def publish_then_die(self, local, key):
        if key.startswith("events/") and len(published) == 60:
            raise _Killed
        published.append(key)
        real_publish(self, local, key)

    monkeypatch.setattr(lake_module.LocalLake, "publish", publish_then_die)
    with pytest.raises(_Killed):
        land([str(source)], str(lake))
    monkeypatch.undo()
    assert 0 < len(lake_files(lake)) < 150, "the crash was not mid-publish"

    renamed = tmp_path / "renamed.csv"
    renamed.write_bytes(source.read_bytes())
    report = land([str(renamed)], str(lake))

    assert report.ok and report.rows_landed == 200_000
    assert _lake_rows(lake) == 200_000
    assert read_lake(lake).aggregate("count(distinct user_id)").fetchone()[0] == 200_000
    assert not list(lake.glob("_pending/*"))


@pytest.mark.parametrize("delay", [0.3, 1.0, 2.0, 3.5])
def test_kill_9_at_any_moment_then_a_rerun_leaves_exactly_the_input(tmp_path, delay):
    source = _big_csv(tmp_path / "big.csv", 600_000, days=240)
    lake = tmp_path / "lake"
    process = subprocess.Popen([sys.executable, "-m", "ingest", "land", str(source), "--lake", str(lake)],
                               cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait()

    report = land([str(source)], str(lake))

    assert report.ok
    assert _lake_rows(lake) == 600_000
    assert read_lake(lake).aggregate("count(distinct user_id)").fetchone()[0] == 600_000
    assert not list(lake.glob("_pending/*")) and not (lake / "_staging").exists()


def test_two_landings_at_once_land_once(tmp_path):
    source = _big_csv(tmp_path / "big.csv", 400_000, days=240)
    copy = tmp_path / "copy.csv"
    copy.write_bytes(source.read_bytes())
    lake = tmp_path / "lake"
    runs = [subprocess.Popen([sys.executable, "-m", "ingest", "land", str(path), "--lake", str(lake)],
                             cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for path in (source, copy)]
    outputs = [run.communicate(timeout=300) for run in runs]

    assert [run.returncode for run in runs] == [0, 0], outputs
    assert sorted(out.splitlines()[0].split()[0] for out, _ in outputs) == ["landed", "skipped"]
    waiter = next(err for out, err in outputs if out.startswith("skipped"))
    assert "waiting for the landing started" in waiter
    assert _lake_rows(lake) == 400_000


def test_a_landing_that_cannot_get_the_lock_gives_up_with_one_line(tmp_path, capsys):
    import fcntl

    lake = tmp_path / "lake"
    lake.mkdir()
    with (lake / "_lock").open("a+b") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        status = main(["land", str(_write(tmp_path / "a.csv", _rows(2))), "--lake", str(lake), "--wait", "0.5"])

    assert status == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and "is being written by" in error[0] and "gave up after waiting 0.5 s" in error[0]
    assert lake_files(lake) == []


def test_a_waiting_landing_names_the_holder_once_it_has_named_itself(tmp_path, caplog, monkeypatch):
    """A holder names itself just after it takes the lock; until then the lock file still names the landing
    before, a process that has ended. The waiting landing names the new holder, not that one."""
    import fcntl
    import json
    import logging
    import socket
    import types

    lake = tmp_path / "lake"
    lake.mkdir()
    ended = int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                               text=True, check=True).stdout)
    holder = {"role": "landing", "host": socket.gethostname(), "since": "2026-11-29T00:00:00+00:00"}
    (lake / "_lock").write_text(json.dumps({**holder, "pid": ended}))
    with (lake / "_lock").open("r+b") as held:
        fcntl.flock(held, fcntl.LOCK_EX)

        def holder_names_itself(seconds: float) -> None:  # while the waiting landing sleeps between two polls
            held.seek(0)
            held.truncate()
            held.write(json.dumps({**holder, "pid": os.getpid()}).encode())
            held.flush()
            time.sleep(seconds)

        monkeypatch.setattr(lake_module, "time", types.SimpleNamespace(monotonic=time.monotonic,
                                                                       sleep=holder_names_itself))
        caplog.set_level(logging.INFO)
        status = main(["land", str(_write(tmp_path / "a.csv", _rows(2))), "--lake", str(lake), "--wait", "1"])

    assert status == 2
    waiting = [record.getMessage() for record in caplog.records if record.getMessage().startswith("waiting")]
    assert len(waiting) == 1
    assert f"waiting for the landing started 2026-11-29T00:00:00+00:00 by process {os.getpid()} on" in waiting[0]
    assert lake_files(lake) == []


def test_s3_landings_take_turns(aws, tmp_path, capsys):
    import boto3

    boto3.client("s3").create_bucket(Bucket="lake-bucket")
    boto3.client("s3").put_object(Bucket="lake-bucket", Key="raw/_lock",
                                  Body=b'{"host": "elsewhere", "pid": 1, "since": "2026-11-28T00:00:00+00:00"}')
    source = str(_write(tmp_path / "a.csv", _rows(2)))

    assert main(["land", source, "--lake", "s3://lake-bucket/raw", "--wait", "0.5"]) == 2
    assert "process 1 on elsewhere" in capsys.readouterr().err
    boto3.client("s3").delete_object(Bucket="lake-bucket", Key="raw/_lock")
    assert main(["land", source, "--lake", "s3://lake-bucket/raw"]) == 0
    keys = [o["Key"] for o in boto3.client("s3").list_objects_v2(Bucket="lake-bucket")["Contents"]]
    assert "raw/_lock" not in keys


# --- The environment ----------------------------------------------------------------------------------------------

def test_a_lake_that_is_a_file_is_one_line_and_exit_2(tmp_path, capsys):
    (tmp_path / "lake").write_text("not a folder")
    assert main(["land", str(_write(tmp_path / "a.csv", _rows(2))), "--lake", str(tmp_path / "lake")]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        f"error: lake {tmp_path / 'lake'} is a file, not a folder: point --lake (or LAKE_URI) at a folder"]


@pytest.mark.parametrize(("code", "message"), [
    (errno.ENOSPC, "no space left on the device"),
    (errno.EROFS, "is on a read-only file system"),
    (errno.EACCES, "permission denied"),
])
def test_a_failing_lake_stops_the_run_with_one_line_and_exit_2(tmp_path, capsys, monkeypatch, code, message):
    first = _write(tmp_path / "first.csv", _rows(3, day=1))
    second = _write(tmp_path / "second.csv", _rows(4, day=2))
    lake = tmp_path / "lake"
    real_write = lake_module.Lake._write

    def failing_write(self, key, content, staging):
        if key.startswith("_manifest/") and "second" in str(content):
            raise (PermissionError if code == errno.EACCES else OSError)(code, os.strerror(code), key)
        real_write(self, key, content, staging)

    monkeypatch.setattr(lake_module.Lake, "_write", failing_write)
    status = main(["land", str(first), str(second), "--lake", str(lake)])
    out, err = capsys.readouterr()

    assert status == 2
    assert "STOPPED" in out and message in out and "Traceback" not in out + err
    monkeypatch.undo()
    # The first file stays landed; the second, stopped before its manifest entry, is rolled back next time.
    report = land([str(first), str(second)], str(lake))
    assert [f.status for f in report.files] == ["already landed", "landed"]
    assert _lake_rows(lake) == 7


def test_a_file_with_20000_days_lands_or_fails_with_one_line(tmp_path, capsys):
    source = tmp_path / "days.csv"
    duckdb.sql(f"""
        copy (select strftime(timestamp '1970-01-01' + to_days(i::int), '%Y-%m-%d %H:%M:%S UTC') as event_time,
                     'view' as event_type, 1 as product_id, 2 as category_id, null as category_code,
                     null as brand, 1.00 as price, i as user_id, null as user_session
              from range(20000) t(i)) to '{source}' (header, delimiter ',')
    """)
    status = main(["land", str(source), "--lake", str(tmp_path / "lake"), "--events-from", "1970-01-01",
                   "--events-until", "2030-01-01"])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    if status == 0:
        assert _lake_rows(tmp_path / "lake") == 20000
    else:
        assert status == 2 and "ran out of memory" in out
        _assert_nothing_published(tmp_path / "lake")
