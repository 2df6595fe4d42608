"""The dashboard's entry point: `streamlit run dashboard/app.py` (or `make dashboard`)."""

from pathlib import Path

import streamlit as st

from dashboard.components import warehouse_errors

VIEWS = Path(__file__).parent / "views"

st.set_page_config(page_title="Clickstream dashboards", page_icon=":material/monitoring:", layout="wide")
page = st.navigation([
    st.Page(VIEWS / "executive.py", title="Executive", icon=":material/finance:", default=True),
    st.Page(VIEWS / "brands.py", title="Brands", icon=":material/sell:", url_path="brands"),
    st.Page(VIEWS / "funnel.py", title="Funnel", icon=":material/filter_alt:", url_path="funnel"),
])
with warehouse_errors():
    page.run()
