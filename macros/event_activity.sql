{#- What a group of events did, as aggregate columns over staging rows: the events of each step (views, carts,
    removals, purchases), the value of the cart events and the revenue of the purchases (0 without any). One
    definition for the session-products and the product-days. -#}
{% macro event_activity() -%}
    count(case when event_type = 'view' then 1 end) as views,
    count(case when event_type = 'cart' then 1 end) as carts,
    count(case when event_type = 'remove_from_cart' then 1 end) as removals,
    count(case when event_type = 'purchase' then 1 end) as purchases,
    coalesce(
        sum(case when event_type = 'cart' then price end),
        0
    ) as cart_value,
    coalesce(
        sum(case when event_type = 'purchase' then price end),
        0
    ) as revenue
{%- endmacro %}
