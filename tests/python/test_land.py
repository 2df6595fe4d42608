"""`ingest land`: the real rows round-trip, every input form lands the same, bad input is caught, nothing is
lost or landed twice, a killed landing leaves nothing half-visible, and S3 works (against moto)."""

from __future__ import annotations

import csv
import gzip
import os
import signal
import subprocess
import sys
import time
import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import boto3
import duckdb
import pyarrow.parquet as pq
import pytest
from conftest import PROJECT, ClockADayBehind, lake_files, read_lake

from ingest.cli import main
from ingest.land import land
from ingest.rees46 import HEADER

GOOD_ROW = ("2019-10-01 00:00:04 UTC,view,1004237,2053013555631882655,electronics.smartphone,apple,1081.98,"
            "535871217,c6bd7419-2748-4c56-95b4-8cec9ff8b80d")


def _expected_rows(path: Path) -> list[tuple]:
    """The sample parsed independently of DuckDB, with the lake's conventions (empty field = NULL)."""
    with path.open(newline="") as stream:
        rows = list(csv.DictReader(stream))

    def text(value: str) -> str | None:
        return value or None

    return [
        (
            datetime.strptime(r["event_time"], "%Y-%m-%d %H:%M:%S UTC"),
            r["event_type"], int(r["product_id"]), int(r["category_id"]), text(r["category_code"]),
            text(r["brand"]), Decimal(r["price"]), int(r["user_id"]), text(r["user_session"]),
            path.name, datetime.strptime(r["event_time"][:10], "%Y-%m-%d").date(),
        )
        for r in rows
    ]


COLUMNS = ("event_time, event_type, product_id, category_id, category_code, brand, price, user_id, user_session, "
           "source_file, event_date")


def test_real_sample_round_trips_every_value(sample_files, tmp_path):
    report = land([str(p) for p in sample_files], str(tmp_path))

    assert report.ok
    expected = sorted(row for path in sample_files for row in _expected_rows(path))
    landed = sorted(read_lake(tmp_path).select(COLUMNS).fetchall())
    assert landed == expected  # duplicates included: the lake is a faithful copy
    assert report.rows_landed == len(expected) == 5019 + 683
    assert report.rows_quarantined == 0
    assert sorted(os.listdir(tmp_path / "events")) == ["event_date=2019-10-01", "event_date=2019-11-01"]


def test_lake_column_types_are_what_athena_reads(sample_files, tmp_path):
    land([str(sample_files[0])], str(tmp_path))
    part = next((tmp_path / "events").rglob("*.parquet"))
    schema = pq.read_schema(part)
    types = {name: str(schema.field(name).type) for name in schema.names}
    assert types == {
        "event_time": "timestamp[ms]", "event_type": "string", "product_id": "int64", "category_id": "int64",
        "category_code": "string", "brand": "string", "price": "decimal128(10, 2)", "user_id": "int64",
        "user_session": "string", "source_file": "string", "landed_at": "timestamp[ms]",
    }
    # The 19-digit category ids survive as exact 64-bit integers.
    assert read_lake(tmp_path).aggregate("max(category_id)").fetchone()[0] > 2_000_000_000_000_000_000


def test_landed_at_records_when_the_file_was_landed(sample_files, tmp_path):
    before = datetime.utcnow().replace(microsecond=0)
    land([str(sample_files[1])], str(tmp_path))
    landed_at = read_lake(tmp_path).aggregate("min(landed_at), max(landed_at)").fetchone()
    assert landed_at[0] == landed_at[1] >= before


def _as_crlf_with_bom(source: Path, target: Path) -> None:
    target.write_bytes(b"\xef\xbb\xbf" + source.read_bytes().replace(b"\n", b"\r\n"))


def _as_gzip(source: Path, target: Path) -> None:
    target.write_bytes(gzip.compress(source.read_bytes()))


def _as_zip(source: Path, target: Path) -> None:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.write(source, source.name)


@pytest.mark.parametrize(("suffix", "convert"), [
    (".csv", _as_crlf_with_bom),
    (".csv.gz", _as_gzip),
    (".zip", _as_zip),
])
def test_every_input_form_lands_the_same_rows(sample_files, tmp_path, suffix, convert):
    source = sample_files[1]
    converted = tmp_path / "in" / (source.name.removesuffix(".csv") + suffix)
    converted.parent.mkdir()
    convert(source, converted)

    report = land([str(converted)], str(tmp_path / "lake"))

    assert report.ok and report.rows_landed == 683
    landed = sorted(read_lake(tmp_path / "lake").select(COLUMNS.replace("source_file, ", "")).fetchall())
    assert landed == sorted(row[:9] + row[10:] for row in _expected_rows(source))


