-- Sessions are counted once per category, however many of its products they touched: the per-product
-- counts of product_funnel do not add up to these.
with

session_products as (

    select * from {{ ref('int_events_aggregated_to_session_products') }}

),

products as (

    select * from {{ ref('dim_product') }}

),

activity as (

    select
        products.category_id,
        products.category_code,
        products.category_main,
        cast(sum(session_products.views) as bigint) as views,
        cast(sum(session_products.carts) as bigint) as carts,
        cast(sum(session_products.purchases) as bigint) as purchases,
        sum(session_products.revenue) as revenue,
        count(
            distinct case when session_products.views > 0 then session_products.session_id end
        ) as sessions_with_view,
        count(
            distinct case when session_products.carts > 0 then session_products.session_id end
        ) as sessions_with_cart,
        count(
            distinct case when session_products.purchases > 0 then session_products.session_id end
        ) as sessions_with_purchase

    from session_products
    inner join products
        on session_products.product_id = products.product_id
    group by
        products.category_id,
        products.category_code,
        products.category_main

),

final as (

    select
        category_id,
        category_code,
        category_main,
        views,
        carts,
        purchases,
        revenue,
        sessions_with_view,
        sessions_with_cart,
        sessions_with_purchase,
        round({{ safe_divide('sessions_with_cart', 'sessions_with_view') }}, 4) as view_to_cart_rate,
        round({{ safe_divide('sessions_with_purchase', 'sessions_with_cart') }}, 4) as cart_to_purchase_rate

    from activity

)

select * from final
