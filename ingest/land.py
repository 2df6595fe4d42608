"""`ingest land`: raw REES46 CSV files -> typed Parquet under LAKE/events/event_date=YYYY-MM-DD/.

One DuckDB statement streams each file into Parquet partitions under a staging folder; DuckDB's CSV reader
casts every field and records the rows it cannot (store_rejects), with their line numbers. Those rows, and
rows with a negative price, go to the quarantine. Nothing is visible to readers until the whole file has
been written; the manifest entry, published last, is what makes landing the same file again a no-op.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from tqdm import tqdm

from ingest import settings
from ingest.errors import IngestError
from ingest.lake import EVENTS, QUARANTINE, Lake
from ingest.rees46 import CSV_TYPES, EVENT_TYPES, LAKE_TYPES, RAW_COLUMNS, TIME_FORMAT
from ingest.sources import RawFile, check_header, extract_members, find_raw_files, quick_key, sha256_of

log = logging.getLogger("ingest.land")

# Rows with a negative price parse, but break a rule of the data: the same pass routes them to the partition
# of a NULL date (DuckDB's name for it below), which is never published.
_NEGATIVE_PRICE_PARTITION = "event_date=__HIVE_DEFAULT_PARTITION__"
# An empty value in these columns is a bad row, not a missing attribute.
_REQUIRED = ("event_time", "event_type", "product_id", "category_id", "price", "user_id")

_REASONS = {
    "event_time": f"event_time is missing or not a time like {datetime(2019, 10, 1):{TIME_FORMAT}}",
    "event_type": f"event_type is missing or not one of {', '.join(EVENT_TYPES)}",
    "product_id": "product_id is missing or not an integer",
    "category_id": "category_id is missing or not an integer",
    "user_id": "user_id is missing or not an integer",
    "price": "price is missing or not a decimal number with at most two decimals",
}


@dataclass
class FileResult:
    source: str
    status: str  # landed | already landed | failed
    rows_landed: int = 0
    rows_quarantined: int = 0
    partitions: list[str] = field(default_factory=list)
    bytes_in: int = 0
    seconds: float = 0.0
    quarantine: str | None = None
    error: str | None = None

    @property
    def rows_in(self) -> int:
        return self.rows_landed + self.rows_quarantined

    def line(self) -> str:
        if self.status == "failed":
            return f"FAILED  {self.source}: {self.error}"
        if self.status == "already landed":
            return f"skipped {self.source}: already landed (same content), nothing to do"
        text = (f"landed  {self.source}: {self.rows_in:,} rows in, {self.rows_landed:,} landed, "
                f"{self.rows_quarantined:,} quarantined, {len(self.partitions)} partitions, {self.seconds:,.1f} s")
        return text + (f" (quarantine: {self.quarantine})" if self.quarantine else "")


@dataclass
class LandReport:
    lake: str
    files: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(f.status != "failed" for f in self.files)

    @property
    def rows_in(self) -> int:
        return sum(f.rows_in for f in self.files)

    @property
    def rows_landed(self) -> int:
        return sum(f.rows_landed for f in self.files)

    @property
    def rows_quarantined(self) -> int:
        return sum(f.rows_quarantined for f in self.files)

    def summary(self) -> str:
        partitions = {p for f in self.files for p in f.partitions}
        bytes_in = sum(f.bytes_in for f in self.files if f.status == "landed")
        rate = self.rows_in / self.seconds if self.seconds else 0.0
        failed = sum(f.status == "failed" for f in self.files)
        lines = [f.line() for f in self.files]
        lines.append(
            f"total: {len(self.files)} files ({failed} failed), {self.rows_in:,} rows in, "
            f"{self.rows_landed:,} landed, {self.rows_quarantined:,} quarantined, {len(partitions)} partitions, "
            f"{bytes_in / 1e6:,.1f} MB read, {self.seconds:,.1f} s, {rate:,.0f} rows/s -> {self.lake}"
        )
        return "\n".join(lines)


def land(sources: list[str], lake_uri: str) -> LandReport:
    """Land every file the sources name. A file that fails lands nothing and does not stop the others."""
    started = time.monotonic()
    lake = Lake.open(lake_uri)
    report = LandReport(lake=lake_uri)
    landed_at = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    for raw in find_raw_files(sources):
        report.files += _land_raw(raw, lake, landed_at)
    report.seconds = time.monotonic() - started
    return report


def _land_raw(raw: RawFile, lake: Lake, landed_at: datetime) -> list[FileResult]:
    staging = lake.staging_dir()
    results: list[FileResult] = []
    try:
        if raw.is_archive:
            for name, path, sha256 in extract_members(raw, staging):
                results.append(_land_one(name, path, sha256, lake, staging, landed_at))
                path.unlink()
        else:
            results.append(_land_one(raw.name, raw.path, None, lake, staging, landed_at))
    except IngestError as error:  # an unreadable archive; members landed before it stay landed
        log.error("error: %s", error)
        results.append(FileResult(raw.name, "failed", error=str(error).removeprefix(f"{raw.name}: ")))
    finally:
        lake.discard(staging)
    return results


def _land_one(name: str, path: Path, sha256: str | None, lake: Lake, staging: Path,
              landed_at: datetime) -> FileResult:
    started = time.monotonic()
    try:
        check_header(path, name)
        quick = quick_key(path)
        landed = lake.landed_hashes(quick)
        if landed and sha256 is None:
            sha256 = sha256_of(path)
        if sha256 in landed:
            return FileResult(name, "already landed")
        with ThreadPoolExecutor(max_workers=1) as hasher:
            # Content never landed before (no manifest entry shares its quick key): hash it while DuckDB
            # reads it, rather than before; the hash is needed only to publish.
            content_hash = hasher.submit(sha256_of, path) if sha256 is None else None
            staged = _stage(name, path, staging / quick[:12], landed_at)
            sha256 = sha256 or content_hash.result()
        result = _publish(staged, lake, quick, sha256, landed_at)
    except IngestError as error:
        log.error("error: %s", error)
        return FileResult(name, "failed", error=str(error).removeprefix(f"{name}: "))
    result.bytes_in = path.stat().st_size
    result.seconds = time.monotonic() - started
    return result


@dataclass
class _Staged:
    """One file written to the staging folder, not yet visible to readers."""

    name: str
    work: Path
    rows_landed: int
    rows_quarantined: int

    @property
    def partitions(self) -> list[Path]:
        return sorted(p for p in (self.work / EVENTS).glob("event_date=*") if p.name != _NEGATIVE_PRICE_PARTITION)


def _stage(name: str, path: Path, work: Path, landed_at: datetime) -> _Staged:
    work.mkdir()
    con = duckdb.connect(config={
        "memory_limit": settings.memory_limit(),
        "temp_directory": str(work / "spill"),
        # Order within a partition is not part of the contract; not keeping it lets DuckDB stream.
        "preserve_insertion_order": False,
    })
    # DuckDB tracks a statement's progress only with its progress bar on; we draw our own, so it prints nothing.
    con.execute("set enable_progress_bar = true")
    con.execute("set enable_progress_bar_print = false")
    try:
        log.info("landing %s (%s MB)", name, f"{path.stat().st_size / 1e6:,.1f}")
        copied = _run_with_progress(con, _copy_sql(path, name, work / EVENTS, landed_at), name)
        negative = _count_negative(con, work / EVENTS / _NEGATIVE_PRICE_PARTITION)
        quarantined = _quarantine(con, path, name, work, landed_at, negative)
    except duckdb.Error as error:
        raise IngestError(f"{name}: {str(error).splitlines()[0]}") from error
    finally:
        con.close()
    return _Staged(name, work, copied - negative, quarantined)


def _publish(staged: _Staged, lake: Lake, quick: str, sha256: str, landed_at: datetime) -> FileResult:
    """Move the staged files into place, then record the manifest entry: until it exists, the file counts as
    not landed, and landing it again rewrites the same part names (no duplicates after a crash)."""
    stem = f"{staged.name.rsplit('/', 1)[-1].split('.')[0]}-{sha256[:12]}"
    partitions = staged.partitions
    for partition in partitions:
        for index, part in enumerate(sorted(partition.glob("*.parquet"))):
            lake.publish(part, f"{EVENTS}/{partition.name}/{stem}-{index}.parquet")
    quarantine_key = None
    if staged.rows_quarantined:
        quarantine_key = f"{QUARANTINE}/{stem}.parquet"
        lake.publish(staged.work / "quarantine.parquet", quarantine_key)
    result = FileResult(staged.name, "landed", rows_landed=staged.rows_landed,
                        rows_quarantined=staged.rows_quarantined,
                        partitions=[p.name.removeprefix("event_date=") for p in partitions],
                        quarantine=lake.path(quarantine_key) if quarantine_key else None)
    lake.write_manifest(quick, sha256, {
        "source_file": staged.name, "sha256": sha256, "landed_at": landed_at.isoformat(),
        "rows_landed": result.rows_landed, "rows_quarantined": result.rows_quarantined,
        "partitions": result.partitions, "part_file_stem": stem, "quarantine": quarantine_key,
    }, staged.work)
    return result


def _run_with_progress(con: duckdb.DuckDBPyConnection, sql: str, name: str) -> int:
    """Run one long statement, showing DuckDB's own progress: a bar on a terminal, log lines otherwise."""
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["rows"] = con.execute(sql).fetchall()[0][0]
        except BaseException as error:  # handed to the caller's thread below
            outcome["error"] = error

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    bar = None
    if sys.stdout.isatty():
        bar = tqdm(total=100, desc=name, leave=False,
                   bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}<{remaining}")
    next_log = time.monotonic() + 10
    try:
        while worker.is_alive():
            worker.join(0.25)
            percent = max(0.0, con.query_progress())
            if bar is not None:
                bar.update(percent - bar.n)
            elif time.monotonic() >= next_log:
                log.info("%s: %.0f %%", name, percent)
                next_log += 10
    except KeyboardInterrupt:
        con.interrupt()
        worker.join()
        raise
    finally:
        if bar is not None:
            bar.close()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["rows"]


