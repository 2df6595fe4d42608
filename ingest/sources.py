"""The raw files a user names: finding them (literally), checking that each is a REES46 clickstream CSV at all,
and reading each once, independently of the CSV parser, to count its lines and hash its content."""

from __future__ import annotations

import gzip
import hashlib
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ingest.errors import IngestError
from ingest.rees46 import RAW_COLUMNS

RAW_SUFFIXES = (".csv", ".csv.gz", ".zip")
# The suffixes as a message names them.
RAW_SUFFIXES_TEXT = ", ".join(RAW_SUFFIXES)
_CHUNK = 8 * 1024 * 1024
# No REES46 line is longer than a few hundred bytes; past this the file is not that format (and DuckDB's own
# line limit, 2 MB, is not reached).
MAX_LINE_BYTES = 1024 * 1024
_LF, _CR = 10, 13


@dataclass(frozen=True)
class RawFile:
    """One input file: a .csv, a .csv.gz, or a .zip archive of those."""

    path: Path

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def is_archive(self) -> bool:
        return self.path.name.lower().endswith(".zip")


def find_raw_files(sources: list[str], allow_empty: bool = False) -> list[RawFile]:
    """Files as named, and the .csv, .csv.gz and .zip files of named folders, in a stable order. A folder with
    none of them is an error, unless `allow_empty` (a drop folder on a day with nothing new).

    Names are taken literally: `ev[1].csv` is that file, never a pattern (the shell expands patterns)."""
    found: list[Path] = []
    for source in sources:
        path = Path(source)
        if path.is_dir():
            matches = sorted(p for p in path.iterdir() if p.is_file() and is_raw_name(p.name))
            if not matches and not allow_empty:
                raise IngestError(f"{source}: the folder holds no {RAW_SUFFIXES_TEXT} file")
            found += matches
        elif path.is_file():
            found.append(path)
        else:
            raise IngestError(f"{source}: no such file or folder")
    unique = dict.fromkeys(path.resolve() for path in found)
    return [RawFile(path) for path in unique]


def is_raw_name(name: str) -> bool:
    return name.lower().endswith(RAW_SUFFIXES)


def is_gzip_name(name: str) -> bool:
    return name.lower().endswith(".gz")


def quick_key(path: Path) -> str:
    """A hash of the size, first MiB and last MiB of the file's bytes: a file whose quick key no landed file had
    was certainly never landed; the others need their content hash checked (equal quick keys prove nothing)."""
    size = path.stat().st_size
    digest = hashlib.sha256(str(size).encode())
    with path.open("rb") as stream:
        digest.update(stream.read(2**20))
        stream.seek(max(0, size - 2**20))
        digest.update(stream.read(2**20))
    return digest.hexdigest()


@dataclass(frozen=True)
class Scan:
    """What one independent read of a file's content found. `data_lines` is what the landing must account for:
    every one landed or quarantined, else nothing of the file is published."""

    sha256: str
    data_lines: int
    blank_lines: int


def scan(path: Path, name: str) -> Scan:
    """Hash the (decompressed) content and count its lines, over the bytes, without a CSV parser.

    Raises IngestError for what no line-by-line landing can account for: a truncated or corrupt gzip, a carriage
    return inside a line (DuckDB would split the line there), lines ending in CRLF and in LF in one file, a line
    longer than MAX_LINE_BYTES."""
    digest = hashlib.sha256()
    counter = _LineCounter(name)
    try:
        with (gzip.open if is_gzip_name(name) else open)(path, "rb") as stream:
            while chunk := stream.read(_CHUNK):
                digest.update(chunk)
                counter.feed(chunk)
    except (OSError, EOFError, zlib.error) as error:
        raise IngestError(f"{name}: cannot be read whole as {'gzip' if is_gzip_name(name) else 'a file'} ({error}); "
                          "nothing of it was landed: fetch the file again") from error
    lines, blank = counter.finish()
    return Scan(digest.hexdigest(), data_lines=max(0, lines - blank - 1), blank_lines=blank)


