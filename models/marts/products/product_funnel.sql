with

session_products as (

    select * from {{ ref('int_events_aggregated_to_session_products') }}

),

products as (

    select * from {{ ref('dim_product') }}

),

activity as (

    select
        product_id,
        cast(sum(views) as bigint) as views,
        cast(sum(carts) as bigint) as carts,
        cast(sum(purchases) as bigint) as purchases,
        sum(revenue) as revenue,
        count(distinct case when views > 0 then session_id end) as sessions_with_view,
        count(distinct case when carts > 0 then session_id end) as sessions_with_cart,
        count(distinct case when purchases > 0 then session_id end) as sessions_with_purchase

    from session_products
    group by product_id

),

final as (

    select
        activity.product_id,
        products.brand,
        products.category_id,
        products.category_main,
        activity.views,
        activity.carts,
        activity.purchases,
        activity.revenue,
        activity.sessions_with_view,
        activity.sessions_with_cart,
        activity.sessions_with_purchase,
        round({{ safe_divide('activity.sessions_with_cart', 'activity.sessions_with_view') }}, 4)
            as view_to_cart_rate,
        round({{ safe_divide('activity.sessions_with_purchase', 'activity.sessions_with_cart') }}, 4)
            as cart_to_purchase_rate

    from activity
    inner join products
        on activity.product_id = products.product_id

)

select * from final
