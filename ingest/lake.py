"""The lake: a local folder or an S3 prefix holding the landed events, the quarantine and the manifest.

Layout under the lake root:
    events/event_date=YYYY-MM-DD/<content>-<n>.parquet   what readers (dbt, Athena) see
    _quarantine/<content>.parquet                        lines that could not be landed, with line number and reason
    _manifest/<sha256>.json                              one entry per landed content: landing it again is a no-op
    _manifest/quick/<quick key>/<sha256>                 which landed contents had this quick key (sources.quick_key)
    _pending/<sha256>.json                               the keys a landing is publishing, until its manifest entry
    _latest_landing.json                                 the latest landed_at given to a file: each new one is later
    _staging/                                            work in progress (local lakes), never read
    _lock                                                held by the one landing that may write, or by a build
                                                         (`ingest locked`) while it reads (a lock object on S3)

<content> is the start of the content's SHA-256, not the file's name: the same bytes landed under another name
write the same keys. Each file is published in three steps: its journal (_pending), then its files (a local file
renamed into place, an S3 object appearing when its upload completes), then its manifest entry. A run killed
between the first and the last leaves a journal: the next landing deletes the keys it lists (a journal whose
manifest entry exists is just removed) before anything else, so a killed landing leaves no rows behind, whatever
the number of files it had published.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import shutil
import socket
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from ingest.aws import errors_explained, split_s3_uri
from ingest.errors import IngestError, LakeError

log = logging.getLogger("ingest.lake")

EVENTS = "events"
QUARANTINE = "_quarantine"
MANIFEST = "_manifest"
PENDING = "_pending"
LATEST_LANDING = "_latest_landing.json"
STAGING = "_staging"
LOCK = "_lock"
# Who may hold the lock: a landing, which writes the lake, or a build (`ingest locked`), which reads it.
LANDING, BUILD = "landing", "build"
_DOES = {LANDING: "written", BUILD: "read"}
_LOCK_POLL_SECONDS = 0.5


class Lake:
    """Where landed files are published. `uri` is a local path or s3://bucket/prefix."""

    uri: str

    @staticmethod
    def open(uri: str) -> Lake:
        if uri.startswith("s3://"):
            return S3Lake(uri)
        if "://" in uri:
            raise IngestError(f"lake {uri!r}: only a local folder or s3://bucket/prefix is supported")
        return LocalLake(uri)

    # --- storage primitives, per kind of lake ---------------------------------------------------------------

    def staging_dir(self) -> Path:
        """A fresh local folder to write into before publishing; removed by `discard`."""
        raise NotImplementedError

    def discard(self, staging: Path) -> None:
        shutil.rmtree(staging, ignore_errors=True)

    def publish(self, local: Path, key: str) -> None:
        """Make `local` visible at `key` in one step (or not at all), replacing what was there."""
        raise NotImplementedError

    def delete(self, key: str) -> None:
        """Remove `key`; nothing to do when it does not exist."""
        raise NotImplementedError

    def read(self, key: str) -> bytes | None:
        raise NotImplementedError

    def keys(self, prefix: str) -> list[str]:
        """Every key under `prefix`."""
        raise NotImplementedError

    def locked(self, timeout: float, role: str = LANDING) -> contextlib.AbstractContextManager[int | None]:
        """Hold the lake's lock as `role` (LANDING or BUILD, named to whoever waits): one landing writes at a time,
        and no landing while a build reads. Waits up to `timeout` seconds for the holder. Gives the lock's file
        descriptor where a child process can hold the lock too by inheriting it (local lakes)."""
        raise NotImplementedError

    def storage_errors(self) -> contextlib.AbstractContextManager:
        """Errors of the storage as one LakeError line."""
        raise NotImplementedError

    def path(self, key: str) -> str:
        """The key as a path or URI a reader (DuckDB, a person) can open."""
        return f"{self.uri.rstrip('/')}/{key}"

    # --- the manifest and the journals, the same for every kind of lake -----------------------------------

    def landed(self, sha256: str) -> dict | None:
        """The manifest entry of this content, if it was landed."""
        entry = self.read(f"{MANIFEST}/{sha256}.json")
        return json.loads(entry) if entry is not None else None

    def quick_key_known(self, quick_key: str) -> bool:
        return bool(self.keys(f"{MANIFEST}/quick/{quick_key}/"))

    def latest_landing(self) -> datetime | None:
        """The latest landed_at given to a file of this lake (None for an empty lake). Read with the lock held.

        A landing stamps its files after it, whatever the clock of the machine it runs on says: incremental builds
        take the rows landed after the latest landed_at they built, so a file stamped earlier (a clock behind, or
        set back, on the machine that lands it) would never be built."""
        record = self.read(LATEST_LANDING)
        if record is not None:
            return datetime.fromisoformat(json.loads(record)["landed_at"])
        # A lake landed before the record existed: its manifest entries hold the stamps (read once: the next
        # file landed writes the record).
        entries = [key for key in self.keys(f"{MANIFEST}/") if key.endswith(".json") and "/quick/" not in key]
        stamps = [json.loads(self.read(key) or b"{}").get("landed_at") for key in entries]
        return max((datetime.fromisoformat(stamp) for stamp in stamps if stamp), default=None)

    def recover(self) -> list[str]:
        """Undo what landings killed mid-publish left visible; return the keys deleted. Run with the lock held."""
        deleted = []
        for journal in self.keys(f"{PENDING}/"):
            sha256 = journal.removeprefix(f"{PENDING}/").removesuffix(".json")
            if self.landed(sha256) is None:
                for key in json.loads(self.read(journal) or b'{"keys": []}')["keys"]:
                    self.delete(key)
                    deleted.append(key)
            self.delete(journal)
        return deleted

    def publish_all(self, sha256: str, quick_key: str, files: dict[str, Path], entry: dict, staging: Path) -> None:
        """Publish `files` (key -> staged file), then the manifest entry that makes the content landed."""
        with self.storage_errors():
            self._publish_all(sha256, quick_key, files, entry, staging)

    def _publish_all(self, sha256: str, quick_key: str, files: dict[str, Path], entry: dict, staging: Path) -> None:
        # The stamp first: killed after it, the record is only ahead of the lake, which no stamp can undercut.
        self._write(LATEST_LANDING, {"landed_at": entry["landed_at"]}, staging)
        self._write(f"{PENDING}/{sha256}.json", {"keys": sorted(files)}, staging)
        for key, local in files.items():
            self.publish(local, key)
        self._write(f"{MANIFEST}/{sha256}.json", entry, staging)
        marker = staging / f"quick-{sha256}"
        marker.write_bytes(b"")
        self.publish(marker, f"{MANIFEST}/quick/{quick_key}/{sha256}")
        self.delete(f"{PENDING}/{sha256}.json")

    def _write(self, key: str, content: dict, staging: Path) -> None:
        local = staging / f"{uuid.uuid4().hex}.json"
        local.write_text(json.dumps(content, indent=2, default=str))
        self.publish(local, key)


