"""The IAM policies of docs/iam/: one per role (the lander, dbt, the dashboard), each denying plain HTTP, each
granting only what its role does. The lander's is checked against the calls `ingest land` and `ingest
register-athena` make on a moto server, resource by resource (moto enforces no IAM)."""

from __future__ import annotations

import json
import sys
from datetime import date
from fnmatch import fnmatchcase

import boto3
import pytest
from conftest import PROJECT

from ingest.cli import main
from ingest.glue import register
from ingest.land import land

POLICIES = PROJECT / "docs" / "iam"
ROLES = ("lander", "dbt", "dashboard")
BUCKET = "clickstream-lake"
LAKE = f"s3://{BUCKET}/raw"
# The S3 operations boto3 sends, by the IAM action that authorises each.
S3_ACTIONS = {
    "ListObjectsV2": "s3:ListBucket", "PutObject": "s3:PutObject", "CreateMultipartUpload": "s3:PutObject",
    "UploadPart": "s3:PutObject", "CompleteMultipartUpload": "s3:PutObject",
    "AbortMultipartUpload": "s3:AbortMultipartUpload", "GetObject": "s3:GetObject", "HeadObject": "s3:GetObject",
    "DeleteObject": "s3:DeleteObject", "HeadBucket": "s3:ListBucket",
}


def policy(role: str) -> dict:
    return json.loads((POLICIES / f"{role}-policy.json").read_text())


def allows(role: str) -> list[dict]:
    return [statement for statement in policy(role)["Statement"] if statement["Effect"] == "Allow"]


