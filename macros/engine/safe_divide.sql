{#- numerator / denominator as a double, null when the denominator is 0 or null. Athena divides integers
    as integers (7 / 2 = 3) and DuckDB as doubles (3.5): casting first gives the same ratio everywhere. -#}
{% macro safe_divide(numerator, denominator) -%}
    {{ return(adapter.dispatch('safe_divide', 'clickstream')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__safe_divide(numerator, denominator) -%}
    cast({{ numerator }} as {{ clickstream.type_double() }}) / nullif({{ denominator }}, 0)
{%- endmacro %}

{% macro duckdb__safe_divide(numerator, denominator) -%}
    cast({{ numerator }} as double) / nullif({{ denominator }}, 0)
{%- endmacro %}

{% macro athena__safe_divide(numerator, denominator) -%}
    try(cast({{ numerator }} as double) / nullif({{ denominator }}, 0))
{%- endmacro %}
