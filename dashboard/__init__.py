"""The Streamlit dashboard: the executive, brand and funnel pages, read from the dbt marts only."""
