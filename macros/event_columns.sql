{#- What makes an event: two lake rows equal in all of these columns, as staging types them, are one event,
    whatever their landing. The staging model keeps each event once and keys it by them (`event_id`). -#}
{% macro event_columns() -%}
    {{ return([
        'event_at', 'event_type', 'product_id', 'category_id', 'category_code', 'brand', 'price', 'user_id',
        'session_id'
    ]) }}
{%- endmacro %}