def listed(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


def granted(role: str, action: str) -> list[str]:
    """The resources on which `role` may do `action`."""
    return [resource for statement in allows(role) if action in listed(statement["Action"])
            for resource in listed(statement["Resource"])]


@pytest.mark.parametrize("role", ROLES)
def test_every_role_denies_plain_http(role):
    denials = [statement for statement in policy(role)["Statement"] if statement["Effect"] == "Deny"]
    assert {"Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}} in [
        {key: statement[key] for key in ("Action", "Resource", "Condition")} for statement in denials]


def test_only_the_lander_writes_the_lake_and_only_its_own_prefixes():
    lake_writes = {"s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"}
    for action in lake_writes:
        assert not [r for r in granted("dashboard", action) if r.startswith("arn:aws:s3:::LAKE_BUCKET")], action
        # dbt's build holds the lake's lock (`ingest locked`), so that no landing publishes while it reads.
        assert [r for r in granted("dbt", action) if r.startswith("arn:aws:s3:::LAKE_BUCKET")] in (
            [], ["arn:aws:s3:::LAKE_BUCKET/raw/_lock"]), action
    prefixes = ("events/*", "_quarantine/*", "_manifest/*", "_pending/*", "_staging/*", "_latest_landing.json", "_lock")
    for action in lake_writes | {"s3:GetObject"}:
        for resource in granted("lander", action):
            assert resource in {f"arn:aws:s3:::LAKE_BUCKET/raw/{prefix}" for prefix in prefixes}, resource
    assert "arn:aws:s3:::LAKE_BUCKET/raw/_lock" in granted("lander", "s3:DeleteObject"), "the lock is released"
    assert not [r for r in granted("lander", "s3:DeleteObject") if "_manifest" in r], "a landed file stays recorded"
    # Each landing stamps its files after the lake's latest landing, which it reads and then moves forward.
    assert "arn:aws:s3:::LAKE_BUCKET/raw/_latest_landing.json" in set(granted("lander", "s3:GetObject")) & set(
        granted("lander", "s3:PutObject"))
    assert not [s for s in allows("lander") for a in listed(s["Action"]) if a.startswith("athena:")]


def test_dbt_reads_only_the_events_and_the_lock_of_the_lake():
    assert granted("dbt", "s3:GetObject").count("arn:aws:s3:::LAKE_BUCKET/raw/events/*") == 1
    assert [r for r in granted("dbt", "s3:GetObject") if r.startswith("arn:aws:s3:::LAKE_BUCKET/raw/_")] == [
        "arn:aws:s3:::LAKE_BUCKET/raw/_lock"]


def test_the_dashboard_only_reads_apart_from_athenas_query_results():
    writes = [(action, resource) for statement in allows("dashboard") for action in listed(statement["Action"])
              for resource in listed(statement["Resource"])
              if action.startswith("glue:") and not action.startswith("glue:Get")
              or action in {"s3:PutObject", "s3:DeleteObject"} and not resource.startswith("arn:aws:s3:::RESULTS_")]
    assert writes == []
    assert granted("dashboard", "s3:GetObject") == ["arn:aws:s3:::WAREHOUSE_BUCKET", "arn:aws:s3:::WAREHOUSE_BUCKET/*",
                                                    "arn:aws:s3:::RESULTS_BUCKET", "arn:aws:s3:::RESULTS_BUCKET/*"]


@pytest.fixture
def calls(aws, monkeypatch) -> list[tuple[str, dict]]:
    """Every AWS call boto3 makes from here on (against moto, the lake's bucket created), with its parameters."""
    made = []
    session = boto3.Session()
    session.events.register("before-parameter-build",
                            lambda event_name, params, **_: made.append((event_name, params)))
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", session)
    boto3.client("s3").create_bucket(Bucket=BUCKET)
    made.clear()
    return made


def test_the_lander_policy_grants_each_call_on_its_resource(calls, sample_files):
    """Every S3 call of a landing (twice: the second finds everything landed) and of the Glue registration, with
    the bucket and key it names, is allowed by a statement of the lander's policy, conditions included."""
    assert land([str(path) for path in sample_files], LAKE).ok
    assert land([str(path) for path in sample_files], LAKE).ok
    register(LAKE, "clickstream_raw", first_date=date(2019, 9, 1))

    s3_calls = _s3_calls(calls)
    assert {operation for operation, _ in s3_calls} >= {"PutObject", "ListObjectsV2"}
    _assert_allowed("lander", s3_calls)
    glue_actions = {f"glue:{name.split('.')[2]}" for name, _ in calls if name.split(".")[1] == "glue"}
    assert glue_actions <= set(a for s in allows("lander") for a in listed(s["Action"]) if a.startswith("glue:"))


def test_the_dbt_policy_grants_the_lock_a_build_holds(calls):
    """`ingest locked -- dbt build` (make build on the prod target): every S3 call it makes on the lake, to take
    the lock, look for a killed landing's journal and release the lock, is allowed by dbt's policy."""
    assert main(["locked", "--lake", LAKE, "--", sys.executable, "-c", "pass"]) == 0

    s3_calls = _s3_calls(calls)
    assert {operation for operation, _ in s3_calls} >= {"PutObject", "ListObjectsV2", "DeleteObject"}
    _assert_allowed("dbt", s3_calls)


def _s3_calls(calls: list[tuple[str, dict]]) -> list[tuple[str, dict]]:
    return [(name.split(".")[2], params) for name, params in calls if name.split(".")[1] == "s3"]


def _assert_allowed(role: str, s3_calls: list[tuple[str, dict]]) -> None:
    """Each call, with the bucket and key it names, is allowed by a statement of the role's policy, conditions
    included."""
    for operation, params in s3_calls:
        action = S3_ACTIONS[operation]
        bucket_arn = f"arn:aws:s3:::{params['Bucket']}".replace(BUCKET, "LAKE_BUCKET")
        matching = [
            statement for statement in allows(role) if action in listed(statement["Action"])
            and any(fnmatchcase(f"{bucket_arn}/{params['Key']}" if "Key" in params else bucket_arn, resource)
                    for resource in listed(statement["Resource"]))
            and all(any(fnmatchcase(params.get("Prefix", ""), pattern) for pattern in patterns)
                    for patterns in statement.get("Condition", {}).get("StringLike", {}).values())
        ]
        assert matching, f"{operation} {params.get('Key') or params.get('Prefix')}: not allowed by the {role} policy"
