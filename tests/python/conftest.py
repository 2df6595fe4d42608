"""Fixtures shared by the Python tests: the real sample rows, a reader of the lake, and a moto server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

PROJECT = Path(__file__).resolve().parents[2]
# The real rows, committed with their attribution (tests/fixtures/kaggle-sample/README.md).
SAMPLE = PROJECT / "tests" / "fixtures" / "kaggle-sample"


@pytest.fixture(scope="session")
def sample_files() -> list[Path]:
    """The real rows: the head of October 2019 (5,019 rows), then of November 2019 (683 rows)."""
    files = [SAMPLE / "2019-Oct_head_5019rows.csv", SAMPLE / "2019-Nov_head_683rows.csv"]
    assert all(f.exists() for f in files), f"the real sample rows are missing from {SAMPLE}"
    return files


def dev_environment(work: Path, lake: Path | str, warehouse: Path | str) -> dict[str, str]:
    """This process's environment without any dbt, AWS or Athena setting of the person running the tests, for
    the dev target on this lake and DuckDB warehouse, with dbt's target and log folders in `work` (one target
    folder per environment, so that dbt parses the project once: partial parsing)."""
    environ = {key: value for key, value in os.environ.items() if not key.startswith(("DBT_", "AWS_", "ATHENA_"))}
    environ.update(LAKE_URI=str(lake), DUCKDB_PATH=str(warehouse), DBT_TARGET="dev", DBT_PROFILES_DIR=str(PROJECT),
                   DBT_TARGET_PATH=str(work / "target"), DBT_LOG_PATH=str(work / "logs"))
    return environ


class ClockADayBehind(datetime):
    """The clock of a machine a day behind the one that landed before it (or of this one, set back): put in place
    of `ingest.land.datetime`."""

    @classmethod
    def now(cls, tz=None):
        return datetime.now(tz) - timedelta(days=1)


def read_lake(lake: Path | str) -> duckdb.DuckDBPyRelation:
    """Everything a reader sees in a local lake, with event_date from the partition path."""
    return duckdb.sql(
        f"select * from read_parquet('{lake}/events/*/*.parquet', hive_partitioning = true, "
        "hive_types = {'event_date': date})"
    )


def lake_files(lake: Path) -> list[str]:
    """Every file a reader could see (the events), relative to the lake."""
    return sorted(str(p.relative_to(lake)) for p in (lake / "events").rglob("*") if p.is_file())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def moto_server():
    """A moto server on 127.0.0.1 standing in for S3 (and Glue, Athena); its endpoint URL."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1)  # noqa: S310 - loopback only
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("the moto server did not start") from None
            time.sleep(0.2)
    yield endpoint
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def aws(moto_server, monkeypatch):
    """Point boto3 (and so `ingest land s3://...`) at the moto server with dummy credentials."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    urllib.request.urlopen(urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST"))
    return moto_server


@pytest.fixture
def clean_env(monkeypatch):
    monkeypatch.delenv("LAKE_URI", raising=False)
    return os.environ


def _dbt_build(env: dict[str, str], *args: str) -> None:
    result = subprocess.run([str(Path(sys.executable).parent / "dbt"), "build", *args], cwd=PROJECT, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]


@pytest.fixture(scope="session")
def sample_build(sample_files, tmp_path_factory) -> dict[str, Path]:
    """The real sample landed and built once for the whole session (the dashboard's tests and the pinned figures
    of the marts read it): the warehouse file and dbt's target folder. October is landed and built up to the
    product snapshot first, then November landed and everything built, so that the snapshot keeps the product
    attributes that changed between the two loads."""
    root = tmp_path_factory.mktemp("sample_build")
    lake, warehouse, target = root / "lake", root / "warehouse.duckdb", root / "target"
    env = {
        **os.environ, "DBT_TARGET": "dev", "LAKE_URI": str(lake), "DUCKDB_PATH": str(warehouse),
        "DBT_PROFILES_DIR": str(PROJECT), "DBT_TARGET_PATH": str(target), "DBT_LOG_PATH": str(root / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    october, november = sample_files
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(PROJECT))
        from ingest.land import land

        assert land([str(october)], str(lake)).ok
        _dbt_build(env, "--select", "+products_snapshot")
        assert land([str(november)], str(lake)).ok
        _dbt_build(env)
    return {"warehouse": warehouse, "target": target}


@pytest.fixture(scope="session")
def sample_warehouse(sample_build) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the session's warehouse of the sample."""
    with duckdb.connect(str(sample_build["warehouse"]), read_only=True) as connection:
        yield connection


@pytest.fixture(scope="module")
def raw(sample_files) -> duckdb.DuckDBPyConnection:
    """The sample's CSV rows as text with exact duplicates removed (as staging does), the independent side of every
    comparison with the marts: `raw`; `events`, the same with the price as an amount, the month and the segments
    ('unknown' for none); `purchases`, its purchases. A module adds its own tables by overriding this fixture."""
    connection = duckdb.connect()
    connection.execute(
        "create table raw as select distinct * from read_csv(?, header = true, all_varchar = true)",
        [[str(f) for f in sample_files]],
    )
    connection.execute(
        """
        create table events as
        select
            *,
            cast(price as decimal(10, 2)) as amount,
            strftime(cast(event_time[:10] as date), '%Y-%m') as month,
            coalesce(nullif(brand, ''), 'unknown') as brand_or_unknown,
            coalesce(nullif(split_part(category_code, '.', 1), ''), 'unknown') as category_or_unknown
        from raw
        """
    )
    connection.execute("create table purchases as select * from events where event_type = 'purchase'")
    yield connection
    connection.close()
