{#- The product funnel's event counts, as aggregate columns over rows that carry them (`relation`: the alias of
    int_events_aggregated_to_product_days, or of product_funnel to add products up): the events of each step
    and the revenue. One definition for product_funnel and category_funnel. -#}
{% macro product_funnel_activity(relation) -%}
    cast(sum({{ relation }}.views) as bigint) as views,
    cast(sum({{ relation }}.carts) as bigint) as carts,
    cast(sum({{ relation }}.purchases) as bigint) as purchases,
    sum({{ relation }}.revenue) as revenue
{%- endmacro %}

{#- The sessions that reached each step, as aggregate columns over rows of a set of sessions and steps that
    holds each of them once per group (`relation`: the alias of int_product_session_steps, or of the category
    steps in category_funnel): a session counted once per group however many of its products it touched. -#}
{% macro sessions_at_each_step(relation) -%}
    count(case when {{ relation }}.event_type = 'view' then 1 end) as sessions_with_view,
    count(case when {{ relation }}.event_type = 'cart' then 1 end) as sessions_with_cart,
    count(case when {{ relation }}.event_type = 'purchase' then 1 end) as sessions_with_purchase
{%- endmacro %}