def _count_negative(con: duckdb.DuckDBPyConnection, routed: Path) -> int:
    if not routed.exists():
        return 0
    return con.execute(f"select count(*) from read_parquet({_sql_string(str(routed / '*.parquet'))})").fetchall()[0][0]


def _quarantine(con: duckdb.DuckDBPyConnection, path: Path, name: str, work: Path, landed_at: datetime,
                negative: int) -> int:
    """Write the rows that did not land to work/quarantine.parquet, one per line; return how many."""
    reasons = " ".join(f"when {_sql_string(c)} then {_sql_string(r)}" for c, r in _REASONS.items())
    con.execute(f"""
        create temp table bad_lines as
        select
            line,
            any_value(csv_line) as raw_line,
            string_agg(distinct case
                when error_type = 'CAST' then case column_name {reasons} else error_message end
                when error_type in ('MISSING COLUMNS', 'TOO MANY COLUMNS')
                    then 'wrong number of fields (' || error_message || ')'
                else lower(error_type) || ': ' || error_message
            end, '; ') as reason
        from land_errors
        group by line
    """)
    if negative:
        _add_negative_price_lines(con, path, negative)
    return con.execute(f"""
        copy (
            select {_sql_string(name)} as source_file, line, raw_line, reason,
                   {_sql_string(landed_at.isoformat(sep=' '))}::timestamp_ms as landed_at
            from bad_lines order by line
        ) to {_sql_string(str(work / "quarantine.parquet"))} (format parquet)
    """).fetchall()[0][0]


