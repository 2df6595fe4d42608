"""Defaults read from the environment, in one place. The dbt profiles read the same variables."""

import os

DEFAULT_LAKE_URI = "data/lake"
# DuckDB stops at this much memory and spills to disk: landing a 5.7 GB month fits a laptop.
DEFAULT_MEMORY_LIMIT = "2GB"


def lake_uri(explicit: str | None = None) -> str:
    """The lake to land into: --lake, else LAKE_URI, else data/lake."""
    return explicit or os.environ.get("LAKE_URI") or DEFAULT_LAKE_URI


def memory_limit() -> str:
    return os.environ.get("INGEST_MEMORY_LIMIT") or DEFAULT_MEMORY_LIMIT
