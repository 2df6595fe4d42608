{#- The cart abandonment marts cut by segment: one row per month a session started in and each of `segments`
    (a list of 'brand' and/or 'category_main', the product's current ones, 'unknown' when it has none). A
    session abandons its cart when it has a cart event and ends without any purchase (fact_sessions), so the
    segments of a month describe the same sessions as cart_abandonment_monthly, which is the cut with no
    segment. One body for every cut, over the session-products with a cart or a removal
    (fact_cart_activity). -#}
{% macro cart_abandonment_segments(segments) -%}
with

cart_rows as (

    select * from {{ ref('fact_cart_activity') }}

),

products as (

    select * from {{ ref('dim_product') }}

),

cart_activity as (

    select
        cart_rows.month_start_date,
        {%- for segment in segments %}
        coalesce(products.{{ segment }}, 'unknown') as {{ segment }},
        {%- endfor %}
        cart_rows.session_id,
        cart_rows.has_cart,
        cart_rows.is_abandoned,
        cart_rows.carts,
        cart_rows.removals,
        cart_rows.cart_value

    from cart_rows
    inner join products
        on cart_rows.product_id = products.product_id

),

by_segment as (

    select
        month_start_date,
        {%- for segment in segments %}
        {{ segment }},
        {%- endfor %}
        count(distinct case when has_cart then session_id end) as sessions_with_cart,
        count(distinct case when is_abandoned then session_id end) as abandoned_sessions,
        cast(sum(carts) as bigint) as carts,
        cast(sum(removals) as bigint) as removals,
        sum(cart_value) as cart_value,
        sum(case when is_abandoned then cart_value else 0 end) as abandoned_cart_value

    from cart_activity
    group by
        month_start_date
        {%- for segment in segments %},
        {{ segment }}
        {%- endfor %}

),

final as (

    select
        {{ month_and_segments(segments) }}
        sessions_with_cart,
        abandoned_sessions,
        round({{ safe_divide('abandoned_sessions', 'sessions_with_cart') }}, 4) as abandonment_rate,
        carts,
        removals,
        cart_value,
        abandoned_cart_value

    from by_segment

)

select * from final
{%- endmacro %}
