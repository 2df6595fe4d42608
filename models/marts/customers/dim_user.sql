with

user_sessions as (

    select * from {{ ref('int_events_aggregated_to_user_sessions') }}

),

orders as (

    select * from {{ ref('int_purchases_aggregated_to_orders') }}

),

users as (

    select
        user_id,
        min(first_event_at) as first_seen_at,
        max(last_event_at) as last_seen_at,
        count(session_id) as sessions,
        cast(sum(events) as bigint) as events

    from user_sessions
    group by user_id

),

user_orders as (

    select
        user_id,
        count(*) as orders,
        cast(sum(purchases) as bigint) as purchases,
        sum(revenue) as lifetime_revenue,
        min(first_purchased_at) as first_purchase_at,
        max(last_purchased_at) as last_purchase_at

    from orders
    group by user_id

),

final as (

    select
        users.user_id,
        users.first_seen_at,
        users.last_seen_at,
        users.sessions,
        users.events,
        coalesce(user_orders.purchases, 0) as purchases,
        coalesce(user_orders.orders, 0) as orders,
        coalesce(user_orders.lifetime_revenue, 0) as lifetime_revenue,
        user_orders.user_id is not null as is_customer,
        coalesce(user_orders.purchases > 1, false) as is_repeat_customer,
        coalesce(user_orders.orders > 1, false) as is_returning_customer,
        user_orders.first_purchase_at,
        user_orders.last_purchase_at

    from users
    left join user_orders
        on users.user_id = user_orders.user_id

)

select * from final
