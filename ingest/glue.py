"""Register the lake's events in the Glue catalog, so that Athena (the dbt prod target) reads them.

The table is an external Parquet table over LAKE/events/ with partition projection on event_date: Athena works
the partitions out from the table's properties, so no crawler, no MSCK REPAIR and no partition list to keep up
after each landing. Its columns are the lake's (ingest.rees46.LAKE_TYPES), so the schema that Athena reads lives
next to the code that writes the files.

It goes through the Glue API rather than Athena DDL: the call is the same on AWS and on a moto server, where the
table can be read back and checked (moto's Athena accepts DDL but executes none of it).
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import date

from ingest import settings
from ingest.aws import errors_explained, split_s3_uri
from ingest.errors import IngestError
from ingest.lake import EVENTS
from ingest.rees46 import LAKE_TYPES

# The variables and defaults the dbt prod target reads too (profiles.yml, the clickstream source).
DEFAULT_TABLE = "events"
PARTITION_KEY = "event_date"

_PARQUET = {
    "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
    "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
    "SerdeInfo": {
        "SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
        "Parameters": {"serialization.format": "1"},
    },
}
_HIVE_TYPES = {"TIMESTAMP_MS": "timestamp", "BIGINT": "bigint", "VARCHAR": "string"}
# Athena folds names to lower case; Glue accepts more, but a name Athena cannot query is no use here.
_NAME = re.compile(r"[a-z0-9_]{1,255}")


def hive_type(lake_type: str) -> str:
    """The Glue (Hive DDL) type of a lake column type from ingest.rees46.LAKE_TYPES."""
    if lake_type in _HIVE_TYPES:
        return _HIVE_TYPES[lake_type]
    decimal = re.fullmatch(r"DECIMAL\((\d+),\s*(\d+)\)", lake_type)
    if decimal:
        return f"decimal({decimal[1]},{decimal[2]})"
    raise ValueError(f"lake type {lake_type!r} has no Glue type: add it to ingest.glue")


def table_input(lake_uri: str, table: str, first_date: date) -> dict:
    """The Glue TableInput of the events table of the lake at `lake_uri` (s3://bucket/prefix)."""
    events = f"{lake_uri.rstrip('/')}/{EVENTS}"
    return {
        "Name": table,
        "Description": "REES46 clickstream events landed by `ingest land`, one Parquet folder per event_date "
                       "(registered by `ingest register-athena`).",
        "TableType": "EXTERNAL_TABLE",
        "Parameters": {
            "EXTERNAL": "TRUE",
            "classification": "parquet",
            "projection.enabled": "true",
            f"projection.{PARTITION_KEY}.type": "date",
            f"projection.{PARTITION_KEY}.format": "yyyy-MM-dd",
            # NOW is evaluated when a query runs: a day landed later is readable at once.
            f"projection.{PARTITION_KEY}.range": f"{first_date.isoformat()},NOW",
            f"projection.{PARTITION_KEY}.interval": "1",
            f"projection.{PARTITION_KEY}.interval.unit": "DAYS",
            "storage.location.template": f"{events}/{PARTITION_KEY}=${{{PARTITION_KEY}}}/",
        },
        "PartitionKeys": [{"Name": PARTITION_KEY, "Type": "string"}],
        "StorageDescriptor": {
            "Columns": [{"Name": name, "Type": hive_type(kind)} for name, kind in LAKE_TYPES.items()],
            "Location": f"{events}/",
            "Compressed": False,
            "StoredAsSubDirectories": False,
            **_PARQUET,
        },
    }


@dataclass(frozen=True)
class Registration:
    database: str
    table: str
    location: str
    first_date: date
    action: str  # "created", "updated" or "unchanged"

    def summary(self) -> str:
        return (f"{self.database}.{self.table} {self.action}: Parquet at {self.location}, partitions "
                f"{PARTITION_KEY} projected from {self.first_date.isoformat()} to NOW")


def register(lake_uri: str, database: str, table: str = DEFAULT_TABLE, first_date: date | None = None,
             region: str | None = None) -> Registration:
    """Create or update the Glue table of the lake's events (and its database when missing); idempotent.

    `first_date` starts the projected partition range; by default the earliest landed event_date, so a lake
    with nothing landed is an error rather than a table that reads nothing.
    """
    import boto3

    if not lake_uri.startswith("s3://"):
        raise IngestError(f"lake {lake_uri!r}: Athena reads S3 only; register an s3://bucket/prefix lake")
    bucket, prefix = split_s3_uri(lake_uri)
    for kind, name in (("database", database), ("table", table)):
        if not _NAME.fullmatch(name):
            raise IngestError(f"{kind} name {name!r}: use lower-case letters, digits and underscores (Athena)")
    region = region or settings.athena_region()
    with errors_explained(lake_uri, bucket):
        landed = _landed_dates(boto3.client("s3"), bucket, prefix)
        if not landed:
            raise IngestError(f"no landed events under {lake_uri.rstrip('/')}/{EVENTS}/: land some first with "
                              f"`ingest land SRC --lake {lake_uri}`")
        if first_date is not None and first_date > landed[0]:
            raise IngestError(f"first date {first_date} is after the earliest landed {PARTITION_KEY}, "
                              f"{landed[0]}: Athena would not see those days")
        first_date = first_date or landed[0]
        wanted = table_input(lake_uri, table, first_date)
        glue = boto3.client("glue", region_name=region)
        _ensure_database(glue, database)
        action = _put_table(glue, database, wanted)
    return Registration(database, table, wanted["StorageDescriptor"]["Location"], first_date, action)


def _landed_dates(s3, bucket: str, prefix: str) -> list[date]:
    """The event_date folders under LAKE/events/, earliest first."""
    folder = f"{prefix}/{EVENTS}/" if prefix else f"{EVENTS}/"
    dates = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=folder, Delimiter="/"):
        for common in page.get("CommonPrefixes", []):
            name = common["Prefix"].removeprefix(folder).rstrip("/")
            key, _, value = name.partition("=")
            try:
                if key != PARTITION_KEY:
                    raise ValueError
                dates.append(date.fromisoformat(value))
            except ValueError:
                raise IngestError(f"s3://{bucket}/{folder}{name}/ is not an {PARTITION_KEY}=YYYY-MM-DD folder: "
                                  "only `ingest land` should write under events/") from None
    return sorted(dates)


