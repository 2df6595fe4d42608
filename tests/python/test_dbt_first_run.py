"""The first-run failures a newcomer can hit with dbt, each one line that says what to do.

- the prod target with no ATHENA_* settings: profiles.yml names the missing variable and docs/aws.md;
- the prod target with no AWS credentials: dbt-athena calls Glue before any project macro runs (docs/aws.md), so
  `make build` and `make daily` (through `make check-prod`) say it first, instead of a botocore traceback;
- a thread count that is not a whole number of 1 or more (DUCKDB_THREADS, ATHENA_THREADS): the variable named;
- `dbt build` on the dev target before anything is landed: an on-run-start check instead of DuckDB's
  "No files found".
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT

BIN = Path(sys.executable).parent
NO_CREDENTIALS = ("no AWS credentials for the prod target: set AWS_PROFILE (or AWS_ACCESS_KEY_ID and "
                  "AWS_SECRET_ACCESS_KEY), or run aws sso login; docs/aws.md lists the permissions")


def _environment(work: Path, **extra: str) -> dict[str, str]:
    """This process's environment without any AWS, Athena, dbt or lake setting, and with no AWS credentials
    anywhere boto3 would look for them (files, instance metadata)."""
    environ = {key: value for key, value in os.environ.items()
               if not key.startswith(("AWS_", "ATHENA_", "DBT_")) and key not in ("LAKE_URI", "DUCKDB_PATH")}
    return {
        **environ,
        "AWS_CONFIG_FILE": str(work / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(work / "no-aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "DBT_PROFILES_DIR": str(PROJECT),
        "DBT_LOG_PATH": str(work / "logs"),
        "DBT_TARGET_PATH": str(work / "target"),
        **extra,
    }


def _run(command: list[str], environ: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=PROJECT, env=environ, capture_output=True, text=True, timeout=600)


def test_prod_without_settings_names_the_variable_and_the_docs(tmp_path):
    done = _run([str(BIN / "dbt"), "--no-use-colors", "build", "--target", "prod"], _environment(tmp_path))
    assert done.returncode != 0
    output = done.stdout + done.stderr
    assert ("Env var required but not provided: 'ATHENA_S3_DATA_DIR: set it to the S3 folder for the prod "
            "tables, e.g. s3://bucket/tables/ (docs/aws.md)'") in output
    assert "Traceback" not in output


@pytest.mark.parametrize("target, variable", [("dev", "DUCKDB_THREADS"), ("prod", "ATHENA_THREADS")])
@pytest.mark.parametrize("value", ["0", "-2", "two"])
def test_threads_that_are_not_a_count_name_the_variable(tmp_path, target, variable, value):
    settings = {variable: value, "ATHENA_S3_DATA_DIR": "s3://clickstream-warehouse/tables/"}
    done = _run([str(BIN / "dbt"), "--no-use-colors", "debug", "--target", target], _environment(tmp_path, **settings))
    assert done.returncode != 0
    output = done.stdout + done.stderr
    assert (f"Env var required but not provided: '{variable}: set it to the number of models to build at once, "
            "1 or more'") in output
    assert "Traceback" not in output


@pytest.mark.parametrize("value, threads", [("1", 1), ("3", 3), ("", 2)])
def test_threads_of_the_dev_target_come_from_the_environment(tmp_path, value, threads):
    environ = _environment(tmp_path, DUCKDB_THREADS=value, DUCKDB_PATH=str(tmp_path / "warehouse.duckdb"))
    done = _run([str(BIN / "dbt"), "--no-use-colors", "seed", "--select", "iso_weekdays"], environ)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Concurrency: {threads} threads (target='dev')" in done.stdout


def test_prod_without_credentials_is_one_line(tmp_path, moto_server):
    settings = {"ATHENA_S3_DATA_DIR": "s3://clickstream-warehouse/tables/", "AWS_ENDPOINT_URL": moto_server}
    done = _run(["make", "--no-print-directory", "check-prod"], _environment(tmp_path, **settings))
    assert done.returncode != 0
    assert done.stdout.splitlines() == [NO_CREDENTIALS]
    assert "Traceback" not in done.stderr
    # With (moto's dummy) credentials the check passes and stays silent.
    credentials = {"AWS_ACCESS_KEY_ID": "testing",
                   "AWS_SECRET_ACCESS_KEY": "testing"}  # pragma: allowlist secret (moto's dummy value)
    done = _run(["make", "--no-print-directory", "check-prod"], _environment(tmp_path, **settings, **credentials))
    assert (done.returncode, done.stdout) == (0, "")


@pytest.mark.parametrize("target", ["build", "daily"])
def test_prod_build_without_credentials_stops_before_dbt(tmp_path, moto_server, target):
    """What the README sends prod users to: the check runs first, and dbt (and so Glue) is never called."""
    settings = {"DBT_TARGET": "prod", "ATHENA_S3_DATA_DIR": "s3://clickstream-warehouse/tables/",
                "AWS_ENDPOINT_URL": moto_server}
    # --assume-old: never reinstall .venv from a test, whatever the time stamps say.
    command = ["make", "--no-print-directory", "--assume-old=.venv/.installed", target, f"DROP={tmp_path}"]
    done = _run(command, _environment(tmp_path, **settings))
    assert done.returncode != 0
    assert done.stdout.splitlines() == [NO_CREDENTIALS]
    assert "Traceback" not in done.stderr and "Running with dbt" not in done.stdout + done.stderr


def test_prod_check_without_settings_is_one_line(tmp_path):
    done = _run(["make", "--no-print-directory", "check-prod"], _environment(tmp_path))
    assert done.returncode != 0
    assert done.stdout.splitlines() == [
        "ATHENA_S3_DATA_DIR is not set: set it to the S3 folder for the prod tables (docs/aws.md)"
    ]


def test_build_before_landing_says_to_land_first(tmp_path):
    lake = tmp_path / "lake"
    lake.mkdir()
    environ = _environment(tmp_path, LAKE_URI=str(lake), DUCKDB_PATH=str(tmp_path / "warehouse.duckdb"))
    done = _run([str(BIN / "dbt"), "--no-use-colors", "build"], environ)
    assert done.returncode != 0
    output = done.stdout + done.stderr
    assert (f"no events in the lake at {lake}: land data first with `ingest land SRC` (LAKE_URI={lake}) "
            "or run `make demo`") in output
    assert "No files found" not in output and "Traceback" not in output
