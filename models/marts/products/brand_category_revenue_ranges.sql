-- Brands ranked by revenue within each top-level category, over every range of whole months (the dashboard's
-- date and main category filters).
{{ revenue_over_month_ranges('brand', within=['category_main']) }}
