"""Defaults read from the environment, in one place. The dbt profiles read the same variables."""

import os
from collections.abc import Mapping

DEFAULT_LAKE_URI = "data/lake"
# DuckDB stops at this much memory and spills to disk: landing a 5.7 GB month fits a laptop.
DEFAULT_MEMORY_LIMIT = "2GB"
# The Glue database of the raw events table, as the dbt source on Athena names it.
DEFAULT_RAW_DATABASE = "clickstream_raw"
DEFAULT_REGION = "us-east-1"


def lake_uri(explicit: str | None = None) -> str:
    """The lake to land into: --lake, else LAKE_URI, else data/lake."""
    return explicit or os.environ.get("LAKE_URI") or DEFAULT_LAKE_URI


def memory_limit() -> str:
    return os.environ.get("INGEST_MEMORY_LIMIT") or DEFAULT_MEMORY_LIMIT


def raw_database(environ: Mapping[str, str] = os.environ) -> str:
    """The Glue database of the raw table: ATHENA_RAW_DATABASE, else clickstream_raw (as the dbt source)."""
    return environ.get("ATHENA_RAW_DATABASE") or DEFAULT_RAW_DATABASE


def athena_region(environ: Mapping[str, str] = os.environ) -> str:
    """The AWS region of Athena and the Glue catalog, resolved as the dbt prod target resolves it, so that the
    registration, dbt and the dashboard all look in the same one."""
    return (environ.get("ATHENA_REGION") or environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION")
            or DEFAULT_REGION)
