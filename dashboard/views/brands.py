"""Brands page: the original Tableau dashboard, rebuilt on brand_engagement."""

import streamlit as st

from dashboard import charts, components, marts
from dashboard.formatting import count, money, percent

source = components.warehouse()
docs = components.definitions()
kpis = marts.kpis(source)
brands = marts.brands(source)
components.header("Brands", "Revenue, traffic and engagement per brand", source, kpis)

st.sidebar.header("Brands")
top = st.sidebar.slider("Top N brands", min_value=5, max_value=20, value=15, key="top_brands",
                        persist_state="session", bind="query-params",
                        help="How many brands the market share and the rankings take.")
st.sidebar.caption("brand_engagement covers all the data: the date and category filters do not apply here.")

by_revenue = brands.sort_values(["revenue_rank", "brand"]).head(top)
by_interactions = brands.sort_values(["popularity_rank", "brand"]).head(top)
# Names on the scatter plots: more than a handful overlap.
named = set(by_revenue["brand"].head(5))

components.kpi_row([
    ("Total revenue (purchases only)", money(kpis["lifetime_revenue"]), docs.column("kpi_summary", "lifetime_revenue")),
    ("Active shoppers", count(kpis["active_shoppers"]), docs.column("kpi_summary", "active_shoppers")),
    (f"Market share of the top {top} brands", percent(marts.top_brands_share(brands, top)),
     docs.column("brand_engagement", "market_share")),
])

in_matrix = brands[brands["performance_quadrant"] != marts.OUT_OF_MATRIX]
minimum = docs.project_vars.get("brand_quadrant_min_sessions")
matrix_brands = (f"the {count(len(in_matrix))} brands with at least {minimum} sessions "
                 "(brand_quadrant_min_sessions in dbt_project.yml)")

left, right = st.columns(2, gap="large")
with left:
    components.chart(
        f"Revenue against popularity, top {top} brands by revenue",
        charts.revenue_against_popularity(by_revenue) if len(by_revenue) else None,
        docs.column("brand_engagement", "events"), docs.column("brand_engagement", "popularity_rank"),
    )
with right:
    components.chart(
        "Brand exploration depth: sessions against stickiness",
        charts.exploration_depth(in_matrix, named) if len(in_matrix) else None,
        docs.column("brand_engagement", "stickiness"),
        note=f"Each of {matrix_brands}; the top 5 by revenue are named.",
    )

matrix_column, interactions_column = st.columns([2, 1], gap="large")
with matrix_column:
    sessions_split, conversion_split = marts.matrix_splits(brands)
    components.chart(
        "Performance matrix",
        charts.performance_matrix(in_matrix, named, sessions_split, conversion_split) if len(in_matrix) else None,
        docs.column("brand_engagement", "performance_quadrant"),
        docs.column("brand_engagement", "conversion_rate"),
        note=f"Each of {matrix_brands}; dashed lines at the averages; the top 5 by revenue are named.",
    )
with interactions_column:
    components.chart(
        f"Top {top} brands by interactions",
        charts.ranked_bars(by_interactions, "brand", "events", [count(v) for v in by_interactions["events"]],
                           color=charts.COUNT_COLOR, value_format="~s") if len(by_interactions) else None,
        docs.column("brand_engagement", "popularity_rank"),
    )
