"""The lake: a local folder or an S3 prefix holding the landed events, the quarantine and the manifest.

Layout under the lake root:
    events/event_date=YYYY-MM-DD/<source>-<hash>.parquet   what readers (dbt, Athena) see
    _quarantine/<source>-<hash>.parquet                     rows that could not be landed, with the reason
    _manifest/<quick key>/<sha256>.json                     one entry per landed file: landing it again is a no-op
    _staging/                                               work in progress (local lakes), never read

Publishing is atomic per file: a local file is renamed into place from _staging on the same filesystem, an S3
object appears only when its upload completes. Readers never see half a file.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import IngestError

EVENTS = "events"
QUARANTINE = "_quarantine"
MANIFEST = "_manifest"
STAGING = "_staging"


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

    def staging_dir(self) -> Path:
        """A fresh local folder to write into before publishing; removed by `discard`."""
        raise NotImplementedError

    def discard(self, staging: Path) -> None:
        shutil.rmtree(staging, ignore_errors=True)

    def publish(self, local: Path, key: str) -> None:
        """Make `local` visible at `key` in one step (or not at all)."""
        raise NotImplementedError

    def landed_hashes(self, quick_key: str) -> set[str]:
        """The content hashes of landed files that share this quick key (see sources.quick_key)."""
        raise NotImplementedError

    def write_manifest(self, quick_key: str, sha256: str, entry: dict, staging: Path) -> None:
        local = staging / f"{sha256}.json"
        local.write_text(json.dumps(entry, indent=2, default=str))
        self.publish(local, f"{MANIFEST}/{quick_key}/{sha256}.json")

    def path(self, key: str) -> str:
        """The key as a path or URI a reader (DuckDB, a person) can open."""
        return f"{self.uri.rstrip('/')}/{key}"


@dataclass
class LocalLake(Lake):
    uri: str

    @property
    def root(self) -> Path:
        return Path(self.uri)

    def staging_dir(self) -> Path:
        # Inside the lake, so that publishing is a rename on one filesystem. The name carries host and pid
        # so that the folders a killed landing left behind can be told apart from live ones and removed.
        base = self.root / STAGING
        base.mkdir(parents=True, exist_ok=True)
        self._remove_abandoned(base)
        staging = base / f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        staging.mkdir()
        return staging

    @staticmethod
    def _remove_abandoned(base: Path) -> None:
        for folder in base.iterdir():
            host, pid, _ = (folder.name.rsplit("-", 2) + ["", ""])[:3]
            if host == socket.gethostname() and pid.isdigit() and not _pid_alive(int(pid)):
                shutil.rmtree(folder, ignore_errors=True)

    def discard(self, staging: Path) -> None:
        super().discard(staging)
        with contextlib.suppress(OSError):  # _staging/ stays only while another landing uses it
            staging.parent.rmdir()

    def publish(self, local: Path, key: str) -> None:
        target = self.root / key
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(local, target)

    def landed_hashes(self, quick_key: str) -> set[str]:
        return {entry.stem for entry in (self.root / MANIFEST / quick_key).glob("*.json")}


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class S3Lake(Lake):
    """An S3 prefix, through boto3's standard credential chain; AWS_ENDPOINT_URL points it at moto in tests."""

    def __init__(self, uri: str) -> None:
        import boto3

        self.uri = uri.rstrip("/")
        bucket, _, prefix = self.uri.removeprefix("s3://").partition("/")
        if not bucket:
            raise IngestError(f"lake {uri!r}: expected s3://bucket/prefix")
        self.bucket, self.prefix = bucket, prefix
        self._s3 = boto3.client("s3")

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def staging_dir(self) -> Path:
        return Path(tempfile.mkdtemp(prefix="ingest-"))

    def publish(self, local: Path, key: str) -> None:
        with self._errors_explained():
            self._s3.upload_file(str(local), self.bucket, self._key(key))
        local.unlink()

    def landed_hashes(self, quick_key: str) -> set[str]:
        prefix = self._key(f"{MANIFEST}/{quick_key}/")
        with self._errors_explained():
            listing = self._s3.list_objects_v2(Bucket=self.bucket, Prefix=prefix)
        return {item["Key"].removeprefix(prefix).removesuffix(".json") for item in listing.get("Contents", [])}

    @contextlib.contextmanager
    def _errors_explained(self):
        """Turn boto's exceptions into one line that says what to do."""
        from boto3.exceptions import S3UploadFailedError
        from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

        try:
            yield
        except NoCredentialsError as error:
            raise IngestError(f"lake {self.uri}: no AWS credentials found; set AWS_PROFILE or AWS_ACCESS_KEY_ID "
                              "and AWS_SECRET_ACCESS_KEY, or run where an IAM role applies") from error
        except ClientError as error:
            if error.response["Error"]["Code"] == "NoSuchBucket":
                raise IngestError(f"lake {self.uri}: bucket {self.bucket} does not exist; create it first") from error
            raise IngestError(f"lake {self.uri}: {error}") from error
        except (BotoCoreError, S3UploadFailedError) as error:
            raise IngestError(f"lake {self.uri}: {error}") from error
