{#- numerator / denominator as a double, null when the denominator is 0 or null. Athena divides integers
    as integers (7 / 2 = 3) and DuckDB as doubles (3.5): casting the numerator to a double first gives the
    same ratio on both, so one implementation serves every engine (no dispatch). -#}
{% macro safe_divide(numerator, denominator) -%}
    cast({{ numerator }} as {{ clickstream.type_double() }}) / nullif({{ denominator }}, 0)
{%- endmacro %}
