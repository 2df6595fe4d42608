"""Defaults read from the environment, in one place. The dbt profiles read the same variables."""

import os
from collections.abc import Mapping
from datetime import date

from ingest.errors import IngestError
from ingest.rees46 import DEFAULT_EVENTS_FROM, DEFAULT_EVENTS_UNTIL

DEFAULT_LAKE_URI = "data/lake"
# DuckDB stops at this much memory and spills to disk: landing a 5.7 GB month fits a laptop.
DEFAULT_MEMORY_LIMIT = "2GB"
# The Glue database of the raw events table, as the dbt source on Athena names it.
DEFAULT_RAW_DATABASE = "clickstream_raw"
DEFAULT_REGION = "us-east-1"
# A landing waits this long for another one to finish with the same lake before it gives up.
DEFAULT_LOCK_WAIT = 600.0


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


def events_window(environ: Mapping[str, str] = os.environ) -> tuple[date, date]:
    """The event times `ingest land` accepts: INGEST_EVENTS_FROM (inclusive) to INGEST_EVENTS_UNTIL (exclusive),
    YYYY-MM-DD; outside it a row is quarantined."""
    window = []
    for name, default in (("INGEST_EVENTS_FROM", DEFAULT_EVENTS_FROM), ("INGEST_EVENTS_UNTIL", DEFAULT_EVENTS_UNTIL)):
        try:
            window.append(date.fromisoformat(environ[name]) if environ.get(name) else default)
        except ValueError:
            raise IngestError(f"{name}={environ[name]!r}: expected a date, YYYY-MM-DD") from None
    if window[0] >= window[1]:
        raise IngestError(f"the events window is empty: INGEST_EVENTS_FROM ({window[0]}) must be before "
                          f"INGEST_EVENTS_UNTIL ({window[1]})")
    return window[0], window[1]


def lock_wait(environ: Mapping[str, str] = os.environ) -> float:
    """How long a landing waits for another one to finish with the lake: INGEST_LOCK_WAIT seconds, default 600."""
    try:
        return float(environ.get("INGEST_LOCK_WAIT") or DEFAULT_LOCK_WAIT)
    except ValueError:
        raise IngestError(f"INGEST_LOCK_WAIT={environ['INGEST_LOCK_WAIT']!r}: expected a number of seconds") from None
