-- When in the week the revenue comes in, month by month (the executive dashboard's weekday chart).
{{ revenue_by_month_weekday() }}