class _LineCounter:
    """Counts lines and blank lines in a byte stream fed in chunks, and stops at the first line ending that the
    CSV reader would read differently from a line-by-line reading."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.lines = 0  # complete lines seen so far
        self.blank = 0
        self.crlf: bool | None = None  # the first line's ending decides what the file's is
        self.tail = b""  # the incomplete last line

    def feed(self, chunk: bytes) -> None:
        buffer = self.tail + chunk
        data = np.frombuffer(buffer, dtype=np.uint8)
        ends = np.flatnonzero(data == _LF)
        if len(ends) == 0:
            self.tail = buffer
            self._check_length(len(buffer))
            return
        starts = np.concatenate(([0], ends[:-1] + 1))
        lengths = ends - starts
        self._check_length(int(lengths.max()))
        ends_cr = (lengths > 0) & (data[np.maximum(ends - 1, 0)] == _CR)
        carriage_returns = np.flatnonzero(data[: ends[-1]] == _CR)
        if len(carriage_returns) != int(ends_cr.sum()):
            stray = carriage_returns[~np.isin(carriage_returns + 1, ends)][0]
            raise IngestError(
                f"{self.name}: line {self.lines + int(np.searchsorted(ends, stray)) + 1} has a carriage return "
                "(CR) inside it: REES46 lines never do, and a CSV reader would split the line there; nothing of "
                "the file was landed: remove the stray CR characters and land it again")
        if self.crlf is None:
            self.crlf = bool(ends_cr[0])
        mixed = np.flatnonzero(ends_cr != self.crlf)
        if len(mixed):
            first = self.lines + int(mixed[0]) + 1
            kinds = ("CRLF", "LF") if self.crlf else ("LF", "CRLF")
            raise IngestError(
                f"{self.name}: line {first} ends with {kinds[1]} where line 1 ends with {kinds[0]}: mixed line "
                "endings, which the CSV reader cannot follow; nothing of the file was landed: convert it to one "
                "kind (dos2unix or unix2dos) and land it again")
        self.blank += int(((lengths == 0) | ((lengths == 1) & ends_cr)).sum())
        self.lines += len(ends)
        self.tail = buffer[int(ends[-1]) + 1:]

    def _check_length(self, longest: int) -> None:
        if longest > MAX_LINE_BYTES:
            raise IngestError(f"{self.name}: a line after line {self.lines} is longer than {MAX_LINE_BYTES:,} "
                              "bytes: not a REES46 file; nothing of it was landed")

    def finish(self) -> tuple[int, int]:
        """(lines, blank lines), the last line counted even without a line break."""
        if b"\r" in self.tail:
            raise IngestError(f"{self.name}: the last line has a carriage return (CR) inside it; nothing of the "
                              "file was landed: remove the stray CR characters and land it again")
        if self.tail:
            return self.lines + 1, self.blank
        return self.lines, self.blank


def numbered_lines(path: Path, name: str) -> Iterator[tuple[int, bytes]]:
    """(line number, line without its line break) for every line, the header being line 1."""
    with (gzip.open if is_gzip_name(name) else open)(path, "rb") as stream:
        for number, line in enumerate(stream, start=1):
            line = line.removesuffix(b"\n")
            yield number, line.removesuffix(b"\r")


def extract_members(archive: RawFile, into: Path) -> Iterator[tuple[str, Path]]:
    """Stream each CSV member of a zip archive to a file of its own under `into`; yield (lineage name, path).

    zipfile checks each member's CRC as it reads: a damaged member raises before it is yielded."""
    try:
        with zipfile.ZipFile(archive.path) as bundle:
            members = [m for m in bundle.infolist() if not m.is_dir() and is_raw_name(m.filename)
                       and not m.filename.startswith("__MACOSX/") and not m.filename.lower().endswith(".zip")]
            if not members:
                raise IngestError(f"{archive.name}: the archive holds no .csv or .csv.gz file")
            for index, member in enumerate(members):
                # Numbered: two members may share a base name in different folders of the archive.
                target = into / f"member-{index}{'.csv.gz' if is_gzip_name(member.filename) else '.csv'}"
                with bundle.open(member) as source, target.open("wb") as sink:
                    while chunk := source.read(_CHUNK):
                        sink.write(chunk)
                yield f"{archive.name}/{member.filename}", target
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise IngestError(f"{archive.name}: not a readable zip archive ({error}); nothing more of it was "
                          "landed") from error


def check_header(path: Path, name: str) -> None:
    """Fail with one clear line unless the file starts with the REES46 header (a UTF-8 BOM is fine)."""
    compressed = is_gzip_name(name)  # DuckDB decides the same way, by the name
    try:
        with (gzip.open if compressed else open)(path, "rb") as stream:
            head = stream.read(64 * 1024)
    except (OSError, EOFError, zlib.error) as error:
        raise IngestError(f"{name}: cannot be read as {'gzip' if compressed else 'a file'} ({error})") from error
    if not head.strip():
        raise IngestError(f"{name}: the file is empty; expected a header line `{','.join(RAW_COLUMNS)}`")
    first_line = head.split(b"\n", 1)[0].removesuffix(b"\r")
    if b"\x00" in first_line:
        raise IngestError(f"{name}: binary content, not a CSV file")
    try:
        header = first_line.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise IngestError(f"{name}: the header is not UTF-8 text") from error
    if '"' in header:
        raise IngestError(f"{name}: the header has quotes; REES46 files are written without quoting, so this "
                          f"one was rewritten by another tool: expected the header `{','.join(RAW_COLUMNS)}`")
    columns = [column.strip() for column in header.split(",")]
    if tuple(columns) != RAW_COLUMNS:
        missing = [c for c in RAW_COLUMNS if c not in columns]
        unexpected = [c for c in columns if c not in RAW_COLUMNS]
        problems = ([f"missing column(s) {', '.join(missing)}"] if missing else []) + (
            [f"unexpected column(s) {', '.join(unexpected)}"] if unexpected else [])
        detail = "; ".join(problems) or "columns in another order"
        raise IngestError(f"{name}: not a REES46 clickstream file: {detail}; expected the header "
                          f"`{','.join(RAW_COLUMNS)}`")
