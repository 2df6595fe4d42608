{#- The product funnel's counts, as aggregate columns over session-product rows (`relation`, the alias of
    int_events_aggregated_to_session_products): the events of each step, the revenue, and, `with_sessions`, the
    sessions that reached each step, each session counted once per group however many of its products it
    touched. One definition for product_funnel (which counts its sessions as rows of int_product_session_steps
    instead) and category_funnel. -#}
{% macro product_funnel_activity(relation, with_sessions=true) -%}
    cast(sum({{ relation }}.views) as bigint) as views,
    cast(sum({{ relation }}.carts) as bigint) as carts,
    cast(sum({{ relation }}.purchases) as bigint) as purchases,
    sum({{ relation }}.revenue) as revenue
    {%- if with_sessions %},
    count(distinct case when {{ relation }}.views > 0 then {{ relation }}.session_id end) as sessions_with_view,
    count(distinct case when {{ relation }}.carts > 0 then {{ relation }}.session_id end) as sessions_with_cart,
    count(
        distinct case when {{ relation }}.purchases > 0 then {{ relation }}.session_id end
    ) as sessions_with_purchase
    {%- endif %}
{%- endmacro %}
