"""Every query the dashboard runs, against the dbt marts by name (never the lake), in SQL that DuckDB and Athena
both read.

Each chart reads the mart built for it. The marts hold whole months, so the date filter selects the months the
chosen dates touch; a main category selects the rows of the marts cut by category (revenue_by_month_category,
cart_abandonment_by_category). Where a filter narrows the data below what a chart's mart holds (a main category
for the weekday revenue and the rankings; a date range for the all-time brand and category rankings), the chart
is aggregated from fact_purchases instead, the mart with one row per purchase, with dim_category and dim_time: the
same revenue, cut finer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from dashboard.warehouse import Warehouse, WarehouseError

# top_categories' name for the purchases whose category has no code.
UNKNOWN_CATEGORY = "unknown"


class MartsEmpty(WarehouseError):
    pass


def add_months(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_of(day: date) -> date:
    return day.replace(day=1)


@dataclass(frozen=True)
class Span:
    """The dates the warehouse holds events for."""

    first_date: date
    last_date: date

    @property
    def first_month(self) -> date:
        return month_of(self.first_date)

    @property
    def last_month(self) -> date:
        return month_of(self.last_date)


@dataclass(frozen=True)
class Filters:
    """What the user chose, in the marts' grain: whole months, and one main category or all of them."""

    first_month: date
    last_month: date
    category: str | None
    whole_span: bool

    @property
    def end(self) -> date:
        """The first day after the last month."""
        return add_months(self.last_month, 1)

    @classmethod
    def choose(cls, span: Span, start: date, end: date, category: str | None) -> Filters | None:
        """The months of the data that the dates start..end touch; None when they touch none."""
        first_month = max(month_of(start), span.first_month)
        last_month = min(month_of(end), span.last_month)
        if start > end or first_month > last_month:
            return None
        whole_span = (first_month, last_month) == (span.first_month, span.last_month)
        return cls(first_month, last_month, category, whole_span)


