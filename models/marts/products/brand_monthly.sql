-- brand_engagement per month: the grain the dashboard filters on and the semantic layer's brand metrics read.
with

{{ brand_activity(by_month=true) }}

final as (

    select
        month_start_date,
        {{ format_year_month('month_start_date') }} as month_label,
        brand,
        events,
        sessions,
        shoppers,
        purchases,
        orders,
        revenue,
        total_revenue as month_revenue,
        round(market_share, 6) as market_share,
        round(stickiness, 4) as stickiness,
        round(conversion_rate, 4) as conversion_rate

    from activity

)

select * from final
