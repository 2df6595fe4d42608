-- brand_engagement per month: the grain the dashboard filters on and the semantic layer's brand metrics read.
with

{{ brand_activity(by_month=true) }}

final as (

    select
        traffic.month_start_date,
        {{ format_year_month('traffic.month_start_date') }} as month_label,
        traffic.brand,
        traffic.events,
        traffic.sessions,
        traffic.shoppers,
        coalesce(sales.purchases, 0) as purchases,
        coalesce(sales.orders, 0) as orders,
        coalesce(sales.revenue, 0) as revenue,
        coalesce(totals.total_revenue, 0) as month_revenue,
        round({{ safe_divide('coalesce(sales.revenue, 0)', 'totals.total_revenue') }}, 6) as market_share,
        round({{ safe_divide('traffic.events', 'traffic.sessions') }}, 4) as stickiness,
        round({{ safe_divide('coalesce(sales.purchases, 0)', 'traffic.sessions') }}, 4) as conversion_rate

    from traffic
    left join sales
        on
            traffic.month_start_date = sales.month_start_date
            and traffic.brand = sales.brand
    left join totals
        on traffic.month_start_date = totals.month_start_date

)

select * from final
