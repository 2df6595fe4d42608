"""SQL text built in Python, in one place."""


def quoted(value: str) -> str:
    """`value` as a SQL string literal (DuckDB, Athena): single quotes doubled."""
    return "'" + value.replace("'", "''") + "'"
