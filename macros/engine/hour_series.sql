{#- A query returning one row per hour, column `hour_at`, from `first_hour` to `last_hour` inclusive, where
    both are columns of the one-row relation `bounds` (a CTE name). -#}
{% macro hour_series(bounds, first_hour, last_hour) -%}
    {{ return(adapter.dispatch('hour_series', 'clickstream')(bounds, first_hour, last_hour)) }}
{%- endmacro %}

{% macro duckdb__hour_series(bounds, first_hour, last_hour) -%}
    select unnest(generate_series({{ first_hour }}, {{ last_hour }}, interval 1 hour)) as hour_at
    from {{ bounds }}
{%- endmacro %}

{#- Athena: sequence() stops at 10,000 elements (14 months of hours), so days times 24 hours. -#}
{% macro athena__hour_series(bounds, first_hour, last_hour) -%}
    select date_add('hour', hours.hour_offset, cast(days.day_start as timestamp)) as hour_at
    from {{ bounds }}
    cross join unnest(
        sequence(cast({{ first_hour }} as date), cast({{ last_hour }} as date), interval '1' day)
    ) as days (day_start)
    cross join unnest(sequence(0, 23)) as hours (hour_offset)
    where
        date_add('hour', hours.hour_offset, cast(days.day_start as timestamp))
        between {{ first_hour }} and {{ last_hour }}
{%- endmacro %}
