"""Running a query on the warehouse that holds the marts: DuckDB (dev target) or Athena (prod target).

Every failure the user can fix becomes a WarehouseError whose message says what to do; the pages show that
message instead of a traceback.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from dashboard.settings import AthenaSettings, DuckDBSettings

BUILD_COMMANDS = "`make demo` (generated sample data, end to end) or `make build` (dbt build on your lake)"


class WarehouseError(Exception):
    """A state of the warehouse the user can fix; the message says how."""


class WarehouseMissing(WarehouseError):
    pass


class MartMissing(WarehouseError):
    pass


class WarehouseBusy(WarehouseError):
    pass


class WarehouseUnreachable(WarehouseError):
    pass


class Warehouse(Protocol):
    def describe(self) -> str:
        """Where the marts are read from, for the page header."""
        ...

    def fingerprint(self) -> str:
        """Changes whenever the marts may have changed: the key under which query results are cached."""
        ...

    def query(self, sql: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        """Rows of a query written with %(name)s parameters."""
        ...


def open_warehouse(settings: DuckDBSettings | AthenaSettings) -> Warehouse:
    if isinstance(settings, AthenaSettings):
        return AthenaWarehouse(settings)
    return DuckDBWarehouse(settings.path)


def _numbers_as_floats(frame: pd.DataFrame) -> pd.DataFrame:
    """Money comes back as Decimal from some drivers: charts and formatting want floats."""
    for column in frame.columns:
        values = frame[column].dropna()
        if frame[column].dtype == object and len(values) and isinstance(values.iloc[0], Decimal):
            frame[column] = frame[column].astype(float)
    return frame


class DuckDBWarehouse:
    """The dev target's DuckDB file. Each query opens it read-only and closes it again, so the dashboard never
    holds the lock that `dbt build` needs to rewrite it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def describe(self) -> str:
        return f"DuckDB warehouse `{self.path}`"

    def fingerprint(self) -> str:
        try:
            return f"duckdb:{self.path.resolve()}:{self.path.stat().st_mtime_ns}"
        except OSError:
            return f"duckdb:{self.path.resolve()}:missing"

    def query(self, sql: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        import duckdb

        if not self.path.is_file():
            raise WarehouseMissing(
                f"There is no warehouse at `{self.path}` yet. Build it with {BUILD_COMMANDS}, then reload this "
                "page (DUCKDB_PATH says where the dashboard looks)."
            )
        try:
            connection = duckdb.connect(str(self.path), read_only=True)
        except duckdb.IOException as error:
            if "lock" in str(error).lower():
                raise WarehouseBusy(
                    f"The warehouse `{self.path}` is being written (a `dbt build` is running); reload this page "
                    "when it has finished."
                ) from None
            raise WarehouseError(f"The warehouse `{self.path}` cannot be opened: {error}") from None
        try:
            # DuckDB's named parameters are $name where the shared queries say %(name)s.
            frame = connection.execute(re.sub(r"%\((\w+)\)s", r"$\1", sql), params or {}).df()
        except duckdb.CatalogException as error:
            raise MartMissing(
                f"The warehouse `{self.path}` lacks a mart the dashboard reads ({_first_line(error)}). "
                f"Build the marts with {BUILD_COMMANDS}."
            ) from None
        finally:
            connection.close()
        return _numbers_as_floats(frame)


class AthenaWarehouse:
    """The prod target: the marts as Glue tables, queried through Athena with PyAthena."""

    def __init__(self, settings: AthenaSettings) -> None:
        self.settings = settings

    def describe(self) -> str:
        return f"Athena, schema `{self.settings.schema}` ({self.settings.region or 'default region'})"

    def fingerprint(self) -> str:
        s = self.settings
        return f"athena:{s.region}:{s.schema}:{s.work_group}:{s.s3_staging_dir}"

    def _connect(self):
        import pyathena
        from botocore.config import Config

        s = self.settings
        if not s.s3_staging_dir and not s.work_group:
            raise WarehouseUnreachable(
                "Athena cannot be queried: set ATHENA_S3_STAGING_DIR (an s3:// folder for query results) or "
                "ATHENA_WORK_GROUP (a work group with a result location), as for `dbt build --target prod`."
            )
        return pyathena.connect(
            region_name=s.region,
            s3_staging_dir=s.s3_staging_dir or "",
            schema_name=s.schema,
            work_group=s.work_group,
            # Fail within seconds when Athena cannot be reached rather than retrying for minutes.
            config=Config(connect_timeout=5, read_timeout=60, retries={"max_attempts": 2, "mode": "standard"}),
        )

    def query(self, sql: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        from botocore.exceptions import BotoCoreError, ClientError
        from pyathena.error import Error as AthenaError

        try:
            with self._connect() as connection, connection.cursor() as cursor:
                cursor.execute(sql, params or None)
                columns = [column[0] for column in cursor.description or []]
                frame = pd.DataFrame(cursor.fetchall(), columns=columns)
        except (AthenaError, BotoCoreError, ClientError) as error:
            message = _first_line(error)
            if "TABLE_NOT_FOUND" in message or "does not exist" in message:
                raise MartMissing(
                    f"Athena schema `{self.settings.schema}` lacks a mart the dashboard reads ({message}). Build "
                    "the marts with `DBT_TARGET=prod make build`, or point ATHENA_SCHEMA at the schema that has them."
                ) from None
            raise WarehouseUnreachable(
                f"Athena is unreachable or refused the query: {message}. Check the AWS credentials and "
                "ATHENA_REGION / AWS_REGION, ATHENA_S3_STAGING_DIR, ATHENA_WORK_GROUP, ATHENA_SCHEMA."
            ) from None
        return _numbers_as_floats(frame)


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]
