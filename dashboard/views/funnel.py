"""Funnel page: sessions from view to cart to purchase, month by month, from session_funnel."""

import streamlit as st

from dashboard import charts, components, marts
from dashboard.formatting import count, percent

shown = components.page("Funnel", "Sessions from view to cart to purchase", with_category=False)
source, docs, selected = shown.source, shown.docs, shown.selected
st.sidebar.caption("Sessions have no category: only the dates apply on this page.")

funnel = marts.funnel(source, selected)
total = funnel.total
components.kpi_row([
    ("Sessions", count(total["sessions"]), docs.column("session_funnel", "sessions")),
    ("View to cart", percent(total["view_to_cart_rate"], 2), docs.column("session_funnel", "view_to_cart_rate")),
    ("Cart to purchase", percent(total["cart_to_purchase_rate"], 2),
     docs.column("session_funnel", "cart_to_purchase_rate")),
    ("Session conversion rate", percent(total["session_conversion_rate"], 2),
     docs.column("session_funnel", "session_conversion_rate")),
])
st.caption(f"_Sessions that started in {components.months(selected)}._")

left, right = st.columns(2, gap="large")
with left:
    components.chart(
        "Sessions with a view, a cart event, a purchase, by month", funnel.months, charts.session_funnel,
        docs.model("session_funnel"),
        note="Each bar: the sessions of the step, on a log scale; the rates between the steps are charted beside.",
    )
with right:
    components.chart(
        "Funnel rates by month", funnel.months, charts.funnel_rates,
        *(components.labelled(name, docs.column("session_funnel", column))
          for column, name in charts.FUNNEL_RATES.items()),
    )