def _holder(role: str) -> dict:
    return {"role": role, "host": socket.gethostname(), "pid": os.getpid(),
            "since": datetime.now(UTC).isoformat(timespec="seconds")}


def _role(holder: bytes | None) -> str:
    try:
        role = json.loads(holder or b"").get("role", LANDING)
    except (ValueError, AttributeError):
        return LANDING
    return role if role in _DOES else LANDING


def _who(holder: bytes | None) -> dict | None:
    """The holder's record (host, pid, since), or None when the lock file names no one (empty, or cut short)."""
    try:
        who = json.loads(holder or b"")
        return {"host": who["host"], "pid": int(who["pid"]), "since": who["since"]}
    except (ValueError, KeyError, TypeError):
        return None


def _describe(holder: bytes | None) -> str:
    who = _who(holder)
    if who is None:
        return "another landing"
    return f"the {_role(holder)} started {who['since']} by process {who['pid']} on {who['host']}"


def _abandoned(holder: bytes | None) -> bool:
    """True when the holder is a process of this machine that no longer runs (a landing that was killed)."""
    who = _who(holder)
    return who is not None and who["host"] == socket.gethostname() and not _pid_alive(who["pid"])


def _running(holder: bytes | None) -> bool:
    """True when the holder names a process that runs, on this machine or (as far as one can tell) another."""
    return _who(holder) is not None and not _abandoned(holder)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _waiting(lake: Lake, holder: bytes | None, timeout: float) -> None:
    log.info("waiting for %s to finish with lake %s (up to %g s)", _describe(holder), lake.uri, timeout)


def _gave_up(lake: Lake, holder: bytes | None, timeout: float, how_to_free: str) -> LakeError:
    return LakeError(f"lake {lake.uri} is being {_DOES[_role(holder)]} by {_describe(holder)}; gave up after waiting "
                     f"{timeout:g} s (--wait sets how long): run again when it has finished. {how_to_free}")


