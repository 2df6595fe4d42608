"""What every AWS call of the package shares: reading an s3:// URI, and turning boto's exceptions into one line
that says what to do."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from ingest.errors import IngestError, LakeError


def split_s3_uri(uri: str) -> tuple[str, str]:
    """s3://bucket/prefix -> (bucket, prefix without slashes at either end)."""
    if not uri.startswith("s3://"):
        raise IngestError(f"{uri!r}: expected s3://bucket/prefix")
    bucket, _, prefix = uri.removeprefix("s3://").strip("/").partition("/")
    if not bucket:
        raise IngestError(f"{uri!r}: expected s3://bucket/prefix")
    return bucket, prefix.strip("/")


@contextlib.contextmanager
def errors_explained(uri: str, bucket: str) -> Iterator[None]:
    """Boto's exceptions as LakeError: the command cannot go on, whatever the input."""
    from boto3.exceptions import S3UploadFailedError
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

    try:
        yield
    except NoCredentialsError as error:
        raise LakeError("no AWS credentials found; set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                        "or run where an IAM role applies") from error
    except ClientError as error:
        code = error.response["Error"]["Code"]
        if code == "NoSuchBucket":
            raise LakeError(f"{uri}: bucket {bucket} does not exist; create it first") from error
        if code in ("AccessDenied", "AccessDeniedException"):
            raise LakeError(f"{uri}: {error} (docs/iam-policy.json lists what each command needs)") from error
        raise LakeError(f"{uri}: {error}") from error
    except (BotoCoreError, S3UploadFailedError) as error:
        raise LakeError(f"{uri}: {error}") from error
