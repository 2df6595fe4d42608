with

user_sessions as (

    select * from {{ ref('int_events_aggregated_to_user_sessions') }}

),

users as (

    select
        user_id,
        min(first_event_at) as first_seen_at,
        max(last_event_at) as last_seen_at,
        count(session_id) as sessions,
        cast(sum(events) as bigint) as events,
        cast(sum(purchases) as bigint) as purchases,
        count(case when purchases > 0 then 1 end) as orders,
        sum(revenue) as revenue,
        min(first_purchase_at) as first_purchase_at,
        max(last_purchase_at) as last_purchase_at

    from user_sessions
    group by user_id

),

final as (

    select
        user_id,
        first_seen_at,
        last_seen_at,
        sessions,
        events,
        purchases,
        orders,
        revenue,
        purchases > 0 as is_customer,
        purchases > 1 as is_repeat_customer,
        orders > 1 as is_returning_customer,
        first_purchase_at,
        last_purchase_at

    from users

)

select * from final
