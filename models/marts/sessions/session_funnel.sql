-- A session belongs to the month it started in, so the months add up to the whole (kpi_summary).
with

sessions as (

    select * from {{ ref('fact_sessions') }}

),

monthly as (

    select
        month_start_date,
        count(*) as sessions,
        count(case when has_view then 1 end) as sessions_with_view,
        count(case when has_cart then 1 end) as sessions_with_cart,
        count(case when has_purchase then 1 end) as sessions_with_purchase

    from sessions
    group by month_start_date

),

final as (

    select
        month_start_date,
        {{ format_year_month('month_start_date') }} as month_label,
        sessions,
        sessions_with_view,
        sessions_with_cart,
        sessions_with_purchase,
        {{ funnel_rates() }}

    from monthly

)

select * from final
