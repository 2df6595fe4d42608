"""The customer and product marts of issue 12 on the real REES46 sample: figures checked by hand, pinned.

The warehouse is the session's build of the sample (conftest.sample_build). Each figure is written out as a
literal where a person can check it (the sample's README: 54 purchases on 1 October, 2 on 1 November), and
recomputed here from the raw CSV files with DuckDB and the definitions in the models' docs (never from the
marts), so a wrong literal and a wrong mart are told apart.
"""

from decimal import Decimal

import duckdb
import pytest

# 48 customers bought first in October (14,786.59), 2 in November (778.22); none of October's came back.
COHORTS = [
    ("2019-10", 0, 48, 48, Decimal("14786.59"), Decimal("14786.59")),
    ("2019-10", 1, 48, 0, Decimal("0.00"), Decimal("14786.59")),
    ("2019-11", 0, 2, 2, Decimal("778.22"), Decimal("778.22")),
]
# The data's last day is 2019-11-01: October's buyers (all on 1 October) are 31 days away, November's 0. Two
# October buyers have two orders (frequency score 5, recency 1: At Risk); November's two are New.
RFM_SEGMENTS = {"Hibernating": 46, "At Risk": 2, "New": 2}
# Sessions with a cart event, those without any purchase, the value of their cart events.
ABANDONMENT = [
    ("2019-10", 35, 24, Decimal("13416.44")),
    ("2019-11", 3, 3, Decimal("1941.36")),
]
FIRST_ORDER_PURCHASES, REPEAT_ORDER_PURCHASES = 54, 2  # 52 orders: 50 first ones, 2 repeat ones of one purchase
# Product 1004856: 79 views in 54 sessions, 4 carts in 2 sessions, 4 purchases in 4 sessions (two without a
# cart event in the session): a cart-to-purchase rate of 2.
PRODUCT_1004856 = (79, 4, 4, 54, 2, 4, 0.037, 2.0)


