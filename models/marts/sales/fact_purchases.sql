with

events as (

    select * from {{ ref('stg_clickstream__events') }}

),

orders as (

    select * from {{ ref('int_purchases_aggregated_to_orders') }}

),

purchases as (

    select * from events
    where event_type = 'purchase'

),

final as (

    select
        purchases.event_id as purchase_id,
        orders.order_id,
        purchases.event_at as purchased_at,
        {{ hour_key('purchases.event_at') }} as hour_key,
        purchases.user_id,
        purchases.session_id,
        purchases.product_id,
        purchases.category_id,
        purchases.brand,
        purchases.category_code,
        purchases.price,
        -- Last: the partition column on Athena (dbt_project.yml).
        purchases.event_date as purchase_date

    from purchases
    -- A sessionless purchase belongs to its user's sessionless order: null matches null here.
    inner join orders
        on
            purchases.user_id = orders.user_id
            and purchases.session_id is not distinct from orders.session_id

)

select * from final
