"""The marts on the real REES46 sample: figures that can be checked by hand, pinned.

The warehouse is the session's build of the sample (conftest.sample_build: the first 5,019 rows of October 2019
and the first 683 of November, in tests/fixtures/kaggle-sample, landed and built October first, then November,
so the product snapshot sees prices change between the two loads).

Every expected figure is written out as a literal, and each literal is also recomputed here straight from
the raw CSV files with DuckDB and the definitions of docs/dataset.md section 3 (never from the marts), so a
wrong literal and a wrong mart are told apart.
"""

from decimal import Decimal

import duckdb
import pytest

# Hand-checkable figures of the sample (the sample's README: 54 purchases in October, 2 in November).
PURCHASES = 56
REVENUE = Decimal("15564.81")
BUYERS = 50
REPEAT_BUYERS = 5  # buyers with more than one purchase
RETURNING_BUYERS = 2  # buyers with purchases in more than one session
ACTIVE_SHOPPERS = 1988
SESSIONS = 2146
DISTINCT_EVENTS = 5699  # 5,702 rows, of which 3 exact duplicates
TOP_BRANDS = [("apple", Decimal("8646.92")), ("samsung", Decimal("3201.91")), ("xiaomi", Decimal("479.78"))]
PRODUCTS_REPRICED_IN_NOVEMBER = 91  # products in both files whose latest price, brand or category changed


def _one(connection: duckdb.DuckDBPyConnection, sql: str) -> tuple:
    return connection.execute(sql).fetchone()


def test_literals_match_the_raw_files(raw: duckdb.DuckDBPyConnection) -> None:
    purchases, revenue, buyers = _one(
        raw, "select count(*), sum(cast(price as decimal(10, 2))), count(distinct user_id) from purchases"
    )
    assert (purchases, revenue, buyers) == (PURCHASES, REVENUE, BUYERS)
    repeat = _one(
        raw,
        "select count(*) from (select user_id from purchases group by user_id having count(*) > 1)",
    )[0]
    returning = _one(
        raw,
        "select count(*) from (select user_id from purchases group by user_id"
        " having count(distinct user_session) > 1)",
    )[0]
    assert (repeat, returning) == (REPEAT_BUYERS, RETURNING_BUYERS)
    shoppers, sessions, events = _one(
        raw, "select count(distinct user_id), count(distinct nullif(user_session, '')), count(*) from raw"
    )
    assert (shoppers, sessions, events) == (ACTIVE_SHOPPERS, SESSIONS, DISTINCT_EVENTS)
    top = raw.execute(
        "select brand, sum(cast(price as decimal(10, 2))) as revenue from purchases where brand != ''"
        " group by brand order by revenue desc limit 3"
    ).fetchall()
    assert top == TOP_BRANDS
    changed = _one(
        raw,
        """
        with latest as (
            select
                product_id,
                event_time >= '2019-11' as is_november,
                arg_max(price, event_time) as price,
                arg_max(brand, event_time) filter (where brand != '') as brand,
                arg_max(category_id, event_time) as category_id
            from raw
            group by all
        )
        select count(*)
        from latest as october
        inner join latest as november
            on october.product_id = november.product_id and not october.is_november and november.is_november
        where (october.price, october.brand, october.category_id)
            is distinct from (november.price, november.brand, november.category_id)
        """,
    )[0]
    assert changed == PRODUCTS_REPRICED_IN_NOVEMBER


def test_staging_keeps_each_distinct_event_once(sample_warehouse: duckdb.DuckDBPyConnection) -> None:
    assert _one(sample_warehouse, "select count(*) from stg_clickstream__events")[0] == DISTINCT_EVENTS


def test_kpi_summary(sample_warehouse: duckdb.DuckDBPyConnection) -> None:
    row = _one(
        sample_warehouse,
        "select purchases, revenue, customers, repeat_customers, returning_customers,"
        " active_shoppers, sessions, average_customer_ltv from kpi_summary",
    )
    assert row[:7] == (PURCHASES, REVENUE, BUYERS, REPEAT_BUYERS, RETURNING_BUYERS, ACTIVE_SHOPPERS, SESSIONS)
    assert row[7] == pytest.approx(float(REVENUE) / BUYERS, abs=0.005)


def test_fact_purchases(sample_warehouse: duckdb.DuckDBPyConnection) -> None:
    assert _one(sample_warehouse, "select count(*), sum(price), count(distinct user_id) from fact_purchases") == (
        PURCHASES,
        REVENUE,
        BUYERS,
    )


def test_monthly_summary_splits_october_and_november(
    sample_warehouse: duckdb.DuckDBPyConnection, raw: duckdb.DuckDBPyConnection
) -> None:
    expected = raw.execute(
        "select month, count(*), sum(amount) from purchases group by month order by month"
    ).fetchall()
    actual = sample_warehouse.execute(
        "select month_label, purchases, revenue from fact_monthly_summary order by month_label"
    ).fetchall()
    assert actual == expected
    assert [row[1] for row in actual] == [54, 2]


def test_top_brands(sample_warehouse: duckdb.DuckDBPyConnection) -> None:
    top = sample_warehouse.execute(
        "select brand, revenue from brand_engagement where revenue_rank <= 3 order by revenue_rank"
    ).fetchall()
    assert top == TOP_BRANDS
    share = _one(sample_warehouse, "select market_share from brand_engagement where brand = 'apple'")[0]
    assert share == pytest.approx(float(TOP_BRANDS[0][1] / REVENUE), abs=1e-6)


def test_user_ltv_segments_cover_every_buyer(sample_warehouse: duckdb.DuckDBPyConnection) -> None:
    segments = dict(sample_warehouse.execute("select ltv_segment, count(*) from user_ltv group by all").fetchall())
    assert sum(segments.values()) == BUYERS
    assert set(segments) <= {"Low", "Mid", "High", "Premium"}


def test_snapshot_keeps_price_history(sample_warehouse: duckdb.DuckDBPyConnection) -> None:
    closed = _one(
        sample_warehouse, "select count(*) from main_snapshots.products_snapshot where dbt_valid_to is not null"
    )
    assert closed[0] == PRODUCTS_REPRICED_IN_NOVEMBER
    # Product 1005135 (an apple smartphone) cost 1,747.79 at the end of the October rows, 1,665.36 in November.
    history = sample_warehouse.execute(
        "select price, dbt_valid_to is null from main_snapshots.products_snapshot"
        " where product_id = 1005135 order by dbt_valid_from"
    ).fetchall()
    assert history == [(Decimal("1747.79"), False), (Decimal("1665.36"), True)]