@pytest.fixture(scope="module")
def raw(raw: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """conftest's raw rows, with each session's month (the month it started in) and steps."""
    raw.execute(
        """
        create table sessions as
        select
            user_session,
            min(month) as month,
            bool_or(event_type = 'cart') as has_cart,
            bool_or(event_type = 'purchase') as has_purchase
        from events
        where user_session != ''
        group by user_session
        """
    )
    return raw


def test_the_sample_has_no_sessionless_event(raw: duckdb.DuckDBPyConnection) -> None:
    # So every order below is one (user_id, user_session).
    assert raw.execute("select count(*) from raw where coalesce(user_session, '') = ''").fetchone()[0] == 0


def test_customer_cohorts(sample_warehouse: duckdb.DuckDBPyConnection, raw: duckdb.DuckDBPyConnection) -> None:
    expected = raw.execute(
        """
        with first_months as (select user_id, min(month) as cohort from purchases group by user_id),
        sizes as (select cohort, count(*) as customers from first_months group by cohort),
        months as (select distinct month from events),
        activity as (
            select cohort, month, count(distinct user_id) as active, sum(amount) as revenue
            from purchases inner join first_months using (user_id)
            group by cohort, month
        )
        select
            sizes.cohort,
            cast(months.month[6:] as integer) - cast(sizes.cohort[6:] as integer),
            sizes.customers,
            coalesce(activity.active, 0),
            coalesce(activity.revenue, 0),
            sum(coalesce(activity.revenue, 0)) over (partition by sizes.cohort order by months.month)
        from sizes
        inner join months on months.month >= sizes.cohort
        left join activity on activity.cohort = sizes.cohort and activity.month = months.month
        order by 1, 2
        """
    ).fetchall()
    assert expected == COHORTS
    actual = sample_warehouse.execute(
        "select cohort_month_label, months_since_first_purchase, cohort_customers, active_customers, revenue,"
        " cumulative_revenue from customer_cohorts order by 1, 2"
    ).fetchall()
    assert actual == COHORTS
    rates = sample_warehouse.execute(
        "select retention_rate, cumulative_revenue_per_customer from customer_cohorts order by cohort_month_label,"
        " months_since_first_purchase"
    ).fetchall()
    assert rates == [(1.0, 308.05), (0.0, 308.05), (1.0, 389.11)]  # 14,786.59 / 48 = 308.05; 778.22 / 2


def test_customer_rfm(sample_warehouse: duckdb.DuckDBPyConnection, raw: duckdb.DuckDBPyConnection) -> None:
    returning = raw.execute(
        "select user_id from purchases group by user_id having count(distinct user_session) > 1 order by 1"
    ).fetchall()
    november = raw.execute(
        "select user_id from purchases group by user_id having min(month) = '2019-11' order by 1"
    ).fetchall()
    assert (len(returning), len(november)) == (RFM_SEGMENTS["At Risk"], RFM_SEGMENTS["New"])
    segments = dict(sample_warehouse.execute("select rfm_segment, count(*) from customer_rfm group by all").fetchall())
    assert segments == RFM_SEGMENTS
    at_risk = sample_warehouse.execute(
        "select cast(user_id as varchar), recency_days, frequency, recency_score, frequency_score"
        " from customer_rfm where rfm_segment = 'At Risk' order by 1"
    ).fetchall()
    assert at_risk == [(user_id, 31, 2, 1, 5) for (user_id,) in returning]
    new = sample_warehouse.execute(
        "select cast(user_id as varchar), recency_days, frequency, recency_score, frequency_score"
        " from customer_rfm where rfm_segment = 'New' order by 1"
    ).fetchall()
    assert new == [(user_id, 0, 1, 5, 1) for (user_id,) in november]
    # Monetary: the quintile of the revenue's rank among the 50 customers, equal revenues sharing the lowest rank.
    expected = raw.execute(
        """
        with customers as (select user_id, sum(amount) as revenue from purchases group by user_id)
        select user_id, 1 + floor(5 * (rank() over (order by revenue) - 1) / 50) from customers order by 1
        """
    ).fetchall()
    monetary = sample_warehouse.execute(
        "select cast(user_id as varchar), monetary_score from customer_rfm order by 1"
    ).fetchall()
    assert monetary == expected
    scores = sample_warehouse.execute(
        "select monetary_score, count(*) from customer_rfm group by all order by 1"
    ).fetchall()
    assert scores == [(1, 10), (2, 11), (3, 9), (4, 10), (5, 10)]  # two customers tie at the second fifth's edge


def test_cart_abandonment_monthly(sample_warehouse: duckdb.DuckDBPyConnection, raw: duckdb.DuckDBPyConnection) -> None:
    expected = raw.execute(
        """
        select
            sessions.month,
            count(distinct case when sessions.has_cart then sessions.user_session end),
            count(distinct case when sessions.has_cart and not sessions.has_purchase then sessions.user_session end),
            coalesce(sum(case when events.event_type = 'cart' and not sessions.has_purchase then events.amount end), 0)
        from sessions
        inner join events using (user_session)
        group by sessions.month
        order by 1
        """
    ).fetchall()
    assert expected == ABANDONMENT
    actual = sample_warehouse.execute(
        "select month_label, sessions_with_cart, abandoned_sessions, abandoned_cart_value"
        " from cart_abandonment_monthly order by 1"
    ).fetchall()
    assert actual == ABANDONMENT
    rates = sample_warehouse.execute("select abandonment_rate from cart_abandonment_monthly order by 1").fetchall()
    assert rates == [(round(24 / 35, 4),), (1.0,)]


# The raw side of each segment column: no product changes brand or category in the sample, so the event's are
# the product's current ones.
RAW_SEGMENTS = {"brand": "events.brand_or_unknown", "category_main": "events.category_or_unknown"}


@pytest.mark.parametrize(("mart", "segments"), [
    ("cart_abandonment", ["brand", "category_main"]),
    ("cart_abandonment_by_category", ["category_main"]),
])
def test_cart_abandonment_by_segment(
    sample_warehouse: duckdb.DuckDBPyConnection, raw: duckdb.DuckDBPyConnection, mart: str, segments: list[str]
) -> None:
    expected = raw.execute(
        f"""
        select
            sessions.month,
            {", ".join(RAW_SEGMENTS[segment] for segment in segments)},
            count(distinct case when events.event_type = 'cart' then sessions.user_session end),
            count(distinct case when events.event_type = 'cart' and not sessions.has_purchase
                then sessions.user_session end),
            coalesce(sum(case when events.event_type = 'cart' then events.amount end), 0),
            coalesce(sum(case when events.event_type = 'cart' and not sessions.has_purchase then events.amount end), 0)
        from sessions
        inner join events using (user_session)
        where events.event_type in ('cart', 'remove_from_cart')
        group by all
        order by all
        """
    ).fetchall()
    actual = sample_warehouse.execute(
        f"select month_label, {', '.join(segments)}, sessions_with_cart, abandoned_sessions, cart_value,"
        f" abandoned_cart_value from {mart} order by all"
    ).fetchall()
    assert actual == expected
    # The segments' values add up to the month's; their sessions may not (a session can cart two brands).
    assert sum(row[-1] for row in actual) == sum(row[3] for row in ABANDONMENT)


def test_product_funnel(sample_warehouse: duckdb.DuckDBPyConnection, raw: duckdb.DuckDBPyConnection) -> None:
    funnel = """
        select
            {key},
            count(*) filter (where event_type = 'view'),
            count(*) filter (where event_type = 'cart'),
            count(*) filter (where event_type = 'purchase'),
            count(distinct user_session) filter (where event_type = 'view'),
            count(distinct user_session) filter (where event_type = 'cart'),
            count(distinct user_session) filter (where event_type = 'purchase')
        from raw
        group by all
        order by all
    """
    columns = "views, carts, purchases, sessions_with_view, sessions_with_cart, sessions_with_purchase"
    expected = raw.execute(funnel.format(key="cast(product_id as bigint)")).fetchall()
    actual = sample_warehouse.execute(f"select product_id, {columns} from product_funnel order by all").fetchall()
    assert actual == expected
    expected = raw.execute(funnel.format(key="cast(category_id as bigint)")).fetchall()
    actual = sample_warehouse.execute(f"select category_id, {columns} from category_funnel order by all").fetchall()
    assert actual == expected
    product = sample_warehouse.execute(
        f"select {columns}, view_to_cart_rate, cart_to_purchase_rate from product_funnel where product_id = 1004856"
    ).fetchone()
    assert product == PRODUCT_1004856


def test_product_affinity(sample_warehouse: duckdb.DuckDBPyConnection, raw: duckdb.DuckDBPyConnection) -> None:
    # No order of the sample holds two brands or two top-level categories (the multi-item orders are one
    # product bought twice or the same brand), so there is no pair: the arithmetic is in the unit test.
    pairs = raw.execute(
        """
        with items as (
            select distinct user_id, user_session, brand_or_unknown as item from purchases where brand != ''
            union all
            select distinct user_id, user_session, 'c:' || category_or_unknown from purchases where category_code != ''
        )
        select count(*)
        from items as a
        inner join items as b using (user_id, user_session)
        where a.item < b.item and (a.item[:2] = 'c:') = (b.item[:2] = 'c:')
        """
    ).fetchone()[0]
    assert pairs == 0
    assert sample_warehouse.execute("select count(*) from product_affinity").fetchone()[0] == 0


def test_new_and_repeat_orders(sample_warehouse: duckdb.DuckDBPyConnection, raw: duckdb.DuckDBPyConnection) -> None:
    expected = raw.execute(
        """
        with orders as (
            select user_id, user_session, min(event_time) as started_at from purchases group by all
        ),
        numbered as (
            select *, row_number() over (partition by user_id order by started_at) as sequence from orders
        )
        select count(*) filter (where sequence = 1), count(*) filter (where sequence > 1)
        from purchases inner join numbered using (user_id, user_session)
        """
    ).fetchone()
    assert expected == (FIRST_ORDER_PURCHASES, REPEAT_ORDER_PURCHASES)
    actual = sample_warehouse.execute(
        "select count(*) filter (where is_first_order), count(*) filter (where not is_first_order),"
        " count(distinct order_id) filter (where is_first_order) from fact_purchases"
    ).fetchone()
    assert actual == (FIRST_ORDER_PURCHASES, REPEAT_ORDER_PURCHASES, 50)


def test_high_stickiness_low_conversion_brands(
    sample_warehouse: duckdb.DuckDBPyConnection, raw: duckdb.DuckDBPyConnection
) -> None:
    # Brands with at least 10 sessions (brand_quadrant_min_sessions): events / sessions against the average
    # over them, purchases / sessions below the average.
    expected = raw.execute(
        """
        with brands as (
            select
                brand,
                count(*) / count(distinct user_session) as stickiness,
                count(*) filter (where event_type = 'purchase') / count(distinct user_session) as conversion
            from raw
            where brand != ''
            group by brand
            having count(distinct user_session) >= 10
        )
        select brand
        from brands
        where
            stickiness >= (select avg(stickiness) from brands)
            and conversion < (select avg(conversion) from brands)
        order by brand
        """
    ).fetchall()
    actual = sample_warehouse.execute(
        "select brand from brand_engagement where is_high_stickiness_low_conversion order by brand"
    ).fetchall()
    assert actual == expected
    assert len(actual) > 0


def test_revenue_by_month_category(sample_warehouse: duckdb.DuckDBPyConnection, raw: duckdb.DuckDBPyConnection) -> None:
    expected = raw.execute(
        """
        with monthly as (
            select month, category_or_unknown as category, sum(amount) as revenue
            from purchases
            group by all
        )
        select
            monthly.month,
            monthly.category,
            monthly.revenue,
            round((monthly.revenue - previous.revenue) / previous.revenue, 4)
        from monthly
        left join monthly as previous
            on previous.category = monthly.category and previous.month = '2019-10' and monthly.month = '2019-11'
        order by 1, 2
        """
    ).fetchall()
    actual = sample_warehouse.execute(
        "select month_label, category_main, revenue, revenue_change_rate from revenue_by_month_category order by 1, 2"
    ).fetchall()
    assert [row[:3] for row in actual] == [row[:3] for row in expected]
    assert [row[3] for row in actual] == [None if row[3] is None else float(row[3]) for row in expected]
    # The categories, 'unknown' included, add up to the sample's revenue.
    assert sum(row[2] for row in actual) == Decimal("15564.81")


def test_session_funnel_ranges(sample_warehouse: duckdb.DuckDBPyConnection) -> None:
    funnel = "sessions, sessions_with_view, sessions_with_cart, sessions_with_purchase, session_conversion_rate"
    ranges = sample_warehouse.execute(
        f"select strftime(first_month_start_date, '%Y-%m'), strftime(last_month_start_date, '%Y-%m'), {funnel}"
        " from session_funnel_ranges order by 1, 2"
    ).fetchall()
    months = {row[0]: row[1:] for row in sample_warehouse.execute(
        f"select month_label, {funnel} from session_funnel order by 1").fetchall()}
    overall = sample_warehouse.execute(f"select {funnel} from kpi_summary").fetchone()
    # October, October to November, November: the months alone are session_funnel's, both are kpi_summary's.
    assert ranges == [
        ("2019-10", "2019-10", *months["2019-10"]),
        ("2019-10", "2019-11", *overall),
        ("2019-11", "2019-11", *months["2019-11"]),
    ]
    assert overall[0] == 2146  # the sample's sessions (test_marts_sample.py)
