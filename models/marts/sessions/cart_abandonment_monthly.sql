-- The month's cart abandonment over all sessions: the segments of cart_abandonment share sessions, so their
-- session counts do not add up to the month's.
with

sessions as (

    select * from {{ ref('fact_sessions') }}

),

session_products as (

    select * from {{ ref('int_events_aggregated_to_session_products') }}

),

session_carts as (

    select
        session_id,
        sum(cart_value) as cart_value

    from session_products
    where carts > 0
    group by session_id

),

monthly as (

    select
        sessions.month_start_date,
        count(case when sessions.has_cart then 1 end) as sessions_with_cart,
        count(
            case when sessions.has_cart and not sessions.has_purchase then 1 end
        ) as abandoned_sessions,
        cast(sum(sessions.carts) as bigint) as carts,
        cast(sum(sessions.removals) as bigint) as removals,
        coalesce(sum(session_carts.cart_value), 0) as cart_value,
        coalesce(
            sum(case when not sessions.has_purchase then session_carts.cart_value end),
            0
        ) as abandoned_cart_value

    from sessions
    left join session_carts
        on sessions.session_id = session_carts.session_id
    group by sessions.month_start_date

),

final as (

    select
        month_start_date,
        {{ format_year_month('month_start_date') }} as month_label,
        sessions_with_cart,
        abandoned_sessions,
        round({{ safe_divide('abandoned_sessions', 'sessions_with_cart') }}, 4) as abandonment_rate,
        carts,
        removals,
        cart_value,
        abandoned_cart_value

    from monthly

)

select * from final
