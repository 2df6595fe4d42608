{#- A total order over the distinct events of the staging model, for picking a group's latest event with
    `arg_max`: the event time first, then every other column, so that events in the same millisecond are
    ordered the same way on every engine, run and thread count (an `arg_max` over the time alone picks any of
    them, and two `arg_max` calls may pick two different rows). Nullable columns count as ''; the row compares
    field by field on DuckDB and Athena alike, so no dispatch. -#}
{% macro event_order_key() -%}
    row(
        event_at,
        event_type,
        category_id,
        coalesce(category_code, ''),
        coalesce(brand, ''),
        price,
        user_id,
        coalesce(session_id, ''),
        product_id
    )
{%- endmacro %}
