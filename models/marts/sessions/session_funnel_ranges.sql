-- The session funnel over every range of whole months (first month to last month, both included): what the
-- dashboard's date filter selects, so that it reads the range's rates instead of computing them. A session
-- belongs to the month it started in, so a range's counts are its months' sums.
with

months as (

    select * from {{ ref('session_funnel') }}

),

ranges as (

    select
        first_month.month_start_date as first_month_start_date,
        last_month.month_start_date as last_month_start_date,
        cast(sum(in_range.sessions) as bigint) as sessions,
        cast(sum(in_range.sessions_with_view) as bigint) as sessions_with_view,
        cast(sum(in_range.sessions_with_cart) as bigint) as sessions_with_cart,
        cast(sum(in_range.sessions_with_purchase) as bigint) as sessions_with_purchase

    {{ month_ranges_from('months') }}
    group by
        first_month.month_start_date,
        last_month.month_start_date

),

final as (

    select
        first_month_start_date,
        last_month_start_date,
        sessions,
        sessions_with_view,
        sessions_with_cart,
        sessions_with_purchase,
        {{ funnel_rates() }}

    from ranges

)

select * from final
