{#- The value of `value` on the row with the greatest `order_by` in the group (an aggregate). -#}
{% macro arg_max(value, order_by) -%}
    {{ return(adapter.dispatch('arg_max', 'clickstream')(value, order_by)) }}
{%- endmacro %}

{% macro default__arg_max(value, order_by) -%}
    max_by({{ value }}, {{ order_by }})
{%- endmacro %}

{% macro duckdb__arg_max(value, order_by) -%}
    arg_max({{ value }}, {{ order_by }})
{%- endmacro %}

