"""Every query the dashboard runs, against the dbt marts by name (never the lake), in SQL that DuckDB and Athena
both read.

Each chart reads the mart built for it at the grain the filters need, and computes nothing: the marts hold whole
months, so the date filter selects the months the chosen dates touch (the monthly marts' rows of those months, or
the row of that range of months in the marts ranked over every range: *_revenue_ranges); a main category selects
the rows of the marts cut by category (revenue_by_month_category, revenue_by_month_category_weekday,
cart_abandonment_by_category, the ranges ranked within a category).
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


def _one_row(warehouse: Warehouse, sql: str) -> dict[str, Any]:
    frame = warehouse.query(sql)
    if frame.empty:
        raise MartsEmpty("The marts are empty. Land some events and build them with `make demo` or `make build`.")
    return frame.iloc[0].to_dict()


def _months(filters: Filters) -> tuple[str, dict[str, Any]]:
    """The where clause of the monthly marts' rows in the months of the filters."""
    return ("where month_start_date >= %(first_month)s and month_start_date <= %(last_month)s",
            {"first_month": filters.first_month, "last_month": filters.last_month})


def _monthly(warehouse: Warehouse, filters: Filters, columns: str, every_category: str, by_category: str,
             order: str = "month_start_date") -> pd.DataFrame:
    """`columns` of the months of the filters: from the mart `every_category`, or from `by_category`'s rows of the
    chosen main category."""
    where, params = _months(filters)
    source = every_category
    if filters.category is not None:
        source = by_category
        where += " and category_main = %(category)s"
        params["category"] = filters.category
    frame = warehouse.query(f"select {columns} from {source} {where} order by {order}", params)
    return _dates(frame, "month_start_date")


def _ranking(warehouse: Warehouse, filters: Filters, columns: str, every_category: str, by_category: str,
             limit: int) -> pd.DataFrame:
    """The first `limit` items with revenue of a revenue ranking over the range of months of the filters: from the
    ranges mart `every_category`, or from `by_category`'s ranking within the chosen main category."""
    where = ("where first_month_start_date = %(first_month)s and last_month_start_date = %(last_month)s"
             " and revenue > 0")
    params: dict[str, Any] = {"first_month": filters.first_month, "last_month": filters.last_month}
    source = every_category
    if filters.category is not None:
        source = by_category
        where += " and category_main = %(category)s"
        params["category"] = filters.category
    return warehouse.query(
        f"select {columns} from {source} {where} order by revenue_position limit {int(limit)}", params
    )


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
    return _monthly(warehouse, filters, "month_start_date, month_label, revenue, revenue_change_rate",
                    "fact_monthly_summary", "revenue_by_month_category")


def weekday_revenue(warehouse: Warehouse, filters: Filters) -> pd.DataFrame:
    """Revenue per month and ISO day of week: revenue_by_month_weekday, or revenue_by_month_category_weekday's
    rows of the chosen main category."""
    return _monthly(warehouse, filters, "month_start_date, month_label, iso_day_of_week, day_name, revenue",
                    "revenue_by_month_weekday", "revenue_by_month_category_weekday",
                    order="month_start_date, iso_day_of_week")


def top_brands_by_revenue(warehouse: Warehouse, filters: Filters, limit: int = 5) -> pd.DataFrame:
    """The brands with the most revenue in the months (and main category) of the filters: brand, revenue."""
    return _ranking(warehouse, filters, "brand, revenue", "brand_revenue_ranges", "brand_category_revenue_ranges",
                    limit)


def top_categories(warehouse: Warehouse, filters: Filters, limit: int = 5) -> pd.DataFrame:
    """The main categories with the most revenue in the months of the filters (with a main category chosen, its
    second-level categories): category, revenue, revenue_share."""
    level = "category_main" if filters.category is None else "category_sub"
    return _ranking(warehouse, filters, f"{level} as category, revenue, revenue_share", "category_revenue_ranges",
                    "subcategory_revenue_ranges", limit)


