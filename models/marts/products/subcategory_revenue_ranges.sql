-- Second-level categories ranked by revenue within their top-level category, over every range of whole months
-- (the dashboard's date and main category filters).
{{ revenue_over_month_ranges('category_sub', within=['category_main']) }}
