with

events as (

    select * from {{ ref('stg_clickstream__events') }}

),

-- One pass over the events, the brandless ones included so that market share has the whole revenue.
by_brand as (

    select
        brand,
        count(*) as events,
        count(distinct session_id) as sessions,
        count(distinct user_id) as shoppers,
        count(case when event_type = 'purchase' then 1 end) as purchases,
        count(distinct case
            when event_type = 'purchase'
                then {{ surrogate_key(['user_id', 'session_id']) }}
        end) as orders,
        coalesce(sum(case when event_type = 'purchase' then price end), 0) as revenue

    from events
    group by brand

),

with_totals as (

    select
        *,
        sum(revenue) over () as total_revenue

    from by_brand

),

brands as (

    select
        brand,
        events,
        sessions,
        shoppers,
        purchases,
        orders,
        revenue,
        {{ safe_divide('revenue', 'total_revenue') }} as market_share,
        {{ safe_divide('events', 'sessions') }} as stickiness,
        {{ safe_divide('purchases', 'sessions') }} as conversion_rate,
        {{ safe_divide('revenue', 'orders') }} as average_order_value,
        ln(nullif(sessions, 0)) as log_sessions,
        sessions >= {{ var('brand_quadrant_min_sessions') }} as is_in_matrix

    from with_totals
    where brand is not null

),

-- The averages that split the matrix, over the brands with enough sessions only.
thresholds as (

    select
        avg(log_sessions) as average_log_sessions,
        avg(conversion_rate) as average_conversion_rate

    from brands
    where is_in_matrix

),

final as (

    select
        brands.brand,
        brands.revenue,
        round(brands.market_share, 6) as market_share,
        brands.events,
        brands.sessions,
        brands.shoppers,
        brands.purchases,
        brands.orders,
        round(brands.stickiness, 4) as stickiness,
        round(brands.conversion_rate, 4) as conversion_rate,
        round(brands.average_order_value, 2) as average_order_value,
        rank() over (order by brands.revenue desc) as revenue_rank,
        rank() over (order by brands.events desc) as popularity_rank,
        case
            when not brands.is_in_matrix then 'Too Few Sessions'
            when
                brands.log_sessions >= thresholds.average_log_sessions
                and brands.conversion_rate >= thresholds.average_conversion_rate
                then 'Market Leaders'
            when brands.conversion_rate >= thresholds.average_conversion_rate then 'Niche Gems'
            when brands.log_sessions >= thresholds.average_log_sessions then 'Window Shoppers'
            else 'Underperformers'
        end as performance_quadrant,
        -- Where the matrix is split, published so that a chart draws the lines without redoing the logic.
        round(exp(thresholds.average_log_sessions), 2) as matrix_split_sessions,
        round(thresholds.average_conversion_rate, 4) as matrix_split_conversion_rate

    from brands
    cross join thresholds

)

select * from final