class LocalLake(Lake):
    def __init__(self, uri: str) -> None:
        self.uri = uri
        self.root = Path(uri)

    @contextlib.contextmanager
    def storage_errors(self) -> Iterator[None]:
        try:
            yield
        except (FileExistsError, NotADirectoryError) as error:
            if self.root.exists() and not self.root.is_dir():
                raise LakeError(f"lake {self.uri} is a file, not a folder: point --lake (or LAKE_URI) at a "
                                "folder") from error
            raise LakeError(f"lake {self.uri}: {error.strerror}: {error.filename}") from error
        except PermissionError as error:
            raise LakeError(f"lake {self.uri}: permission denied on {error.filename}: land into a folder you "
                            "can write, or fix its permissions") from error
        except OSError as error:
            if error.errno == errno.ENOSPC:
                raise LakeError(f"lake {self.uri}: no space left on the device; free some and land again (nothing "
                                "half-written was published)") from error
            if error.errno == errno.EROFS:
                raise LakeError(f"lake {self.uri} is on a read-only file system: land into a writable "
                                "folder") from error
            raise LakeError(f"lake {self.uri}: {error.strerror or error}") from error

    @contextlib.contextmanager
    def locked(self, timeout: float, role: str = LANDING) -> Iterator[int | None]:
        import fcntl

        with self.storage_errors():
            self.root.mkdir(parents=True, exist_ok=True)
            handle = (self.root / LOCK).open("a+b")
        try:
            # flock: the kernel releases it when the holder dies, even on kill -9.
            deadline, waited, polls = time.monotonic() + timeout, False, 0
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    handle.seek(0)
                    holder = handle.read()
                    if time.monotonic() >= deadline:
                        raise _gave_up(self, holder, timeout, "") from None
                    # The holder names itself just after it takes the lock: until then the file is empty or
                    # names the holder before.
                    if not waited and (_running(holder) or polls):
                        _waiting(self, holder, timeout)
                        waited = True
                    polls += 1
                    time.sleep(_LOCK_POLL_SECONDS)
            with self.storage_errors():
                handle.seek(0)
                handle.truncate()
                handle.write(json.dumps(_holder(role)).encode())
                handle.flush()
            yield handle.fileno()
        finally:
            handle.close()  # releases the lock

    def staging_dir(self) -> Path:
        # Inside the lake, so that publishing is a rename on one filesystem. With the lock held, any other
        # folder here was left by a landing that died: removed.
        with self.storage_errors():
            base = self.root / STAGING
            base.mkdir(parents=True, exist_ok=True)
            for folder in base.iterdir():
                shutil.rmtree(folder, ignore_errors=True)
            staging = base / uuid.uuid4().hex[:12]
            staging.mkdir()
        return staging

    def discard(self, staging: Path) -> None:
        super().discard(staging)
        with contextlib.suppress(OSError):
            staging.parent.rmdir()

    def publish(self, local: Path, key: str) -> None:
        target = self.root / key
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(local, target)

    def delete(self, key: str) -> None:
        with self.storage_errors():
            (self.root / key).unlink(missing_ok=True)

    def read(self, key: str) -> bytes | None:
        try:
            return (self.root / key).read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None

    def keys(self, prefix: str) -> list[str]:
        folder = self.root / prefix
        if not folder.is_dir():
            return []
        return sorted(str(p.relative_to(self.root)) for p in folder.rglob("*") if p.is_file())


class S3Lake(Lake):
    """An S3 prefix, through boto3's standard credential chain; AWS_ENDPOINT_URL points it at moto in tests."""

    def __init__(self, uri: str) -> None:
        import boto3

        self.uri = uri.rstrip("/")
        self.bucket, self.prefix = split_s3_uri(uri)
        self._s3 = boto3.client("s3")

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    @contextlib.contextmanager
    def storage_errors(self) -> Iterator[None]:
        with errors_explained(f"lake {self.uri}", self.bucket):
            try:
                yield
            except OSError as error:  # the local staging folder
                raise LakeError(f"local staging folder for {self.uri}: {error.strerror or error}") from error

    @contextlib.contextmanager
    def locked(self, timeout: float, role: str = LANDING) -> Iterator[int | None]:
        """A lock object created only if absent (a conditional put, If-None-Match: *)."""
        from botocore.exceptions import ClientError

        deadline, waited, polls = time.monotonic() + timeout, False, 0
        with self.storage_errors():
            while True:
                try:
                    self._s3.put_object(Bucket=self.bucket, Key=self._key(LOCK), IfNoneMatch="*",
                                        Body=json.dumps(_holder(role)).encode())
                    break
                except ClientError as error:
                    if error.response["Error"]["Code"] not in ("PreconditionFailed", "ConditionalRequestConflict"):
                        raise
                holder = self.read(LOCK)
                if _abandoned(holder):
                    self.delete(LOCK)
                    continue
                if time.monotonic() >= deadline:
                    raise _gave_up(self, holder, timeout, f"If no landing or build is running (one killed on "
                                   f"another machine leaves its lock), remove {self.path(LOCK)}.")
                # The lock can go between the failed put and the read (holder None): the next poll says who.
                if not waited and (_running(holder) or polls):
                    _waiting(self, holder, timeout)
                    waited = True
                polls += 1
                time.sleep(_LOCK_POLL_SECONDS)
        try:
            yield None
        finally:
            with self.storage_errors():
                self.delete(LOCK)

    def staging_dir(self) -> Path:
        return Path(tempfile.mkdtemp(prefix="ingest-"))

    def publish(self, local: Path, key: str) -> None:
        with self.storage_errors():
            self._s3.upload_file(str(local), self.bucket, self._key(key))
        local.unlink()

    def delete(self, key: str) -> None:
        with self.storage_errors():
            self._s3.delete_object(Bucket=self.bucket, Key=self._key(key))

    def read(self, key: str) -> bytes | None:
        from botocore.exceptions import ClientError

        with self.storage_errors():
            try:
                return self._s3.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read()
            except ClientError as error:
                if error.response["Error"]["Code"] in ("NoSuchKey", "404"):
                    return None
                raise

    def keys(self, prefix: str) -> list[str]:
        found = []
        with self.storage_errors():
            for page in self._s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket,
                                                                           Prefix=self._key(prefix)):
                found += [item["Key"] for item in page.get("Contents", [])]
        start = len(self._key(""))
        return sorted(key[start:] for key in found)