def _ensure_database(glue, database: str) -> None:
    try:
        glue.get_database(Name=database)
    except glue.exceptions.EntityNotFoundException:
        with contextlib.suppress(glue.exceptions.AlreadyExistsException):  # created meanwhile: as good
            glue.create_database(DatabaseInput={
                "Name": database,
                "Description": "Raw data landed by `ingest land`, registered by `ingest register-athena`.",
            })


def _put_table(glue, database: str, wanted: dict) -> str:
    try:
        current = glue.get_table(DatabaseName=database, Name=wanted["Name"])["Table"]
    except glue.exceptions.EntityNotFoundException:
        glue.create_table(DatabaseName=database, TableInput=wanted)
        return "created"
    if _as_registered(current, wanted) == wanted:
        return "unchanged"  # no new table version for nothing
    glue.update_table(DatabaseName=database, TableInput=wanted)
    return "updated"


def _as_registered(current: dict, wanted: dict) -> dict:
    """`current` (a Glue Table) cut down to the fields and parameters that `wanted` sets."""
    descriptor = current.get("StorageDescriptor", {})
    return {
        **{key: current.get(key) for key in ("Name", "Description", "TableType", "PartitionKeys")},
        "Parameters": {key: current.get("Parameters", {}).get(key) for key in wanted["Parameters"]},
        "StorageDescriptor": {key: descriptor.get(key) for key in wanted["StorageDescriptor"]},
    }
