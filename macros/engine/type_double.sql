{#- A double-precision float: `double` on DuckDB and on Athena alike, so no dispatch. dbt's `type_float` is
    single precision (FLOAT) on DuckDB and would silently round the ratios. -#}
{% macro type_double() -%}
    double
{%- endmacro %}
