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
        {{ product_funnel_activity('session_products') }}

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
        {{ funnel_rates(with_sessions=false) }}

    from activity

)

select * from final
