"""The raw REES46 format ("eCommerce behavior data from multi category store") and its typed form in the lake.

The single source of truth for column names and types: the landing, the generator and the tests read them here.
"""

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

# Types DuckDB's CSV reader casts each field to. A field that does not cast (a non-numeric id, a time in another
# format, an event_type outside the list) is a rejected row, recorded by DuckDB with its line number.
_EVENT_TYPE_ENUM = "ENUM(" + ", ".join(f"'{t}'" for t in EVENT_TYPES) + ")"
CSV_TYPES = {
    "event_time": "TIMESTAMP",
    "event_type": _EVENT_TYPE_ENUM,
    "product_id": "BIGINT",
    "category_id": "BIGINT",
    "category_code": "VARCHAR",
    "brand": "VARCHAR",
    "price": "DECIMAL(10,2)",
    "user_id": "BIGINT",
    "user_session": "VARCHAR",
}

# Columns of the Parquet files under LAKE/events/event_date=YYYY-MM-DD/ (event_date lives in the path).
# Timestamps are stored as INT64 milliseconds (TIMESTAMP_MILLIS, UTC wall time): the Parquet timestamp unit
# that Athena engine v3 and Glue read without loss; the data has whole seconds.
LAKE_TYPES = CSV_TYPES | {
    "event_time": "TIMESTAMP_MS",
    "event_type": "VARCHAR",
    "source_file": "VARCHAR",
    "landed_at": "TIMESTAMP_MS",
}