def _dates(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """DuckDB returns dates as timestamps, Athena as dates: make them dates."""
    for column in columns:
        frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame


def _month_labels(frame: pd.DataFrame) -> pd.DataFrame:
    frame["month_label"] = [f"{month:%Y-%m}" for month in frame["month_start_date"]]
    return frame


def _one_row(warehouse: Warehouse, sql: str) -> dict[str, Any]:
    frame = warehouse.query(sql)
    if frame.empty:
        raise MartsEmpty("The marts are empty. Land some events and build them with `make demo` or `make build`.")
    return frame.iloc[0].to_dict()


# The purchases behind the finer cuts, with their main category.
_PURCHASES = """
    from fact_purchases as purchases
    left join dim_category as categories
        on purchases.category_id = categories.category_id
"""
_CATEGORY_MAIN = f"coalesce(categories.category_main, '{UNKNOWN_CATEGORY}')"


def _purchases_where(filters: Filters) -> tuple[str, dict[str, Any]]:
    clauses = ["purchases.purchase_date >= %(start)s", "purchases.purchase_date < %(end)s"]
    params: dict[str, Any] = {"start": filters.first_month, "end": filters.end}
    if filters.category is not None:
        clauses.append(f"{_CATEGORY_MAIN} = %(category)s")
        params["category"] = filters.category
    return "where " + "\n        and ".join(clauses), params


def span(warehouse: Warehouse) -> Span:
    row = _one_row(warehouse, "select min(calendar_date) as first_date, max(calendar_date) as last_date from dim_time")
    if row["first_date"] is None or pd.isna(row["first_date"]):
        raise MartsEmpty(
            "The marts hold no events: the lake was empty when they were built. Land some events and rebuild "
            "with `make demo` or `make build`."
        )
    return Span(pd.Timestamp(row["first_date"]).date(), pd.Timestamp(row["last_date"]).date())


def categories(warehouse: Warehouse) -> list[str]:
    """The main categories with purchases, the biggest first."""
    frame = warehouse.query("select category_main from top_categories order by revenue_rank, category_main")
    return frame["category_main"].tolist()


def kpis(warehouse: Warehouse) -> dict[str, Any]:
    """The one row of kpi_summary: the headline figures over all the data."""
    return _one_row(
        warehouse,
        """
        select
            revenue,
            average_customer_ltv,
            customers,
            repeat_customers,
            active_shoppers,
            sessions,
            session_conversion_rate,
            last_purchased_at
        from kpi_summary
        """,
    )


def monthly_revenue(warehouse: Warehouse, filters: Filters) -> pd.DataFrame:
    """Revenue per month and its change over the calendar month before: fact_monthly_summary, or
    revenue_by_month_category's rows of the chosen main category."""
    where = "where month_start_date >= %(first_month)s and month_start_date <= %(last_month)s"
    params: dict[str, Any] = {"first_month": filters.first_month, "last_month": filters.last_month}
    source = "fact_monthly_summary"
    if filters.category is not None:
        source = "revenue_by_month_category"
        where += " and category_main = %(category)s"
        params["category"] = filters.category
    frame = warehouse.query(
        f"""
        select month_start_date, month_label, revenue, revenue_change_rate
        from {source}
        {where}
        order by month_start_date
        """,
        params,
    )
    return _dates(frame, "month_start_date")


def weekday_revenue(warehouse: Warehouse, filters: Filters) -> pd.DataFrame:
    """Revenue per month and ISO day of week."""
    if filters.category is None:
        frame = warehouse.query(
            """
            select month_start_date, month_label, iso_day_of_week, day_name, revenue
            from revenue_by_month_weekday
            where month_start_date >= %(first_month)s and month_start_date <= %(last_month)s
            order by month_start_date, iso_day_of_week
            """,
            {"first_month": filters.first_month, "last_month": filters.last_month},
        )
        return _dates(frame, "month_start_date")
    where, params = _purchases_where(filters)
    frame = warehouse.query(
        f"""
        select
            cast(date_trunc('month', purchases.purchase_date) as date) as month_start_date,
            hours.iso_day_of_week,
            hours.day_name,
            sum(purchases.price) as revenue
        {_PURCHASES}
        inner join dim_time as hours
            on purchases.hour_key = hours.hour_key
        {where}
        group by 1, 2, 3
        order by 1, 2
        """,
        params,
    )
    return _month_labels(_dates(frame, "month_start_date"))


def top_brands_by_revenue(warehouse: Warehouse, filters: Filters, limit: int = 5) -> pd.DataFrame:
    """The brands with the most revenue: brand, revenue."""
    if filters.whole_span and filters.category is None:
        return warehouse.query(
            f"""
            select brand, revenue
            from brand_engagement
            where revenue > 0
            order by revenue_rank, brand
            limit {int(limit)}
            """
        )
    where, params = _purchases_where(filters)
    return warehouse.query(
        f"""
        select purchases.brand, sum(purchases.price) as revenue
        {_PURCHASES}
        {where}
            and purchases.brand is not null
        group by purchases.brand
        having sum(purchases.price) > 0
        order by revenue desc, purchases.brand
        limit {int(limit)}
        """,
        params,
    )


def top_categories(warehouse: Warehouse, filters: Filters, limit: int = 5) -> pd.DataFrame:
    """The categories with the most revenue: category, revenue, revenue_share. With a main category chosen,
    its second-level categories."""
    if filters.whole_span and filters.category is None:
        return warehouse.query(
            f"""
            select category_main as category, revenue, revenue_share
            from top_categories
            order by revenue_rank, category_main
            limit {int(limit)}
            """
        )
    level = (
        f"coalesce(categories.category_sub, '{UNKNOWN_CATEGORY}')" if filters.category is not None
        else _CATEGORY_MAIN
    )
    where, params = _purchases_where(filters)
    frame = warehouse.query(
        f"""
        select {level} as category, sum(purchases.price) as revenue
        {_PURCHASES}
        {where}
        group by 1
        order by revenue desc, category
        """,
        params,
    )
    total = frame["revenue"].sum()
    frame["revenue_share"] = frame["revenue"] / total if total else None
    return frame.head(limit)


def ltv_segments(warehouse: Warehouse) -> pd.DataFrame:
    """Customers and their lifetime revenue per LTV segment, Low first."""
    return warehouse.query(
        """
        select ltv_segment, ltv_segment_rank, count(*) as customers, sum(lifetime_revenue) as revenue
        from user_ltv
        group by ltv_segment, ltv_segment_rank
        order by ltv_segment_rank
        """
    )


def brands(warehouse: Warehouse) -> pd.DataFrame:
    """brand_engagement: one row per brand, by revenue rank."""
    return warehouse.query(
        """
        select
            brand,
            revenue,
            market_share,
            events,
            sessions,
            shoppers,
            purchases,
            stickiness,
            conversion_rate,
            revenue_rank,
            popularity_rank,
            performance_quadrant,
            matrix_split_sessions,
            matrix_split_conversion_rate
        from brand_engagement
        order by revenue_rank, brand
        """
    )


def top_brands(brand_rows: pd.DataFrame, rank: str, top: int) -> pd.DataFrame:
    """The `top` brands by one of brand_engagement's ranks (revenue_rank, popularity_rank), ties by name."""
    return brand_rows.sort_values([rank, "brand"]).head(top).reset_index(drop=True)


def top_brands_share(brand_rows: pd.DataFrame, top: int) -> float:
    """Market share of the `top` brands with the most revenue, together."""
    return float(top_brands(brand_rows, "revenue_rank", top)["market_share"].sum())


_FUNNEL_COUNTS = ["sessions", "sessions_with_view", "sessions_with_cart", "sessions_with_purchase"]
_FUNNEL_RATES = ["view_to_cart_rate", "cart_to_purchase_rate", "view_to_purchase_rate", "session_conversion_rate"]


@dataclass(frozen=True)
class Funnel:
    months: pd.DataFrame
    total: dict[str, Any]


def funnel(warehouse: Warehouse, filters: Filters) -> Funnel:
    """The session funnel per month of the filters (session_funnel), and over them all (session_funnel_ranges,
    the funnel of every range of whole months: a session belongs to the month it started in)."""
    frame = warehouse.query(
        """
        select
            month_start_date,
            month_label,
            sessions,
            sessions_with_view,
            sessions_with_cart,
            sessions_with_purchase,
            view_to_cart_rate,
            cart_to_purchase_rate,
            view_to_purchase_rate,
            session_conversion_rate
        from session_funnel
        """
    )
    months = _dates(frame, "month_start_date")
    months = months[(months["month_start_date"] >= filters.first_month)
                    & (months["month_start_date"] <= filters.last_month)]
    months = months.sort_values("month_start_date").reset_index(drop=True)
    overall = warehouse.query(
        f"""
        select {', '.join(_FUNNEL_COUNTS + _FUNNEL_RATES)}
        from session_funnel_ranges
        where first_month_start_date = %(first_month)s and last_month_start_date = %(last_month)s
        """,
        {"first_month": filters.first_month, "last_month": filters.last_month},
    )
    if overall.empty:
        # A range that starts or ends on a month without sessions: none of its rates is defined.
        return Funnel(months, {**dict.fromkeys(_FUNNEL_COUNTS, 0), **dict.fromkeys(_FUNNEL_RATES)})
    return Funnel(months, overall.iloc[0].to_dict())


OUT_OF_MATRIX = "Too Few Sessions"


def matrix_splits(brand_rows: pd.DataFrame) -> tuple[float, float]:
    """Where brand_engagement splits its performance matrix (the same on every row): sessions, conversion rate."""
    if brand_rows.empty:
        return math.nan, math.nan
    first = brand_rows.iloc[0]
    return float(first["matrix_split_sessions"]), float(first["matrix_split_conversion_rate"])


def cohorts(warehouse: Warehouse, filters: Filters) -> pd.DataFrame:
    """customer_cohorts: the cohorts whose first-purchase month the filters select, each with every month since."""
    frame = warehouse.query(
        """
        select
            cohort_month_start_date,
            cohort_month_label,
            months_since_first_purchase,
            cohort_customers,
            active_customers,
            retention_rate,
            cumulative_revenue_per_customer
        from customer_cohorts
        where cohort_month_start_date >= %(first_month)s and cohort_month_start_date <= %(last_month)s
        order by cohort_month_start_date, months_since_first_purchase
        """,
        {"first_month": filters.first_month, "last_month": filters.last_month},
    )
    return _dates(frame, "cohort_month_start_date")


def rfm_segments(warehouse: Warehouse) -> pd.DataFrame:
    """Customers and their lifetime revenue per RFM segment (customer_rfm), the most customers first."""
    return warehouse.query(
        """
        select rfm_segment, count(*) as customers, sum(monetary) as revenue
        from customer_rfm
        group by rfm_segment
        order by customers desc, rfm_segment
        """
    )


def abandonment(warehouse: Warehouse, filters: Filters) -> pd.DataFrame:
    """Cart abandonment per month of the filters: cart_abandonment_monthly, or cart_abandonment_by_category's
    rows of the chosen main category."""
    where = "where month_start_date >= %(first_month)s and month_start_date <= %(last_month)s"
    params: dict[str, Any] = {"first_month": filters.first_month, "last_month": filters.last_month}
    source = "cart_abandonment_monthly"
    if filters.category is not None:
        source = "cart_abandonment_by_category"
        where += " and category_main = %(category)s"
        params["category"] = filters.category
    frame = warehouse.query(
        f"""
        select month_start_date, month_label, sessions_with_cart, abandoned_sessions, abandonment_rate,
            abandoned_cart_value
        from {source}
        {where}
        order by month_start_date
        """,
        params,
    )
    return _dates(frame, "month_start_date")


def abandonment_by_category(warehouse: Warehouse, filters: Filters) -> pd.DataFrame:
    """cart_abandonment_by_category: each main category's rows in the months of the filters."""
    frame = warehouse.query(
        """
        select month_start_date, month_label, category_main, sessions_with_cart, abandonment_rate,
            abandoned_cart_value
        from cart_abandonment_by_category
        where month_start_date >= %(first_month)s and month_start_date <= %(last_month)s
        order by month_start_date, abandoned_cart_value desc, category_main
        """,
        {"first_month": filters.first_month, "last_month": filters.last_month},
    )
    return _dates(frame, "month_start_date")


def brand_pairs(warehouse: Warehouse, limit: int = 10) -> pd.DataFrame:
    """The brand pairs of product_affinity bought together in the most orders (then by lift)."""
    return warehouse.query(
        f"""
        select item_a, item_b, orders_with_pair, support, confidence_a_to_b, confidence_b_to_a, lift
        from product_affinity
        where affinity_level = 'brand'
        order by orders_with_pair desc, lift desc, item_a, item_b
        limit {int(limit)}
        """
    )
