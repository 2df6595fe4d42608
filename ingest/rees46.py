"""The raw REES46 format ("eCommerce behavior data from multi category store"), its rules, and its typed form in
the lake.

The single source of truth for column names, types and what a valid value is: the landing, the profiler, the
generator and the tests read them here.

Quoting: REES46 fields never contain commas, quotes or line breaks, so a line is read as exactly one row (no
quote character), and a line that has a `"` anywhere is quarantined: its fields cannot be trusted. Every field is
read as text and checked here; a value is landed only when its text is exactly the canonical form of the typed
value (no rounding, no other notation), otherwise its line is quarantined with the first rule it breaks.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from ingest.sql import quoted

RAW_COLUMNS = (
    "event_time",
    "event_type",
    "product_id",
    "category_id",
    "category_code",
    "brand",
    "price",
    "user_id",
    "user_session",
)
HEADER = ",".join(RAW_COLUMNS)
TIME_FORMAT = "%Y-%m-%d %H:%M:%S UTC"
EVENT_TYPES = ("view", "cart", "remove_from_cart", "purchase")
ID_COLUMNS = ("product_id", "category_id", "user_id")
TEXT_COLUMNS = ("category_code", "brand", "user_session")
# The event times accepted by default: the dataset's real years (2019-2020) with a wide margin, and not the
# 0001, 1970 or 2100 of a broken clock. Settable: INGEST_EVENTS_FROM, INGEST_EVENTS_UNTIL (ingest/settings.py).
DEFAULT_EVENTS_FROM = date(2010, 1, 1)
DEFAULT_EVENTS_UNTIL = date(2031, 1, 1)

# Columns of the Parquet files under LAKE/events/event_date=YYYY-MM-DD/ (event_date lives in the path).
# Timestamps are stored as INT64 milliseconds (TIMESTAMP_MILLIS, UTC wall time): the Parquet timestamp unit
# that Athena engine v3 and Glue read without loss; the data has whole seconds.
LAKE_TYPES = {
    "event_time": "TIMESTAMP_MS",
    "event_type": "VARCHAR",
    "product_id": "BIGINT",
    "category_id": "BIGINT",
    "category_code": "VARCHAR",
    "brand": "VARCHAR",
    "price": "DECIMAL(10,2)",
    "user_id": "BIGINT",
    "user_session": "VARCHAR",
    "source_file": "VARCHAR",
    "landed_at": "TIMESTAMP_MS",
}

# The canonical text of a price (RE2, matched whole): decimal(10,2), at most 8 digits before the point and 2
# after. Ids and times are checked by a round trip instead (parsed, printed back, compared with the text), which is
# exact and cheaper than a pattern.
_PRICE = r"(0|[1-9][0-9]{0,7})(\.[0-9]{1,2})?"
_NEGATIVE_NUMBER = r"-[0-9]+(\.[0-9]+)?"


def read_raw(path: Path, rejects: str) -> str:
    """DuckDB's read of a raw file: every field as text, a line a row. Lines with the wrong number of fields or
    invalid UTF-8 are not rows: DuckDB records them, with their line numbers, in the table `{rejects}_errors`.
    `path` must be a name DuckDB will not expand as a pattern."""
    columns = ", ".join(f"{quoted(column)}: 'VARCHAR'" for column in RAW_COLUMNS)
    return (
        f"read_csv({quoted(str(path))}, header = true, auto_detect = false, delim = ',', quote = '', escape = '', "
        f"strict_mode = true, columns = {{{columns}}}, store_rejects = true, "
        f"rejects_table = '{rejects}_errors', rejects_scan = '{rejects}_scans')"
    )


def parsed(raw: str, events_from: date, events_until: date) -> str:
    """A query over `raw` (text fields, from read_raw): its fields, `broken` (NULL for a valid row, else the first
    rule the row breaks) and the typed value of each field that parses (`<column>_value`)."""
    example = datetime(2019, 10, 1, 0, 0, 4).strftime(TIME_FORMAT)
    checks = [
        (" or ".join(f"contains({c}, '\"')" for c in TEXT_COLUMNS),
         'has a double quote (") in a field: REES46 fields never do, so its fields cannot be trusted'),
        (" or ".join(f"contains({c}, chr(0))" for c in TEXT_COLUMNS), "has a NUL byte in a field"),
        ("event_time is null", "event_time is missing"),
        (f"event_time_value is null or strftime(event_time_value, {quoted(TIME_FORMAT)}) != event_time",
         f"event_time is not a time like {example}"),
        (f"event_time_value < {quoted(events_from.isoformat())}::timestamp "
         f"or event_time_value >= {quoted(events_until.isoformat())}::timestamp",
         f"event_time is outside the accepted window [{events_from}, {events_until}) "
         "(INGEST_EVENTS_FROM, INGEST_EVENTS_UNTIL)"),
        (f"event_type is null or event_type not in ({', '.join(quoted(t) for t in EVENT_TYPES)})",
         f"event_type is missing or not one of {', '.join(EVENT_TYPES)}"),
        *((f"{c} is null", f"{c} is missing") for c in ID_COLUMNS),
        *((f"{c}_value is null or {c}_value < 0 or {c}_value::varchar != {c}",
           f"{c} is not a plain integer (digits only, no sign, leading zero, exponent or decimals, fits bigint)")
          for c in ID_COLUMNS),
        ("price is null", "price is missing"),
        (f"regexp_full_match(price, {quoted(_NEGATIVE_NUMBER)})", "price is negative"),
        (f"not regexp_full_match(price, {quoted(_PRICE)})",
         "price is not a plain decimal with at most 8 digits before the point and 2 after"),
    ]
    whens = "\n".join(f"                when {condition} then {quoted(reason)}" for condition, reason in checks)
    # Most rows break no rule: one test of all the rules at once decides that, and only the others are taken
    # through the rules one by one for their reason.
    any_broken = " or ".join(f"coalesce({condition}, false)" for condition, _ in checks)
    values = ", ".join([f"try_strptime(event_time, {quoted(TIME_FORMAT)}) as event_time_value",
                        *(f"try_cast({c} as bigint) as {c}_value" for c in ID_COLUMNS)])
    return f"""
        select
            case when {any_broken} then case
{whens}
            end end as broken,
            *
        from (select *, {values} from {raw})
    """


def typed_columns() -> str:
    """The lake's columns of a row of `parsed`; exact for a row that broke no rule (no cast can round)."""
    values = {"event_time": "event_time_value", **{c: f"{c}_value" for c in ID_COLUMNS},
              "price": "try_cast(price as decimal(10, 2))"}
    return ",\n".join(f"{values.get(c, c)}::{LAKE_TYPES[c]} as {c}" for c in RAW_COLUMNS)


def raw_line() -> str:
    """The line as it was in the file, rebuilt from its fields (exact: no quoting, an empty field is NULL)."""
    return " || ',' || ".join(f"coalesce({c}, '')" for c in RAW_COLUMNS)
