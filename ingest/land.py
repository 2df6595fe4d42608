"""`ingest land`: raw REES46 CSV files -> typed Parquet under LAKE/events/event_date=YYYY-MM-DD/.

Per file, two reads run side by side: Python reads the bytes once to hash the content and count its lines
(sources.scan), and one DuckDB statement streams the file into Parquet partitions under a staging folder, every
field checked by the rules of ingest.rees46. The rows that break a rule go to a partition of their own, never
published; the lines the CSV reader cannot read at all are recorded by DuckDB with their line numbers. The
file is published only when the two reads agree: every data line landed or quarantined. The whole run holds the
lake's lock, and each file is published through a journal (ingest.lake), so that neither two runs at once nor a
run killed at any moment can leave a row twice or half a file.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
from tqdm import tqdm

from ingest import settings
from ingest.errors import IngestError, LakeError
from ingest.lake import EVENTS, QUARANTINE, Lake
from ingest.rees46 import LAKE_TYPES, parsed, raw_line, read_raw, typed_columns
from ingest.sources import (
    RawFile,
    Scan,
    check_header,
    extract_members,
    find_raw_files,
    is_gzip_name,
    numbered_lines,
    quick_key,
    scan,
)
from ingest.sql import quoted

log = logging.getLogger("ingest.land")

# Rows that break a rule are written by the same statement to the partition of a NULL date (DuckDB's name for it
# below), which is never published: its row count is how many there are, found without a second read.
_BROKEN_PARTITION = "event_date=__HIVE_DEFAULT_PARTITION__"
_READER_REASONS = """
    case
        when error_type in ('MISSING COLUMNS', 'TOO MANY COLUMNS')
            then 'wrong number of fields (' || error_message || ')'
        when error_type = 'INVALID ENCODING' then 'not valid UTF-8 text'
        else lower(error_type) || ': ' || error_message
    end
