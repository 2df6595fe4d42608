"""Customers page: cohort retention, RFM segments, cart abandonment and the brands bought together, from the
customer and product marts."""

import streamlit as st

from dashboard import charts, components, marts

shown = components.page("Customers", "Retention, segments, abandoned carts and brands bought together")
source, docs, selected = shown.source, shown.docs, shown.selected

st.sidebar.header("Customers")
top = components.top_slider("Brand pairs", "top_pairs", 5, 25, 10,
                            "How many of the brand pairs bought together most often each table lists.")

components.lifetime_kpi_row(components.customer_cards(shown))

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

same_order, within_minutes = st.columns(2, gap="large")
with same_order:
    components.chart(
        f"Top {top} brand pairs bought in the same order", marts.brand_pairs(source, top), charts.brand_pairs,
        docs.model("product_affinity"),
        note="Over all the data (product_affinity): the filters do not apply.",
    )
with within_minutes:
    minutes = docs.project_vars.get("brand_pair_window_minutes")
    components.chart(
        f"Top {top} brand pairs bought by one user within {minutes} minutes",
        marts.brand_pairs_within_minutes(source, top), charts.brand_pairs_within_minutes,
        docs.model("brand_pairs_bought_together"),
        note="Over all the data (brand_pairs_bought_together): the filters do not apply.",
    )
