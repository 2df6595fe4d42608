"""`ingest register-athena`: the real sample landed to S3 (a moto server), then registered in Glue; the table read
back is what Athena would get: columns and types of the landed Parquet, location, partition projection."""

from __future__ import annotations

import io
import json
from datetime import date

import boto3
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import PROJECT

from ingest.cli import main
from ingest.errors import IngestError
from ingest.glue import register
from ingest.land import land
from ingest.settings import athena_region

BUCKET = "clickstream-lake"
LAKE = f"s3://{BUCKET}/raw"
DATABASE = "clickstream_raw"
PARQUET_SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
# The IAM action that authorises each S3 operation boto3 makes (the parts of a multipart upload are PutObject).
S3_ACTIONS = {
    "ListObjectsV2": "s3:ListBucket",
    "PutObject": "s3:PutObject",
    "CreateMultipartUpload": "s3:PutObject",
    "UploadPart": "s3:PutObject",
    "CompleteMultipartUpload": "s3:PutObject",
    "AbortMultipartUpload": "s3:AbortMultipartUpload",
    "GetObject": "s3:GetObject",
    "HeadObject": "s3:GetObject",
    "DeleteObject": "s3:DeleteObject",
}


@pytest.fixture
def landed(aws, sample_files, monkeypatch) -> str:
    """The real sample (2019-10-01 and 2019-11-01) landed in an S3 lake on the moto server."""
    for name in ("ATHENA_REGION", "AWS_REGION", "ATHENA_RAW_DATABASE"):
        monkeypatch.delenv(name, raising=False)
    boto3.client("s3").create_bucket(Bucket=BUCKET)
    assert land([str(path) for path in sample_files], LAKE).ok
    return LAKE


def _table(name: str = "events") -> dict:
    return boto3.client("glue").get_table(DatabaseName=DATABASE, Name=name)["Table"]


def _hive_type(arrow_type: pa.DataType) -> str:
    """The Hive type Athena needs to read a Parquet column of this type."""
    if pa.types.is_timestamp(arrow_type):
        return "timestamp"
    if pa.types.is_decimal(arrow_type):
        return f"decimal({arrow_type.precision},{arrow_type.scale})"
    return {pa.int64(): "bigint", pa.string(): "string"}[arrow_type]


def test_register_creates_the_external_parquet_table_athena_reads(landed):
    registration = register(landed, DATABASE)

    assert registration.action == "created"
    table = _table()
    assert table["TableType"] == "EXTERNAL_TABLE"
    assert [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]] == [
        ("event_time", "timestamp"),
        ("event_type", "string"),
        ("product_id", "bigint"),
        ("category_id", "bigint"),
        ("category_code", "string"),
        ("brand", "string"),
        ("price", "decimal(10,2)"),
        ("user_id", "bigint"),
        ("user_session", "string"),
        ("source_file", "string"),
        ("landed_at", "timestamp"),
    ]
    assert table["PartitionKeys"] == [{"Name": "event_date", "Type": "string"}]
    descriptor = table["StorageDescriptor"]
    assert descriptor["Location"] == f"{LAKE}/events/"
    assert descriptor["InputFormat"] == "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
    assert descriptor["OutputFormat"] == "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
    assert descriptor["SerdeInfo"]["SerializationLibrary"] == PARQUET_SERDE
    assert table["Parameters"] == {
        "EXTERNAL": "TRUE",
        "classification": "parquet",
        "projection.enabled": "true",
        "projection.event_date.type": "date",
        "projection.event_date.format": "yyyy-MM-dd",
        "projection.event_date.range": "2019-10-01,NOW",
        "projection.event_date.interval": "1",
        "projection.event_date.interval.unit": "DAYS",
        "storage.location.template": f"{LAKE}/events/event_date=${{event_date}}/",
    }
    assert [d["Name"] for d in boto3.client("glue").get_databases()["DatabaseList"]] == [DATABASE]


def test_registered_columns_are_the_types_the_landing_wrote(landed):
    """Each landed file's own schema, column by column, is what the table declares: the timestamps are
    INT64 milliseconds (Athena's `timestamp`), the price a decimal(10,2), and event_date lives only in the path."""
    register(landed, DATABASE)
    declared = [(c["Name"], c["Type"]) for c in _table()["StorageDescriptor"]["Columns"]]

    s3 = boto3.client("s3")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix="raw/events/")["Contents"]]
    assert len(keys) == 2
    for key in keys:
        schema = pq.read_schema(io.BytesIO(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()))
        assert [(field.name, _hive_type(field.type)) for field in schema] == declared, key
        assert schema.field("event_time").type == pa.timestamp("ms")  # Parquet TIMESTAMP_MILLIS, no time zone


