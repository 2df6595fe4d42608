{#- A query returning one row per hour, column `hour_at`, from `first_hour` to `last_hour` inclusive, where
    both are columns of the one-row relation `bounds` (a CTE name). -#}
{% macro hour_series(bounds, first_hour, last_hour) -%}
    {{ return(adapter.dispatch('hour_series', 'clickstream')(bounds, first_hour, last_hour)) }}
{%- endmacro %}

{% macro default__hour_series(bounds, first_hour, last_hour) -%}
    select hours.hour_at
    from {{ bounds }}
    cross join lateral generate_series(
        {{ first_hour }}, {{ last_hour }}, interval '1 hour'
    ) as hours (hour_at)
{%- endmacro %}

{% macro duckdb__hour_series(bounds, first_hour, last_hour) -%}
    select unnest(generate_series({{ first_hour }}, {{ last_hour }}, interval 1 hour)) as hour_at
    from {{ bounds }}
{%- endmacro %}

{% macro athena__hour_series(bounds, first_hour, last_hour) -%}
    select hours.hour_at
    from {{ bounds }}
    cross join unnest(sequence({{ first_hour }}, {{ last_hour }}, interval '1' hour)) as hours (hour_at)
{%- endmacro %}
