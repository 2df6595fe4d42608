"""`ingest profile`: the figures that describe a clickstream, beside the real October 2019 ones.

Works on a lake folder (the Parquet files under events/) or on a REES46 CSV file (.csv or .csv.gz), generated or
real; every figure is one DuckDB query. The real figures are those of docs/dataset.md section 2; where
only November or the two months together are known, the text says so.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import duckdb

from ingest import settings
from ingest.errors import IngestError
from ingest.lake import EVENTS
from ingest.rees46 import DEFAULT_EVENTS_FROM, DEFAULT_EVENTS_UNTIL, RAW_COLUMNS, parsed, read_raw, typed_columns
from ingest.sources import check_header
from ingest.sql import quoted

Figures = dict[str, float | int | str | None]

_OVERVIEW = """
    select
        count(*) as events,
        count(distinct event_time::date) as days,
        min(event_time)::varchar as first_event,
        max(event_time)::varchar as last_event,
        100 * count_if(event_type = 'view') / count(*) as view_pct,
        100 * count_if(event_type = 'cart') / count(*) as cart_pct,
        100 * count_if(event_type = 'remove_from_cart') / count(*) as remove_from_cart_pct,
        100 * count_if(event_type = 'purchase') / count(*) as purchase_pct,
        count(distinct user_id) as users,
        count(distinct user_session) as sessions,
        count(user_session) / count(distinct user_session) as events_per_session,
        count(distinct user_session) / count(distinct user_id) as sessions_per_user,
        count(distinct product_id) as products,
        count(distinct category_id) as category_ids,
        count(distinct category_code) as category_codes,
        count(distinct brand) as brands,
        100 * count_if(category_code is null) / count(*) as empty_category_code_pct,
        100 * count_if(brand is null) / count(*) as empty_brand_pct,
        count_if(user_session is null) as empty_session_rows,
        min(price)::double as price_min,
        max(price)::double as price_max,
        avg(price)::double as price_mean,
        100 * count_if(price = 0) / count(*) as zero_price_pct
    from events
"""
_DUPLICATES = """
    select 100 * (count(*) - (select count(*) from (select distinct * from events))) / count(*) as duplicate_pct
    from events
"""
# Purchases count after exact duplicates are removed (DATASET.md section 3); revenue is theirs.
_PURCHASES = "create temp table purchases as select distinct * from events where event_type = 'purchase'"
_REVENUE = """
    with
    by_brand as (
        select brand, sum(price)::double as revenue,
            row_number() over (order by sum(price) desc, brand) as rank
        from purchases
        where brand is not null
        group by brand
    ),
    by_category as (
        select split_part(category_code, '.', 1) as category, sum(price)::double as revenue,
            row_number() over (order by sum(price) desc, category) as rank
        from purchases
        where category_code is not null
        group by category
    ),
    totals as (
        select count(*) as purchases, sum(price)::double as revenue from purchases
    )
    select
        totals.purchases,
        totals.revenue,
        (select brand from by_brand where rank = 1) as top_brand,
        100 * (select revenue from by_brand where rank = 1) / totals.revenue as top_brand_revenue_pct,
        100 * (select sum(revenue) from by_brand where rank <= 5) / totals.revenue as top5_brands_revenue_pct,
        (select category from by_category where rank = 1) as top_category,
        100 * (select revenue from by_category where rank = 1) / totals.revenue as top_category_revenue_pct
    from totals
"""
_BUYERS = """
    select count(*) as buyers, 100 * count_if(purchases > 1) / count(*) as repeat_buyers_pct
    from (select user_id, count(*) as purchases from purchases group by user_id)
"""
_WITHOUT_CART = """
    select 100 * count_if(carted.user_session is null) / count(*) as purchases_without_cart_pct
    from purchases
    left join (select distinct user_session from events where event_type = 'cart') as carted
        on purchases.user_session = carted.user_session
