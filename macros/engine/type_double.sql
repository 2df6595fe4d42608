{#- A double-precision float. dbt's `type_float` is single precision (FLOAT) on DuckDB. -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'clickstream')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__type_double() -%}
    double
{%- endmacro %}

{% macro athena__type_double() -%}
    double
{%- endmacro %}
