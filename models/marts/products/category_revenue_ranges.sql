-- Top-level categories ranked by revenue over every range of whole months (the dashboard's date filter).
{{ revenue_over_month_ranges('category_main') }}
