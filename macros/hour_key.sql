{#- The integer key of a timestamp's hour in dim_time, YYYYMMDDHH (2019100113 = 1 Oct 2019, 13:00 UTC). -#}
{% macro hour_key(timestamp) -%}
    cast(
        extract(year from {{ timestamp }}) * 1000000
        + extract(month from {{ timestamp }}) * 10000
        + extract(day from {{ timestamp }}) * 100
        + extract(hour from {{ timestamp }})
        as bigint
    )
{%- endmacro %}
