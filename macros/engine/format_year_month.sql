{#- A date or timestamp as its 'YYYY-MM' month label. -#}
{% macro format_year_month(expression) -%}
    {{ return(adapter.dispatch('format_year_month', 'clickstream')(expression)) }}
{%- endmacro %}

{% macro duckdb__format_year_month(expression) -%}
    strftime({{ expression }}, '%Y-%m')
{%- endmacro %}

{% macro athena__format_year_month(expression) -%}
    date_format(cast({{ expression }} as timestamp), '%Y-%m')
{%- endmacro %}
