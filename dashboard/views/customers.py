"""Customers page: cohort retention, RFM segments, cart abandonment and the brands bought together, from the
customer and product marts."""

import streamlit as st

from dashboard import charts, components, marts
from dashboard.formatting import count

source = components.warehouse()
docs = components.definitions()
kpis = marts.kpis(source)
selected = components.filters(source)
components.header("Customers", "Retention, segments, abandoned carts and brands bought together", source, kpis)

st.sidebar.header("Customers")
top = st.sidebar.slider("Brand pairs", min_value=5, max_value=25, value=10, key="top_pairs",
                        persist_state="session", bind="query-params",
                        help="How many of the brand pairs bought together most often the table lists.")

components.kpi_row([
    ("Total customers", count(kpis["customers"]), docs.column("kpi_summary", "customers")),
    ("Repeat customers", count(kpis["repeat_customers"]), docs.column("kpi_summary", "repeat_customers")),
])
st.caption("_The KPIs are lifetime figures over all the data (kpi_summary): the filters do not apply to them._")

left, right = st.columns(2, gap="large")
with left:
    components.chart(
        "Cohort retention", marts.cohorts(source, selected), charts.cohort_heatmap,
        docs.model("customer_cohorts"), docs.column("customer_cohorts", "retention_rate"),
        note=f"Cohorts that first bought in {components.months(selected)}; the category filter does not apply.",
    )
with right:
    components.chart(
        "Customers by RFM segment", marts.rfm_segments(source), charts.rfm_segments,
        docs.column("customer_rfm", "rfm_segment"),
        note="Customers over all the data (customer_rfm), labelled with their lifetime revenue: the filters do not "
             "apply.",
    )

abandonment_column, categories_column = st.columns(2, gap="large")
with abandonment_column:
    components.chart(
        "Cart abandonment by month", marts.abandonment(source, selected), charts.abandonment_by_month,
        docs.column("cart_abandonment_monthly", "abandonment_rate"),
        note=components.scope(selected),
    )
with categories_column:
    components.chart(
        "Cart abandonment by main category", marts.abandonment_by_category(source, selected),
        charts.abandonment_by_category,
        docs.model("cart_abandonment_by_category"),
        note=f"{components.months(selected)}; every category, whatever the category filter.",
    )

components.chart(
    f"Top {top} brand pairs bought in the same order", marts.brand_pairs(source, top), charts.brand_pairs,
    docs.model("product_affinity"),
    note="Over all the data (product_affinity): the filters do not apply.",
)
