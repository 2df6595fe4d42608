"""The dashboard's entry point: `python -m dashboard` (or `make dashboard`, or `streamlit run dashboard/app.py`)."""

from pathlib import Path

import streamlit as st

from dashboard.components import warehouse_errors
from dashboard.serving import refuse_unless_local

VIEWS = Path(__file__).parent / "views"

st.set_page_config(page_title="Clickstream dashboards", page_icon=":material/monitoring:", layout="wide")
refuse_unless_local()
page = st.navigation([
    st.Page(VIEWS / "executive.py", title="Executive", icon=":material/finance:", default=True),
    st.Page(VIEWS / "brands.py", title="Brands", icon=":material/sell:", url_path="brands"),
    st.Page(VIEWS / "funnel.py", title="Funnel", icon=":material/filter_alt:", url_path="funnel"),
    st.Page(VIEWS / "customers.py", title="Customers", icon=":material/group:", url_path="customers"),
])
with warehouse_errors():
    page.run()