def test_location_template_finds_every_landed_partition(landed):
    register(landed, DATABASE)
    parameters = _table()["Parameters"]
    first, last = parameters["projection.event_date.range"].split(",")
    assert last == "NOW"

    s3 = boto3.client("s3")
    for item in s3.list_objects_v2(Bucket=BUCKET, Prefix="raw/events/")["Contents"]:
        folder, _, _ = f"s3://{BUCKET}/{item['Key']}".rpartition("/")
        event_date = folder.rpartition("event_date=")[2]
        assert parameters["storage.location.template"].replace("${event_date}", event_date) == f"{folder}/"
        assert date.fromisoformat(event_date) >= date.fromisoformat(first)


def test_register_twice_is_the_same_table(landed):
    register(landed, DATABASE)
    before = _table()

    again = register(landed, DATABASE)

    assert again.action == "unchanged"
    assert _table() == before  # not even a new table version
    assert len(boto3.client("glue").get_databases()["DatabaseList"]) == 1


def test_register_updates_a_table_that_differs(landed):
    register(landed, DATABASE, first_date=date(2019, 9, 1))
    assert _table()["Parameters"]["projection.event_date.range"] == "2019-09-01,NOW"

    updated = register(landed, DATABASE)

    assert updated.action == "updated"
    assert _table()["Parameters"]["projection.event_date.range"] == "2019-10-01,NOW"


def test_register_keeps_an_existing_database(landed):
    glue = boto3.client("glue")
    glue.create_database(DatabaseInput={"Name": DATABASE, "Description": "made by hand"})

    register(landed, DATABASE)

    assert glue.get_database(Name=DATABASE)["Database"]["Description"] == "made by hand"
    assert _table()["Name"] == "events"


@pytest.mark.parametrize(
    ("lake", "kwargs", "message"),
    [
        (f"s3://{BUCKET}/empty", {}, f"no landed events under s3://{BUCKET}/empty/events/: land some first"),
        ("s3://no-such-bucket/raw", {}, "bucket no-such-bucket does not exist"),
        ("data/lake", {}, "Athena reads S3 only"),
        (LAKE, {"database": "Clickstream-Raw"}, "use lower-case letters, digits and underscores"),
        (LAKE, {"first_date": date(2019, 10, 2)}, "after the earliest landed event_date, 2019-10-01"),
    ],
    ids=["empty-prefix", "missing-bucket", "local-lake", "bad-database-name", "first-date-too-late"],
)
def test_register_refuses_with_a_clear_error(landed, lake, kwargs, message):
    with pytest.raises(IngestError, match=message):
        register(lake, **{"database": DATABASE, **kwargs})
    assert boto3.client("glue").get_databases()["DatabaseList"] == []


def test_cli_registers_and_prints_one_line(landed, capsys):
    assert main(["register-athena", "--lake", landed]) == 0
    assert capsys.readouterr().out.strip() == (
        "clickstream_raw.events created: Parquet at s3://clickstream-lake/raw/events/, partitions event_date "
        "projected from 2019-10-01 to NOW"
    )

    assert main(["register-athena", "--lake", f"s3://{BUCKET}/nothing-here"]) == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert error.startswith("error: no landed events under s3://clickstream-lake/nothing-here/events/")


@pytest.mark.parametrize(
    ("environ", "region"),
    [
        ({"ATHENA_REGION": "eu-west-1", "AWS_REGION": "us-west-2"}, "eu-west-1"),
        ({"AWS_REGION": "us-west-2", "AWS_DEFAULT_REGION": "eu-central-1"}, "us-west-2"),
        ({"AWS_DEFAULT_REGION": "eu-central-1"}, "eu-central-1"),
        ({}, "us-east-1"),
    ],
)
def test_region_is_resolved_as_the_dbt_prod_target_resolves_it(environ, region):
    assert athena_region(environ) == region


def test_iam_policy_allows_every_call_ingest_makes(aws, sample_files, monkeypatch):
    """The lander's policy, docs/iam/lander-policy.json, grants each S3 and Glue action that landing and
    registering use (moto enforces no IAM, so the calls are recorded and compared with the policy's actions;
    tests/python/test_iam.py checks the resources too)."""
    calls = set()
    session = boto3.Session()
    session.events.register("before-call", lambda event_name, **_: calls.add(event_name))
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", session)
    boto3.client("s3").create_bucket(Bucket=BUCKET)
    calls.clear()

    assert land([str(path) for path in sample_files], LAKE).ok
    register(LAKE, DATABASE, first_date=date(2019, 9, 1))
    register(LAKE, DATABASE)

    policy = json.loads((PROJECT / "docs" / "iam" / "lander-policy.json").read_text())
    allowed = {action for statement in policy["Statement"] if statement["Effect"] == "Allow"
               for action in statement["Action"]}
    used = {S3_ACTIONS[operation] if service == "s3" else f"{service}:{operation}"
            for service, operation in (call.split(".")[1:] for call in calls)}
    assert {"s3:PutObject", "s3:ListBucket", "glue:CreateTable", "glue:UpdateTable"} <= used
    assert used <= allowed, used - allowed
