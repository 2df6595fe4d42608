"""Brands page: the original Tableau dashboard, rebuilt on brand_engagement and the marts of its SQL scripts (sales
velocity, repeat-purchase rate)."""

import streamlit as st

from dashboard import charts, components, marts
from dashboard.formatting import count, money, percent

shown = components.page("Brands", "Revenue, traffic and engagement per brand", filtered=False)
source, docs, kpis = shown.source, shown.docs, shown.kpis
brands = marts.brands(source)

st.sidebar.header("Brands")
top = components.top_slider("Top N brands", "top_brands", 5, 20, 15,
                            "How many brands the market share and the rankings take.")
st.sidebar.caption("brand_engagement covers all the data: the date and category filters do not apply here.")

components.kpi_row([
    ("Total revenue (purchases only)", money(kpis["revenue"]), docs.column("kpi_summary", "revenue")),
    ("Active shoppers", count(kpis["active_shoppers"]), docs.column("kpi_summary", "active_shoppers")),
    (f"Market share of the top {top} brands", percent(marts.top_brands_share(source, marts.span(source), top)),
     docs.column("brand_revenue_ranges", "cumulative_revenue_share")),
])

in_matrix = brands[brands["performance_quadrant"] != marts.OUT_OF_MATRIX]
in_matrix_note = (f"Each of the {count(len(in_matrix))} brands with at least "
                  f"{docs.project_vars.get('brand_quadrant_min_sessions')} sessions (brand_quadrant_min_sessions in "
                  "dbt_project.yml); the top 5 by revenue are named")
# Names on the scatter plots: more than a handful overlap.
named = set(marts.top_brands(brands, "revenue_rank", 5)["brand"])

left, right = st.columns(2, gap="large")
with left:
    components.chart(
        f"Revenue against popularity, top {top} brands by revenue", marts.top_brands(brands, "revenue_rank", top),
        charts.revenue_against_popularity,
        docs.column("brand_engagement", "events"), docs.column("brand_engagement", "popularity_rank"),
    )
with right:
    components.chart(
        "Brand exploration depth: sessions against stickiness", in_matrix,
        lambda rows: charts.exploration_depth(rows, named),
        docs.column("brand_engagement", "stickiness"),
        note=f"{in_matrix_note}.",
    )

matrix_column, interactions_column = st.columns([2, 1], gap="large")
with matrix_column:
    sessions_split, conversion_split = marts.matrix_splits(brands)
    components.chart(
        "Performance matrix", in_matrix,
        lambda rows: charts.performance_matrix(rows, named, sessions_split, conversion_split),
        docs.column("brand_engagement", "performance_quadrant"),
        docs.column("brand_engagement", "conversion_rate"),
        note=f"{in_matrix_note}; the dashed lines are the averages that split the quadrants.",
    )
with interactions_column:
    components.chart(
        f"Top {top} brands by interactions", marts.top_brands(brands, "popularity_rank", top), charts.top_by_events,
        docs.column("brand_engagement", "popularity_rank"),
    )

velocity_column, repeat_column = st.columns(2, gap="large")
with velocity_column:
    components.chart(
        f"Sales velocity, top {top} brands by purchases after a view", marts.brand_velocity(source, top),
        charts.sales_velocity,
        docs.model("brand_sales_velocity"),
    )
with repeat_column:
    min_buyers = docs.project_vars.get("brand_repeat_min_buyers")
    components.chart(
        f"Repeat-purchase rate, top {top} brands", marts.brand_repeat_rates(source, top), charts.repeat_purchase_rate,
        docs.column("brand_repeat_purchase_rate", "repeat_purchase_rate"),
        note=f"Brands with at least {min_buyers} buyers (brand_repeat_min_buyers in dbt_project.yml).",
    )