def ltv_segments(warehouse: Warehouse) -> pd.DataFrame:
    """Customers and their lifetime revenue per LTV segment (ltv_segments), Low first."""
    return warehouse.query(
        "select ltv_segment, customers, lifetime_revenue as revenue from ltv_segments order by ltv_segment_rank"
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


def top_brands_share(warehouse: Warehouse, span: Span, top: int) -> float | None:
    """Market share of the `top` brands with the most revenue together, over all the data: brand_revenue_ranges'
    cumulative share at that position of the whole range (at its last brand when there are fewer)."""
    frame = warehouse.query(
        """
        select cumulative_revenue_share
        from brand_revenue_ranges
        where first_month_start_date = %(first_month)s and last_month_start_date = %(last_month)s
            and revenue_position <= %(top)s
        order by revenue_position desc
        limit 1
        """,
        {"first_month": span.first_month, "last_month": span.last_month, "top": int(top)},
    )
    return None if frame.empty else float(frame.iloc[0]["cumulative_revenue_share"])


def brand_velocity(warehouse: Warehouse, limit: int) -> pd.DataFrame:
    """brand_sales_velocity: the brands with the most purchases after a view."""
    return warehouse.query(
        f"""
        select brand, purchases_after_view, average_hours_to_purchase
        from brand_sales_velocity
        order by purchases_after_view desc, brand
        limit {int(limit)}
        """
    )


def brand_repeat_rates(warehouse: Warehouse, limit: int) -> pd.DataFrame:
    """brand_repeat_purchase_rate: the brands with enough buyers and the highest repeat-purchase rates."""
    return warehouse.query(
        f"""
        select brand, buyers, repeat_purchase_rate
        from brand_repeat_purchase_rate
        where has_enough_buyers
        order by repeat_purchase_rate desc, buyers desc, brand
        limit {int(limit)}
        """
    )


_FUNNEL_COUNTS = ["sessions", "sessions_with_view", "sessions_with_cart", "sessions_with_purchase"]
_FUNNEL_RATES = ["view_to_cart_rate", "cart_to_purchase_rate", "view_to_purchase_rate", "session_conversion_rate"]


@dataclass(frozen=True)
class Funnel:
    months: pd.DataFrame
    total: dict[str, Any]


def funnel(warehouse: Warehouse, filters: Filters) -> Funnel:
    """The session funnel per month of the filters (session_funnel), and over them all (session_funnel_ranges,
    the funnel of every range of whole months: a session belongs to the month it started in)."""
    where, params = _months(filters)
    months = warehouse.query(
        f"""
        select month_start_date, month_label, {', '.join(_FUNNEL_COUNTS + _FUNNEL_RATES)}
        from session_funnel
        {where}
        order by month_start_date
        """,
        params,
    )
    overall = warehouse.query(
        f"""
        select {', '.join(_FUNNEL_COUNTS + _FUNNEL_RATES)}
        from session_funnel_ranges
        where first_month_start_date = %(first_month)s and last_month_start_date = %(last_month)s
        """,
        params,
    )
    months = _dates(months, "month_start_date")
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
    """Customers and their lifetime revenue per RFM segment (rfm_segments), the most customers first."""
    return warehouse.query(
        "select rfm_segment, customers, lifetime_revenue as revenue from rfm_segments"
        " order by customers desc, rfm_segment"
    )


def abandonment(warehouse: Warehouse, filters: Filters) -> pd.DataFrame:
    """Cart abandonment per month of the filters: cart_abandonment_monthly, or cart_abandonment_by_category's
    rows of the chosen main category."""
    return _monthly(
        warehouse, filters,
        "month_start_date, month_label, sessions_with_cart, abandoned_sessions, abandonment_rate, abandoned_cart_value",
        "cart_abandonment_monthly", "cart_abandonment_by_category",
    )


def abandonment_by_category(warehouse: Warehouse, filters: Filters) -> pd.DataFrame:
    """cart_abandonment_by_category: each main category's rows in the months of the filters."""
    where, params = _months(filters)
    frame = warehouse.query(
        f"""
        select month_start_date, month_label, category_main, sessions_with_cart, abandonment_rate,
            abandoned_cart_value
        from cart_abandonment_by_category
        {where}
        order by month_start_date, abandoned_cart_value desc, category_main
        """,
        params,
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


def brand_pairs_within_minutes(warehouse: Warehouse, limit: int = 10) -> pd.DataFrame:
    """The brand pairs of brand_pairs_bought_together (one user, a few minutes apart) bought together most often."""
    return warehouse.query(
        f"""
        select brand_a, brand_b, times_bought_together, buyers
        from brand_pairs_bought_together
        order by times_bought_together desc, buyers desc, brand_a, brand_b
        limit {int(limit)}
        """
    )
