-- revenue_by_month_weekday per top-level category: the grain the dashboard's category filter needs.
{{ revenue_by_month_weekday(['category_main']) }}
