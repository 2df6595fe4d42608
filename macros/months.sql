{#- The from clause that pairs every range of whole months with the months in it: `first_month` and
    `last_month` (first <= last) and `in_range`, each a row of `months` (a relation with `month_start_date`).
    Select from it grouped by the first and last month to get one row per range. One definition for the marts
    over ranges of months (session_funnel_ranges, the revenue rankings). -#}
{% macro month_ranges_from(months) -%}
    from {{ months }} as first_month
    inner join {{ months }} as last_month
        on first_month.month_start_date <= last_month.month_start_date
    inner join {{ months }} as in_range
        on
            first_month.month_start_date <= in_range.month_start_date
            and last_month.month_start_date >= in_range.month_start_date
{%- endmacro %}

{#- The leading columns of a monthly mart cut by segments: the month, its label and each segment column, each
    followed by a comma. -#}
{% macro month_and_segments(segments) -%}
    month_start_date,
        {{ format_year_month('month_start_date') }} as month_label,
        {%- for segment in segments %}
        {{ segment }},
        {%- endfor %}
{%- endmacro %}