def test_kaggle_zip_with_both_months_lands_each_as_its_own_file(sample_files, tmp_path):
    archive = tmp_path / "archive.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in sample_files:
            bundle.write(path, path.name)

    first = land([str(archive)], str(tmp_path / "lake"))
    again = land([str(archive), str(sample_files[0])], str(tmp_path / "lake"))

    assert [(f.source, f.rows_landed) for f in first.files] == [
        ("archive.zip/2019-Oct_head_5019rows.csv", 5019), ("archive.zip/2019-Nov_head_683rows.csv", 683)]
    # Same content, whether from the archive or the plain file: landed once.
    assert [f.status for f in again.files] == ["already landed"] * 3
    assert read_lake(tmp_path / "lake").count("*").fetchone()[0] == 5702


def test_folder_lands_its_raw_files(sample_files, tmp_path):
    report = land([str(sample_files[0].parent)], str(tmp_path / "lake"))
    assert [f.source for f in report.files] == sorted(p.name for p in sample_files)
    assert report.rows_landed == 5702


def _write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join((HEADER, *lines)) + "\n")
    return path


BAD_ROWS = {
    "wrong field count": (GOOD_ROW.rsplit(",", 1)[0], "wrong number of fields"),
    "non-numeric id": (GOOD_ROW.replace("1004237", "10042x7"), "product_id is not a plain integer"),
    "missing user id": (GOOD_ROW.replace(",535871217,", ",,"), "user_id is missing"),
    "unparseable time": (GOOD_ROW.replace("00:00:04 UTC", "00:00:04"), "event_time is not a time like"),
    "unknown event_type": (GOOD_ROW.replace(",view,", ",click,"), "event_type is missing or not one of"),
    "negative price": (GOOD_ROW.replace("1081.98", "-1081.98"), "price is negative"),
    "non-numeric price": (GOOD_ROW.replace("1081.98", "free"), "price is not a plain decimal"),
}


@pytest.mark.parametrize("case", BAD_ROWS)
def test_bad_row_goes_to_quarantine_with_line_and_reason(tmp_path, case):
    bad_line, reason = BAD_ROWS[case]
    source = _write(tmp_path / "events.csv", GOOD_ROW, bad_line, GOOD_ROW.replace(":04 UTC", ":05 UTC"))

    report = land([str(source)], str(tmp_path / "lake"))

    assert report.ok, report.summary()
    assert (report.rows_landed, report.rows_quarantined) == (2, 1)
    assert read_lake(tmp_path / "lake").count("*").fetchone()[0] == 2
    quarantine = duckdb.sql(f"select * from '{tmp_path}/lake/_quarantine/*.parquet'").fetchall()
    assert len(quarantine) == 1
    source_file, line, raw_line, why, _landed_at = quarantine[0]
    assert (source_file, line, raw_line) == ("events.csv", 3, bad_line)
    assert reason in why


def test_many_bad_rows_nothing_lost(tmp_path):
    good = [GOOD_ROW.replace(":04 UTC", f":{s:02d} UTC") for s in range(10)]
    lines = good[:3] + [bad for bad, _ in BAD_ROWS.values()] + good[3:]
    source = _write(tmp_path / "mixed.csv", *lines)

    report = land([str(source)], str(tmp_path / "lake"))

    assert report.rows_in == len(lines)
    assert (report.rows_landed, report.rows_quarantined) == (10, len(BAD_ROWS))
    quarantined_lines = duckdb.sql(f"select line from '{tmp_path}/lake/_quarantine/*.parquet' order by 1").fetchall()
    assert [line for (line,) in quarantined_lines] == list(range(5, 5 + len(BAD_ROWS)))


def test_exact_duplicates_land_as_they_are(tmp_path):
    report = land([str(_write(tmp_path / "dup.csv", GOOD_ROW, GOOD_ROW, GOOD_ROW))], str(tmp_path / "lake"))
    assert report.rows_landed == 3
    assert read_lake(tmp_path / "lake").count("*").fetchone()[0] == 3


def _zip_garbage(path: Path) -> None:
    path.write_bytes(b"PK\x03\x04 this is not really a zip archive")


def _gzip_truncated(path: Path) -> None:
    path.write_bytes(gzip.compress((HEADER + "\n" + GOOD_ROW + "\n").encode() * 50)[:60])


