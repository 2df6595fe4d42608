"""Where the dashboard reads the marts from. Every setting comes from the environment and is read here only.

The variables are the dbt profile's (profiles.yml): DBT_TARGET picks the target, DUCKDB_PATH is the dev target's
warehouse file, the ATHENA_* variables are the prod target's connection. Keep this module in step with the
profile's prod output.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ingest import settings as ingest_settings

DEFAULT_TARGET = "dev"
DEFAULT_DUCKDB_PATH = "data/warehouse.duckdb"
DEFAULT_ATHENA_SCHEMA = "clickstream"


@dataclass(frozen=True)
class DuckDBSettings:
    """The dev target: a DuckDB file, opened read-only."""

    path: Path


@dataclass(frozen=True)
class AthenaSettings:
    """The prod target: Athena over the Glue catalog, as dbt-athena connects to it."""

    region: str | None
    s3_staging_dir: str | None
    schema: str
    work_group: str | None


def from_environment(environ: Mapping[str, str] = os.environ) -> DuckDBSettings | AthenaSettings:
    """The warehouse of the dbt target named by DBT_TARGET (dev unless it says prod)."""
    target = environ.get("DBT_TARGET") or DEFAULT_TARGET
    if target == "prod":
        return AthenaSettings(
            region=ingest_settings.athena_region(environ),
            s3_staging_dir=environ.get("ATHENA_S3_STAGING_DIR") or None,
            schema=environ.get("ATHENA_SCHEMA") or DEFAULT_ATHENA_SCHEMA,
            work_group=environ.get("ATHENA_WORK_GROUP") or None,
        )
    return DuckDBSettings(path=Path(environ.get("DUCKDB_PATH") or DEFAULT_DUCKDB_PATH))


def dbt_project_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """The dbt project whose models define the metrics: DBT_PROJECT_DIR, else this checkout."""
    return Path(environ.get("DBT_PROJECT_DIR") or Path(__file__).resolve().parents[1])


def dbt_target_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """Where dbt writes its manifest: DBT_TARGET_PATH (as dbt reads it: relative to the project), else target/."""
    return dbt_project_dir(environ) / (environ.get("DBT_TARGET_PATH") or "target")
