"""Executive page: the original QuickSight dashboard, rebuilt on the executive marts."""

import streamlit as st

from dashboard import charts, components, marts
from dashboard.formatting import count, money

source = components.warehouse()
docs = components.definitions()
kpis = marts.kpis(source)
selected = components.filters(source)
components.header("Executive", "Revenue, customers and their lifetime value", source, kpis)

components.kpi_row([
    ("Lifetime revenue", money(kpis["revenue"]), docs.column("kpi_summary", "revenue")),
    ("Average customer LTV", money(kpis["average_customer_ltv"]), docs.column("kpi_summary", "average_customer_ltv")),
    ("Total customers", count(kpis["customers"]), docs.column("kpi_summary", "customers")),
    ("Repeat customers", count(kpis["repeat_customers"]), docs.column("kpi_summary", "repeat_customers")),
])
st.caption("_The KPIs are lifetime figures over all the data (kpi_summary): the filters do not apply to them._")

left, right = st.columns(2, gap="large")
with left:
    components.chart(
        "Month-over-month revenue", marts.monthly_revenue(source, selected), charts.monthly_revenue,
        docs.column("fact_monthly_summary", "revenue_change_rate"),
        note=components.scope(selected),
    )
with right:
    components.chart(
        "Revenue by ISO weekday, month by month", marts.weekday_revenue(source, selected), charts.weekday_revenue,
        docs.model("revenue_by_month_weekday"),
        note=components.scope(selected),
    )

brands_column, categories_column, ltv_column = st.columns(3, gap="large")
with brands_column:
    components.chart(
        "Top 5 brands by revenue", marts.top_brands_by_revenue(source, selected), charts.top_by_revenue,
        docs.column("brand_engagement", "revenue_rank"),
        note=components.scope(selected),
    )
with categories_column:
    if selected.category:
        title, definition = f"Top 5 {selected.category} sub-categories", docs.column("dim_category", "category_sub")
    else:
        title, definition = "Top 5 categories by revenue", docs.model("top_categories")
    components.chart(
        title, marts.top_categories(source, selected), charts.top_by_revenue, definition,
        note=components.scope(selected),
    )
with ltv_column:
    components.chart(
        "Customers by LTV segment", marts.ltv_segments(source), charts.ltv_donut,
        docs.model("user_ltv"),
        note="Lifetime value over all the data (user_ltv): the filters do not apply.",
    )