def _add_negative_price_lines(con: duckdb.DuckDBPyConnection, path: Path, expected: int) -> None:
    """Find the line numbers of rows with a negative price: DuckDB knows them only for rows it rejects, so
    read the file once more with price as an unsigned integer, which rejects exactly the signed prices.
    Only files that have such rows pay for this second read."""
    con.execute(f"select count(price) from {_read_csv(path, CSV_TYPES | {'price': 'UBIGINT'}, 'sign')}").fetchall()
    found = con.execute("""
        insert into bad_lines
        select distinct line, csv_line, 'price is negative'
        from sign_errors
        where column_name = 'price' and error_type = 'CAST'
          and line not in (select line from bad_lines)
          and try_cast(regexp_extract(error_message, 'string "([^"]*)"', 1) as decimal(18, 2)) < 0
    """).fetchall()[0][0]
    if found != expected:
        raise IngestError(f"found {found} lines with a negative price where {expected} rows have one; "
                          "nothing was landed from this file, please report this")


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _read_csv(path: Path, types: dict[str, str], rejects: str) -> str:
    columns = ", ".join(f"{_sql_string(c)}: {_sql_string(t)}" for c, t in types.items())
    return (
        f"read_csv({_sql_string(str(path))}, header = true, auto_detect = false, delim = ',', quote = '\"', "
        f"escape = '\"', strict_mode = true, columns = {{{columns}}}, "
        f"timestampformat = {_sql_string(TIME_FORMAT)}, "
        f"force_not_null = [{', '.join(_sql_string(c) for c in _REQUIRED)}], "
        f"store_rejects = true, rejects_table = '{rejects}_errors', rejects_scan = '{rejects}_scans')"
    )


def _copy_sql(path: Path, name: str, out: Path, landed_at: datetime) -> str:
    return f"""
        copy (
            select
                {", ".join(f"{column}::{LAKE_TYPES[column]} as {column}" for column in RAW_COLUMNS)},
                {_sql_string(name)}::{LAKE_TYPES["source_file"]} as source_file,
                {_sql_string(landed_at.isoformat(sep=' '))}::{LAKE_TYPES["landed_at"]} as landed_at,
                case when price >= 0 then event_time::date end as event_date
            from {_read_csv(path, CSV_TYPES, "land")}
        ) to {_sql_string(str(out))} (format parquet, partition_by (event_date))
    """
