"""Executive page: the original QuickSight dashboard, rebuilt on the executive marts."""

import streamlit as st

from dashboard import charts, components, marts
from dashboard.formatting import money

shown = components.page("Executive", "Revenue, customers and their lifetime value")
source, docs, kpis, selected = shown.source, shown.docs, shown.kpis, shown.selected

components.lifetime_kpi_row([
    ("Lifetime revenue", money(kpis["revenue"]), docs.column("kpi_summary", "revenue")),
    ("Average customer LTV", money(kpis["average_customer_ltv"]), docs.column("kpi_summary", "average_customer_ltv")),
    *components.customer_cards(shown),
])

if selected.category:
    categories_title = f"Top 5 {selected.category} sub-categories"
    categories_definition = docs.model("subcategory_revenue_ranges")
else:
    categories_title, categories_definition = "Top 5 categories by revenue", docs.model("category_revenue_ranges")
# Each chart with its title, what it reads and draws, and its definitions; all of them follow the filters.
filtered_charts = [
    ("Month-over-month revenue", marts.monthly_revenue, charts.monthly_revenue,
     [docs.column("fact_monthly_summary", "revenue_change_rate")]),
    ("Revenue by ISO weekday, month by month", marts.weekday_revenue, charts.weekday_revenue,
     [docs.model("revenue_by_month_weekday")]),
    ("Top 5 brands by revenue", marts.top_brands_by_revenue, charts.top_by_revenue,
     [docs.column("brand_revenue_ranges", "revenue_rank")]),
    (categories_title, marts.top_categories, charts.top_by_revenue, [categories_definition]),
]
columns = [*st.columns(2, gap="large"), *st.columns(3, gap="large")]
for column, (title, read, draw, definitions) in zip(columns[:-1], filtered_charts, strict=True):
    with column:
        components.chart(title, read(source, selected), draw, *definitions, note=components.scope(selected))
with columns[-1]:
    components.chart(
        "Customers by LTV segment", marts.ltv_segments(source), lambda rows: charts.ltv_donut(rows, kpis["customers"]),
        docs.model("user_ltv"),
        note="Lifetime value over all the data (user_ltv): the filters do not apply.",
    )
