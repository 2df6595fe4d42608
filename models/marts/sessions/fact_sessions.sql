with

user_sessions as (

    select * from {{ ref('int_events_aggregated_to_user_sessions') }}

),

sessions as (

    select
        session_id,
        -- 591 November sessions carry more than one user id: the lowest one stands for the session.
        min(user_id) as user_id,
        count(*) as users,
        min(first_event_at) as started_at,
        max(last_event_at) as ended_at,
        cast(sum(events) as bigint) as events,
        cast(sum(views) as bigint) as views,
        cast(sum(carts) as bigint) as carts,
        cast(sum(removals) as bigint) as removals,
        cast(sum(purchases) as bigint) as purchases,
        sum(revenue) as revenue

    from user_sessions
    where session_id is not null
    group by session_id

),

final as (

    select
        session_id,
        user_id,
        users,
        started_at,
        ended_at,
        cast({{ dbt.date_trunc('month', 'started_at') }} as date) as month_start_date,
        events,
        views,
        carts,
        removals,
        purchases,
        revenue,
        views > 0 as has_view,
        carts > 0 as has_cart,
        purchases > 0 as has_purchase,
        -- Last: the partition column on Athena (dbt_project.yml).
        cast(started_at as date) as session_date

    from sessions

)

select * from final
