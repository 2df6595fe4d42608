{#- The month-over-month change of the monthly marts (fact_monthly_summary, revenue_by_month_category): one
    definition of the change rate and of "the month before", so that every mart compares the same way. -#}

{#- (current - previous) / previous, rounded to 4 places (0.25 = +25 %); null when previous is 0 or null. -#}
{% macro change_rate(current, previous) -%}
    round({{ safe_divide(current ~ ' - ' ~ previous, previous) }}, 4)
{%- endmacro %}

{#- The first day of the calendar month before a month's first day, as a date: joined on, a month without rows
    has no previous month (not the previous row). -#}
{% macro previous_month_start(month_start_date) -%}
    cast({{ dbt.dateadd('month', -1, month_start_date) }} as date)
{%- endmacro %}