"""
_SHARED_SESSIONS = """
    select count(*) as sessions_with_two_users
    from (
        select user_session from events where user_session is not null
        group by user_session having count(distinct user_id) > 1
    )
"""
_PRODUCTS = """
    select
        count_if(brands > 1) as products_with_two_brands,
        100 * count_if(prices > 1) / count(*) as products_with_two_prices_pct
    from (
        select product_id, count(distinct brand) as brands, count(distinct price) as prices
        from events group by product_id
    )
"""


def measure(data: str) -> Figures:
    """Every figure of the profile, by name, for a lake folder or a REES46 CSV file."""
    # Past the memory limit DuckDB spills to a folder of its own, removed afterwards.
    with duckdb.connect() as con, tempfile.TemporaryDirectory(prefix="ingest-profile-") as spill:
        con.execute(f"set memory_limit = '{settings.memory_limit()}'")
        con.execute(f"set temp_directory = {quoted(spill)}")
        _load(con, data)
        figures: Figures = {}
        for sql in (_OVERVIEW, _DUPLICATES):
            figures |= _one_row(con, sql)
        if figures["events"] == 0:
            raise IngestError(f"{data}: holds no events")
        con.execute(_PURCHASES)
        for sql in (_REVENUE, _BUYERS, _WITHOUT_CART, _SHARED_SESSIONS, _PRODUCTS):
            figures |= _one_row(con, sql)
    figures["purchases_per_day"] = figures["purchases"] / figures["days"]
    return figures


def _one_row(con: duckdb.DuckDBPyConnection, sql: str) -> Figures:
    cursor = con.execute(sql)
    names = [column[0] for column in cursor.description]
    return dict(zip(names, cursor.fetchone(), strict=True))


def _load(con: duckdb.DuckDBPyConnection, data: str) -> None:
    """`events`: the raw columns, NULL where the CSV has an empty field."""
    path = Path(data)
    columns = ", ".join(RAW_COLUMNS)
    if data.startswith("s3://"):
        raise IngestError(f"{data}: profile reads local data; for an S3 lake, sync events/ to a local folder "
                          "(aws s3 sync) and profile that")
    if path.is_dir():
        files = path / EVENTS / "event_date=*" / "*.parquet"
        if not any(path.glob(f"{EVENTS}/event_date=*/*.parquet")):
            raise IngestError(f"{data}: not a lake, no Parquet files under {EVENTS}/event_date=*/ "
                              "(land data into it with `ingest land`)")
        con.execute(f"create view events as select {columns} from read_parquet({quoted(str(files))})")
    elif path.is_file() and path.name.lower().endswith((".csv", ".csv.gz")):
        check_header(path, data)
        try:
            # One read of the file, by the landing's own rules: every figure scans the table again.
            con.execute(f"""
                create temp table parsed as
                {parsed(read_raw(path, "profile"), DEFAULT_EVENTS_FROM, DEFAULT_EVENTS_UNTIL)}
            """)
            bad = con.execute("select (select count(*) from parsed where broken is not null)"
                              " + (select count(distinct line) from profile_errors)").fetchone()[0]
        except duckdb.Error as error:
            bad, detail = None, str(error).splitlines()[0]
        if bad != 0:
            detail = f"{bad:,} lines break its rules" if bad else detail
            raise IngestError(f"{data}: not a clean REES46 CSV ({detail}); land it with `ingest land`, which sets "
                              "bad rows aside, and profile the lake")
        con.execute(f"create temp table events as select {typed_columns()} from parsed")
    elif path.exists():
        raise IngestError(f"{data}: neither a lake folder nor a .csv or .csv.gz file")
    else:
        raise IngestError(f"{data}: no such file or folder")



# --- The printed table ------------------------------------------------------------------------------------------

def _share_of(label: str, name: str) -> Callable[[Figures], str]:
    return lambda f: "-" if f[label] is None else f"{f[label]} {f[name]:.1f} %"


def _money(f: Figures) -> str:
    value = f["revenue"]
    if value is None:
        return "$0"
    return f"${value / 1e6:,.1f}M" if value >= 1e6 else f"${value:,.0f}"


# Each row: its label, how the figure is shown (a format over the figures, or a function where one may be
# missing), and the real October 2019 figure beside it.
_ROWS: tuple[tuple[str, str | Callable[[Figures], str], str], ...] = (
    ("events", "{events:,}", "42,448,764"),
    ("days (first - last event)", "{days} ({first_event:.10} - {last_event:.10})", "31 (2019-10-01 - 2019-10-31)"),
    ("view share", "{view_pct:.2f} %", "96.07 %"),
    ("cart share", "{cart_pct:.2f} %", "2.18 % (Nov 4.5 %)"),
    ("remove_from_cart share", "{remove_from_cart_pct:.2f} %", "0 % (documented, absent)"),
    ("purchase share", "{purchase_pct:.2f} %", "1.75 % (Nov 1.36 %)"),
    ("distinct users", "{users:,}", "3,022,290"),
    ("distinct sessions", "{sessions:,}", "9,244,422"),
    ("events per session", "{events_per_session:,.2f}", "4.59 (Nov 4.9)"),
    ("sessions per user", "{sessions_per_user:,.2f}", "3.06"),
    ("distinct products", "{products:,}", "166,794"),
    ("distinct category_id / category_code", "{category_ids:,} / {category_codes:,}", "624 / 127"),
    ("distinct brands", "{brands:,}", "3,446"),
    ("empty category_code", "{empty_category_code_pct:.2f} %", "31.84 %"),
    ("empty brand", "{empty_brand_pct:.2f} %", "14.40 %"),
    ("rows with an empty user_session", "{empty_session_rows:,}", "2"),
    ("price min / max", "{price_min:,.2f} / {price_max:,.2f}", "0.00 / 2,574.07"),
    ("price mean", "{price_mean:,.2f}", "290.32"),
    ("rows at price 0.00", "{zero_price_pct:.2f} %", "0.16 % (68,673)"),
    ("exact duplicate rows", "{duplicate_pct:.2f} %", "0.05 % in the first 1M (Nov 0.15 %)"),
    ("purchases (deduplicated) per day", "{purchases_per_day:,.0f}", "~24,000"),
    ("revenue", _money, "$234M"),
    ("top brand, share of revenue", _share_of("top_brand", "top_brand_revenue_pct"), "apple 45 % (2 months)"),
    ("top 5 brands, share of revenue", "{top5_brands_revenue_pct:.2f} %", "72 % (2 months)"),
    ("top category, share of revenue", _share_of("top_category", "top_category_revenue_pct"),
     "electronics 76 % (2 months)"),
    ("buyers", "{buyers:,}", "697,470 (2 months)"),
    ("buyers with more than one purchase", "{repeat_buyers_pct:.2f} %", "44.3 % (2 months)"),
    ("purchases without a cart event in the session", "{purchases_without_cart_pct:.2f} %", "54.7 %"),
    ("sessions with more than one user_id", "{sessions_with_two_users:,}", "591 (Nov)"),
    ("products under more than one brand", "{products_with_two_brands:,}", "136 (Nov)"),
    ("products with more than one price", "{products_with_two_prices_pct:.2f} %", "37 % (Nov)"),
)


def profile(data: str) -> str:
    """The profile of a lake folder or a REES46 CSV file as a printable table."""
    figures = measure(data)
    table = [("figure", data, "real 2019-Oct")] + [
        (label, show(figures) if callable(show) else show.format_map(figures), real) for label, show, real in _ROWS
    ]
    widths = [max(len(row[i]) for row in table) for i in range(3)]
    lines = [" | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
             for row in table]
    lines.insert(1, "-+-".join("-" * width for width in widths))
    return "\n".join(lines)
