with

session_products as (

    select * from {{ ref('int_events_aggregated_to_session_products') }}

),

products as (

    select * from {{ ref('dim_product') }}

),

activity as (

    select
        session_products.product_id,
        {{ product_funnel_activity('session_products') }}

    from session_products
    group by session_products.product_id

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
        {{ funnel_rates('activity', with_sessions=false) }}

    from activity
    inner join products
        on activity.product_id = products.product_id

)

select * from final