"""


@dataclass
class FileResult:
    source: str
    status: str  # landed | already landed | failed
    rows_in: int = 0  # data lines, counted over the bytes (not by the CSV parser)
    rows_landed: int = 0
    rows_quarantined: int = 0
    blank_lines: int = 0
    partitions: list[str] = field(default_factory=list)
    bytes_in: int = 0
    seconds: float = 0.0
    quarantine: str | None = None
    error: str | None = None
    landed_as: str | None = None  # for `already landed`: the name the content was first landed under

    def line(self) -> str:
        if self.status == "failed":
            return f"FAILED  {self.source}: {self.error}"
        if self.status == "already landed":
            return f"skipped {self.source}: already landed (same content, as {self.landed_as}), nothing to do"
        text = (f"landed  {self.source}: {self.rows_in:,} rows in, {self.rows_landed:,} landed, "
                f"{self.rows_quarantined:,} quarantined, {len(self.partitions)} partitions, {self.seconds:,.1f} s")
        if self.blank_lines:
            text += f", {self.blank_lines:,} blank lines skipped"
        return text + (f" (quarantine: {self.quarantine})" if self.quarantine else "")


@dataclass
class LandReport:
    lake: str
    files: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0
    stopped: str | None = None  # why the run stopped before the end (the lake or the machine failed)

    @property
    def ok(self) -> bool:
        return self.stopped is None and all(f.status != "failed" for f in self.files)

    @property
    def rows_in(self) -> int:
        return sum(f.rows_in for f in self.files if f.status == "landed")

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
        if self.stopped:
            lines.append(f"STOPPED: {self.stopped}")
        lines.append(
            f"total: {len(self.files)} files ({failed} failed), {self.rows_in:,} rows in, "
            f"{self.rows_landed:,} landed, {self.rows_quarantined:,} quarantined, {len(partitions)} partitions, "
            f"{bytes_in / 1e6:,.1f} MB read, {self.seconds:,.1f} s, {rate:,.0f} rows/s -> {self.lake}"
        )
        return "\n".join(lines)


@dataclass(frozen=True)
class Window:
    """The event times accepted: from `start` (inclusive) to `end` (exclusive)."""

    start: date
    end: date


def land(sources: list[str], lake_uri: str, window: Window | None = None, wait: float | None = None,
         allow_empty: bool = False) -> LandReport:
    """Land every file the sources name. A file that fails lands nothing and does not stop the others; a failure
    of the lake or the machine (LakeError) stops the run, with what was landed before it kept. `allow_empty`: a
    folder with no raw file lands nothing instead of being an error."""
    started = time.monotonic()
    raw_files = find_raw_files(sources, allow_empty)
    window = window or Window(*settings.events_window())
    lake = Lake.open(lake_uri)
    report = LandReport(lake=lake_uri)
    with lake.locked(settings.lock_wait() if wait is None else wait):
        try:
            if undone := lake.recover():
                log.info("removed %d files that a killed landing had left published", len(undone))
            with lake.storage_errors():
                clock = _LandingClock(after=lake.latest_landing())
            for raw in raw_files:
                report.files += _land_raw(raw, lake, clock, window)
        except LakeError as error:
            log.error("error: %s", error)
            report.stopped = str(error)
    report.seconds = time.monotonic() - started
    return report


class _LandingClock:
    """Each file's landed_at: when its landing starts, in milliseconds, later than every file landed before it,
    in this run and in the lake (`after`, its latest landing), whatever this machine's clock says.

    Incremental builds take the rows landed after the latest landed_at they have built. Files are published one
    after another under the lake's lock, so a build that runs between two of them has seen only earlier stamps
    (one stamp for the whole run would hide the files published after such a build from every later build). A
    clock behind the one that landed before (another machine's, or this one set back) would do the same."""

    def __init__(self, after: datetime | None = None) -> None:
        self.last = after or datetime.min

    def next(self) -> datetime:
        now = datetime.now(UTC).replace(tzinfo=None)
        now = now.replace(microsecond=now.microsecond // 1000 * 1000)
        self.last = max(now, self.last + timedelta(milliseconds=1))
        return self.last


def _land_raw(raw: RawFile, lake: Lake, clock: _LandingClock, window: Window) -> list[FileResult]:
    staging = lake.staging_dir()
    results: list[FileResult] = []
    try:
        if raw.is_archive:
            with lake.storage_errors():  # members are extracted into the staging folder
                members = list(extract_members(raw, staging))
            for name, path in members:
                results.append(_land_one(name, path, lake, staging, clock.next(), window))
                path.unlink()
        else:
            results.append(_land_one(raw.name, raw.path, lake, staging, clock.next(), window))
    except LakeError:
        raise
    except IngestError as error:  # an unreadable archive: nothing of it lands
        log.error("error: %s", error)
        results.append(FileResult(raw.name, "failed", error=str(error).removeprefix(f"{raw.name}: ")))
    finally:
        lake.discard(staging)
    return results


def _land_one(name: str, path: Path, lake: Lake, staging: Path, landed_at: datetime, window: Window) -> FileResult:
    started = time.monotonic()
    try:
        check_header(path, name)
        quick = quick_key(path)
        content = None
        if lake.quick_key_known(quick):  # maybe landed before: make sure before reading it all with DuckDB
            content = scan(path, name)
            if entry := lake.landed(content.sha256):
                return FileResult(name, "already landed", landed_as=entry["source_file"])
        work = staging / uuid.uuid4().hex[:12]
        with lake.storage_errors():
            work.mkdir()
            # DuckDB expands patterns in the names it reads: it reads the file through a name of ours.
            source = work / ("input.csv.gz" if is_gzip_name(name) else "input.csv")
            source.symlink_to(path.resolve())
        with ThreadPoolExecutor(max_workers=1) as reader:
            scanning = reader.submit(scan, path, name) if content is None else None
            try:
                staged = _stage(name, source, work, landed_at, window)
            except IngestError:
                if scanning is not None:
                    scanning.result()  # a problem the byte-level read names explains the parser's failure best
                raise
            content = content or scanning.result()
        if entry := lake.landed(content.sha256):
            return FileResult(name, "already landed", landed_as=entry["source_file"])
        result = _account(staged, content, path, landed_at)
        _publish(staged, result, lake, quick, content, landed_at)
    except LakeError:
        raise
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
    con: duckdb.DuckDBPyConnection  # holds the reader's rejects, and the file's rows broken by a rule
    source: Path
    window: Window
    rows_landed: int
    rows_broken: int
    rows_rejected: int

    @property
    def partitions(self) -> list[Path]:
        return sorted(p for p in (self.work / EVENTS).glob("event_date=*") if p.name != _BROKEN_PARTITION)


def _connect(work: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(config={
        "memory_limit": settings.memory_limit(),
        "temp_directory": str(work / "spill"),
        # Order within a partition is not part of the contract; not keeping it lets DuckDB stream.
        "preserve_insertion_order": False,
    })
    # DuckDB tracks a statement's progress only with its progress bar on; we draw our own, so it prints nothing.
    con.execute("set enable_progress_bar = true")
    con.execute("set enable_progress_bar_print = false")
    return con


def _stage(name: str, source: Path, work: Path, landed_at: datetime, window: Window) -> _Staged:
    con = _connect(work)
    log.info("landing %s (%s MB)", name, f"{source.stat().st_size / 1e6:,.1f}")
    with _duckdb_errors(name):
        con.execute(f"create view rows as {parsed(read_raw(source, 'land'), window.start, window.end)}")
        written = _run_with_progress(con, f"""
            copy (
                select
                    {typed_columns()},
                    {quoted(name)}::{LAKE_TYPES["source_file"]} as source_file,
                    {_timestamp(landed_at)}::{LAKE_TYPES["landed_at"]} as landed_at,
                    case when broken is null then event_time_value::date end as event_date
                from rows
            ) to {quoted(str(work / EVENTS))} (format parquet, partition_by (event_date))
        """, name)
        broken_dir = work / EVENTS / _BROKEN_PARTITION
        broken = 0
        if broken_dir.exists():
            broken = con.execute(f"select count(*) from read_parquet({quoted(str(broken_dir / '*.parquet'))})"
                                 ).fetchone()[0]
        rejected = con.execute("select count(distinct line) from land_errors").fetchone()[0]
    return _Staged(name, work, con, source, window, written - broken, broken, rejected)


def _account(staged: _Staged, content: Scan, path: Path, landed_at: datetime) -> FileResult:
    """Check that every data line was landed or quarantined, and write the quarantine with line numbers."""
    name = staged.name
    parsed = staged.rows_landed + staged.rows_broken + staged.rows_rejected
    if parsed != content.data_lines:
        raise IngestError(
            f"the CSV reader found {parsed:,} rows ({staged.rows_landed:,} valid, {staged.rows_broken:,} breaking "
            f"a rule, {staged.rows_rejected:,} unreadable) where the file has {content.data_lines:,} data lines: "
            "nothing of it was landed; please report this with the file")
    con = staged.con
    quarantined = 0
    with _duckdb_errors(name):
        con.execute(f"""
            create temp table bad_lines as
            select line, ltrim(any_value(csv_line), chr(10) || chr(13)) as raw_line,
                   string_agg(distinct {_READER_REASONS}, '; ') as reason
            from land_errors group by line
        """)
        if staged.rows_broken:
            con.register("broken_lines", _number_broken_lines(staged, path))
            con.execute("insert into bad_lines select * from broken_lines")
        if staged.rows_broken or staged.rows_rejected:
            quarantined = con.execute(f"""
                copy (
                    select {quoted(name)} as source_file, line, raw_line, reason,
                           {_timestamp(landed_at)}::timestamp_ms as landed_at
                    from bad_lines order by line
                ) to {quoted(str(staged.work / "quarantine.parquet"))} (format parquet)
            """).fetchone()[0]
    con.close()
    return FileResult(name, "landed", rows_in=content.data_lines, rows_landed=staged.rows_landed,
                      rows_quarantined=quarantined, blank_lines=content.blank_lines,
                      partitions=[p.name.removeprefix("event_date=") for p in staged.partitions])


def _number_broken_lines(staged: _Staged, path: Path) -> pa.Table:
    """The line number of each row that broke a rule. The CSV reader does not tell which line a row it read came
    from, so the rows' text is looked up in one more read of the lines; only files with such rows pay for it."""
    with _duckdb_errors(staged.name):
        rows = staged.con.execute(f"""
            select {raw_line()} as raw_line, broken
            from ({parsed(read_raw(staged.source, 'number'), staged.window.start, staged.window.end)})
            where broken is not null
        """).fetchall()
    wanted: dict[bytes, collections.deque[str]] = collections.defaultdict(collections.deque)
    for text, reason in rows:
        wanted[text.encode()].append(reason)
    numbered = {"line": [], "raw_line": [], "reason": []}
    for number, line in numbered_lines(path, staged.name):
        if number > 1 and (reasons := wanted.get(line)):
            numbered["line"].append(number)
            numbered["raw_line"].append(line.decode())
            numbered["reason"].append(reasons.popleft())
    if len(numbered["line"]) != staged.rows_broken:
        raise IngestError(f"found {len(numbered['line']):,} of the {staged.rows_broken:,} lines that break a rule: "
                          "nothing of the file was landed; please report this with the file")
    return pa.table(numbered, schema=pa.schema([("line", pa.int64()), ("raw_line", pa.string()),
                                                ("reason", pa.string())]))


def _publish(staged: _Staged, result: FileResult, lake: Lake, quick: str, content: Scan, landed_at: datetime) -> None:
    """Publish the staged files under names made from the content's hash, then the manifest entry."""
    stem = content.sha256[:16]
    files = {f"{EVENTS}/{partition.name}/{stem}-{index}.parquet": part
             for partition in staged.partitions
             for index, part in enumerate(sorted(partition.glob("*.parquet")))}
    if result.rows_quarantined:
        files[f"{QUARANTINE}/{stem}.parquet"] = staged.work / "quarantine.parquet"
        result.quarantine = lake.path(f"{QUARANTINE}/{stem}.parquet")
    lake.publish_all(content.sha256, quick, files, {
        "source_file": staged.name, "sha256": content.sha256,
        "landed_at": landed_at.isoformat(timespec="milliseconds"),
        "rows_in": result.rows_in, "rows_landed": result.rows_landed, "rows_quarantined": result.rows_quarantined,
        "blank_lines": result.blank_lines, "partitions": result.partitions, "files": sorted(files),
    }, staged.work)


def _timestamp(value: datetime) -> str:
    return quoted(value.isoformat(sep=" ", timespec="milliseconds"))


@contextlib.contextmanager
def _duckdb_errors(name: str) -> Iterator[None]:
    """DuckDB's errors as one line: the machine's (memory, disk) stop the run, the others fail the file."""
    try:
        yield
    except duckdb.Error as error:
        first_line = str(error).splitlines()[0]
        if isinstance(error, duckdb.OutOfMemoryException):
            raise LakeError(f"{name}: ran out of memory ({first_line}); DuckDB may use "
                            f"INGEST_MEMORY_LIMIT={settings.memory_limit()}: raise it, or split the file (a file "
                            "with thousands of days keeps a Parquet writer open per day)") from error
        if "No space left on device" in str(error):
            raise LakeError(f"{name}: no space left on the device while landing it; free some and land again "
                            "(nothing of it was published)") from error
        raise IngestError(f"{name}: {first_line}") from error


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