BAD_FILES = {
    "missing column": ("events.csv", lambda p: p.write_text(HEADER.replace(",brand", "") + "\n"),
                       "missing column(s) brand"),
    "renamed column": ("events.csv", lambda p: p.write_text(HEADER.replace("price", "cost") + "\n" + GOOD_ROW + "\n"),
                       "unexpected column(s) cost"),
    "binary": ("events.csv", lambda p: p.write_bytes(bytes(range(256)) * 10), "binary content"),
    "empty": ("events.csv", lambda p: p.write_bytes(b""), "the file is empty"),
    "unreadable archive": ("events.zip", _zip_garbage, "not a readable zip archive"),
    "truncated gzip": ("events.csv.gz", _gzip_truncated, "gzip"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_file_of_another_format_fails_with_one_clear_line_and_lands_nothing(tmp_path, capsys, case):
    name, make, problem = BAD_FILES[case]
    bad = tmp_path / name
    make(bad)
    good = _write(tmp_path / "good.csv", GOOD_ROW)

    status = main(["land", str(bad), str(good), "--lake", str(tmp_path / "lake")])

    assert status == 1
    out = capsys.readouterr().out
    failure_lines = [line for line in out.splitlines() if line.startswith("FAILED")]
    assert len(failure_lines) == 1 and name in failure_lines[0] and problem in failure_lines[0]
    # The good file landed; nothing of the bad one is anywhere in the lake.
    sources = read_lake(tmp_path / "lake").query("lake", "select distinct source_file from lake").fetchall()
    assert sources == [("good.csv",)]
    assert not (tmp_path / "lake" / "_quarantine").exists()
    assert len(list((tmp_path / "lake" / "_manifest").glob("*.json"))) == 1


def test_missing_source_is_a_clear_error(tmp_path, capsys):
    assert main(["land", str(tmp_path / "nope.csv"), "--lake", str(tmp_path / "lake")]) == 2
    assert "nope.csv: no such file or folder" in capsys.readouterr().err
    assert not (tmp_path / "lake").exists()


def test_landing_again_adds_nothing(sample_files, tmp_path):
    first = land([str(p) for p in sample_files], str(tmp_path))
    files = lake_files(tmp_path)
    renamed = tmp_path / "copy-of-oct.csv"
    renamed.write_bytes(sample_files[0].read_bytes())

    again = land([str(p) for p in sample_files] + [str(renamed)], str(tmp_path))

    assert first.rows_landed == 5702
    assert [f.status for f in again.files] == ["already landed"] * 3
    assert again.rows_landed == 0 and again.ok
    assert lake_files(tmp_path) == files
    assert read_lake(tmp_path).count("*").fetchone()[0] == 5702


def test_two_files_with_rows_on_the_same_day_both_land(tmp_path):
    morning = _write(tmp_path / "morning.csv", GOOD_ROW)
    evening = _write(tmp_path / "evening.csv", GOOD_ROW.replace("00:00:04", "20:00:04"))

    land([str(morning)], str(tmp_path / "lake"))
    land([str(evening)], str(tmp_path / "lake"))

    parts = lake_files(tmp_path / "lake")
    assert len(parts) == 2 and all(p.startswith("events/event_date=2019-10-01/") for p in parts)
    assert read_lake(tmp_path / "lake").count("*").fetchone()[0] == 2


def test_cli_prints_the_summary(sample_files, tmp_path, capsys):
    assert main(["land", str(sample_files[1]), "--lake", str(tmp_path)]) == 0
    summary = capsys.readouterr().out.splitlines()[-1]
    assert summary.startswith("total: 1 files (0 failed), 683 rows in, 683 landed, 0 quarantined, 1 partitions")
    assert "rows/s" in summary and " s, " in summary and "MB read" in summary


def test_lake_defaults_to_the_lake_uri_variable(sample_files, tmp_path, monkeypatch):
    monkeypatch.setenv("LAKE_URI", str(tmp_path / "from-env"))
    assert main(["land", str(sample_files[1])]) == 0
    assert read_lake(tmp_path / "from-env").count("*").fetchone()[0] == 683


def _big_csv(path: Path, rows: int) -> Path:
    duckdb.sql(f"""
        copy (
            select strftime(timestamp '2019-10-01' + to_seconds(i % 2592000), '%Y-%m-%d %H:%M:%S UTC') as event_time,
                   'view' as event_type, 1000000 + i % 50000 as product_id, 2053013555631882655 as category_id,
                   'electronics.smartphone' as category_code, 'apple' as brand, (i % 100000) / 100 as price,
                   500000000 + i % 300000 as user_id, md5(i::varchar) as user_session
            from range({rows}) t(i)
        ) to '{path}' (header, delimiter ',')
    """)
    return path


def test_a_killed_landing_leaves_nothing_visible_and_lands_whole_next_time(tmp_path):
    source = _big_csv(tmp_path / "big.csv", 3_000_000)
    lake = tmp_path / "lake"
    process = subprocess.Popen([sys.executable, "-m", "ingest", "land", str(source), "--lake", str(lake)],
                               cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # Wait until DuckDB is writing Parquet into staging, then kill it without warning.
    deadline = time.monotonic() + 60
    while not list((lake / "_staging").rglob("*.parquet")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process.poll() is None, "the landing finished before it could be killed: make the file bigger"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()

    assert lake_files(lake) == []
    assert not (lake / "_manifest").exists() or not list((lake / "_manifest").iterdir())

    report = land([str(source)], str(lake))
    assert report.ok and report.rows_landed == 3_000_000
    assert read_lake(lake).count("*").fetchone()[0] == 3_000_000
    assert not (lake / "_staging").exists(), "the killed landing's work folder was not cleaned up"


def test_s3_lake_against_moto(aws, sample_files):
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="clickstream-lake")
    lake = "s3://clickstream-lake/raw"

    first = land([str(p) for p in sample_files], lake)
    again = land([str(p) for p in sample_files], lake)

    assert first.ok and first.rows_landed == 5702
    assert [f.status for f in again.files] == ["already landed"] * 2
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="clickstream-lake")["Contents"])
    events = [k for k in keys if k.startswith("raw/events/")]
    assert [k.split("/")[2] for k in events] == ["event_date=2019-10-01", "event_date=2019-11-01"]
    assert sum(k.startswith("raw/_manifest/") and k.endswith(".json") for k in keys) == 2
    assert not any(k.startswith(("raw/_lock", "raw/_pending")) for k in keys), "the lock or a journal was left"
    body = s3.get_object(Bucket="clickstream-lake", Key=events[0])["Body"].read()
    assert pq.ParquetFile(__import__("io").BytesIO(body)).metadata.num_rows == 5019


def test_s3_lake_without_bucket_is_a_clear_error(aws, sample_files, capsys):
    assert main(["land", str(sample_files[1]), "--lake", "s3://no-such-bucket/lake"]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        "error: lake s3://no-such-bucket/lake: bucket no-such-bucket does not exist; create it first"]


def test_each_file_gets_its_own_later_landed_at(sample_files, tmp_path):
    """Incremental builds take the rows landed after the latest landed_at they built: a build between two files
    of one run must not make the second one's rows look already built."""
    report = land([str(p) for p in sample_files], str(tmp_path))
    stamps = read_lake(tmp_path).query(
        "lake", "select source_file, min(landed_at), max(landed_at) from lake group by 1 order by 2").fetchall()
    assert [name for name, _, _ in stamps] == [f.source for f in report.files]
    assert all(first == last for _, first, last in stamps)
    assert stamps[0][1] < stamps[1][1]


@pytest.mark.parametrize("lake_with_record", [True, False], ids=["lake", "lake-landed-before-the-record"])
def test_a_landing_stamps_after_the_lake_whatever_its_clock(sample_files, tmp_path, monkeypatch, lake_with_record):
    """Incremental builds take the rows landed after the latest landed_at they built: a file stamped earlier than
    the lake's latest landing, by a clock behind, would never be built. A lake landed before the lake kept its
    latest landing is read from its manifest."""
    first, second = sample_files
    land([str(first)], str(tmp_path))
    if not lake_with_record:
        (tmp_path / "_latest_landing.json").unlink()
    monkeypatch.setattr("ingest.land.datetime", ClockADayBehind)
    land([str(second)], str(tmp_path))
    stamps = read_lake(tmp_path).query(
        "lake", "select source_file, min(landed_at), max(landed_at) from lake group by 1 order by 2").fetchall()
    assert [name for name, _, _ in stamps] == [first.name, second.name]
    assert stamps[0][2] < stamps[1][1]


def test_a_folder_with_no_raw_file_is_an_error_unless_allowed(tmp_path, capsys):
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "README.txt").write_text("files arrive here at 02:00\n")
    assert main(["land", str(drop), "--lake", str(tmp_path / "lake")]) == 2
    assert capsys.readouterr().err.strip() == f"error: {drop}: the folder holds no .csv, .csv.gz, .zip file"
    # The daily run's landing (make daily): a day with nothing new lands nothing and says so.
    assert main(["land", "--allow-empty", str(drop), "--lake", str(tmp_path / "lake")]) == 0
    assert capsys.readouterr().out.strip() == f"nothing to land in {drop}: no .csv, .csv.gz, .zip file"
    assert not (tmp_path / "lake" / "events").exists()
