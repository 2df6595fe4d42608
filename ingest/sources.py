"""Finding the raw files a user names, and checking that each one is a REES46 clickstream CSV at all."""

from __future__ import annotations

import glob
import gzip
import hashlib
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import IngestError
from ingest.rees46 import RAW_COLUMNS

RAW_SUFFIXES = (".csv", ".csv.gz", ".zip")
_HASH_CHUNK = 8 * 1024 * 1024


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


def find_raw_files(sources: list[str]) -> list[RawFile]:
    """Expand files, folders (their .csv, .csv.gz and .zip files) and globs, in a stable order."""
    found: list[Path] = []
    for source in sources:
        if any(char in source for char in "*?["):
            matches = sorted(Path(match) for match in glob.glob(source) if Path(match).is_file())
            if not matches:
                raise IngestError(f"{source}: the pattern matches no file")
            found += matches
        elif Path(source).is_dir():
            matches = sorted(p for p in Path(source).iterdir() if p.is_file() and _is_raw_name(p.name))
            if not matches:
                raise IngestError(f"{source}: the folder holds no {', '.join(RAW_SUFFIXES)} file")
            found += matches
        elif Path(source).is_file():
            found.append(Path(source))
        else:
            raise IngestError(f"{source}: no such file or folder")
    unique = dict.fromkeys(path.resolve() for path in found)
    return [RawFile(path) for path in unique]


def _is_raw_name(name: str) -> bool:
    return name.lower().endswith(RAW_SUFFIXES)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def quick_key(path: Path) -> str:
    """A hash of the size, first MiB and last MiB: equal for equal content, so a file whose quick key no
    manifest entry has was certainly never landed, and only the others need their full hash checked."""
    digest = hashlib.sha256(str(path.stat().st_size).encode())
    with path.open("rb") as stream:
        digest.update(stream.read(2**20))
        stream.seek(max(0, path.stat().st_size - 2**20))
        digest.update(stream.read(2**20))
    return digest.hexdigest()


def extract_members(archive: RawFile, into: Path) -> Iterator[tuple[str, Path, str]]:
    """Stream each CSV member of a zip archive to a file under `into`; yield (lineage name, path, sha256).

    The hash is of the member's content, taken while it is copied, so a month landed from the Kaggle zip and
    the same month landed from its plain CSV are the same file to the manifest.
    """
    try:
        with zipfile.ZipFile(archive.path) as bundle:
            members = [m for m in bundle.infolist() if not m.is_dir() and _is_raw_name(m.filename)
                       and not m.filename.startswith("__MACOSX/") and not m.filename.lower().endswith(".zip")]
            if not members:
                raise IngestError(f"{archive.name}: the archive holds no .csv or .csv.gz file")
            for member in members:
                target = into / Path(member.filename).name
                digest = hashlib.sha256()
                with bundle.open(member) as source, target.open("wb") as sink:
                    while chunk := source.read(_HASH_CHUNK):
                        digest.update(chunk)
                        sink.write(chunk)
                yield f"{archive.name}/{member.filename}", target, digest.hexdigest()
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise IngestError(f"{archive.name}: not a readable zip archive ({error})") from error


def check_header(path: Path, name: str) -> None:
    """Fail with one clear line unless the file starts with the REES46 header (a UTF-8 BOM is fine)."""
    compressed = path.name.lower().endswith(".gz")  # DuckDB decides the same way, by the name
    try:
        with (gzip.open if compressed else open)(path, "rb") as stream:
            head = stream.read(64 * 1024)
    except (OSError, EOFError, zlib.error) as error:
        raise IngestError(f"{name}: cannot be read as {'gzip' if compressed else 'a file'} ({error})") from error
    if not head.strip():
        raise IngestError(f"{name}: the file is empty; expected a header line `{','.join(RAW_COLUMNS)}`")
    if b"\x00" in head:
        raise IngestError(f"{name}: binary content, not a CSV file")
    first_line = head.split(b"\n", 1)[0].rstrip(b"\r")
    try:
        header = first_line.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise IngestError(f"{name}: the header is not UTF-8 text") from error
    columns = [column.strip().strip('"') for column in header.split(",")]
    if tuple(columns) != RAW_COLUMNS:
        missing = [c for c in RAW_COLUMNS if c not in columns]
        unexpected = [c for c in columns if c not in RAW_COLUMNS]
        problems = ([f"missing column(s) {', '.join(missing)}"] if missing else []) + (
            [f"unexpected column(s) {', '.join(unexpected)}"] if unexpected else [])
        detail = "; ".join(problems) or "columns in another order"
        raise IngestError(f"{name}: not a REES46 clickstream file: {detail}; expected the header "
                          f"`{','.join(RAW_COLUMNS)}`")
