with

sessions as (

    select * from {{ ref('fact_sessions') }}

),

monthly as (

    select
        session_month as month_start_date,
        count(*) as sessions,
        count(case when has_view then 1 end) as sessions_with_view,
        count(case when has_cart then 1 end) as sessions_with_cart,
        count(case when has_purchase then 1 end) as sessions_with_purchase

    from sessions
    group by session_month

),

-- A session belongs to the month it started in, so the months add up to the whole.
periods as (

    select
        {{ format_year_month('month_start_date') }} as funnel_period,
        'month' as period_type,
        month_start_date,
        sessions,
        sessions_with_view,
        sessions_with_cart,
        sessions_with_purchase

    from monthly

    union all

    select
        'overall' as funnel_period,
        'overall' as period_type,
        cast(null as date) as month_start_date,
        cast(coalesce(sum(sessions), 0) as bigint) as sessions,
        cast(coalesce(sum(sessions_with_view), 0) as bigint) as sessions_with_view,
        cast(coalesce(sum(sessions_with_cart), 0) as bigint) as sessions_with_cart,
        cast(coalesce(sum(sessions_with_purchase), 0) as bigint) as sessions_with_purchase

    from monthly

),

final as (

    select
        funnel_period,
        period_type,
        month_start_date,
        sessions,
        sessions_with_view,
        sessions_with_cart,
        sessions_with_purchase,
        round({{ safe_divide('sessions_with_cart', 'sessions_with_view') }}, 4) as view_to_cart_rate,
        round(
            {{ safe_divide('sessions_with_purchase', 'sessions_with_cart') }}, 4
        ) as cart_to_purchase_rate,
        round(
            {{ safe_divide('sessions_with_purchase', 'sessions_with_view') }}, 4
        ) as view_to_purchase_rate,
        round({{ safe_divide('sessions_with_purchase', 'sessions') }}, 4) as session_conversion_rate

    from periods

)

select * from final
