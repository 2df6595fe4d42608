with

{{ brand_activity(by_month=false) }}

brands as (

    select
        brand,
        events,
        sessions,
        shoppers,
        purchases,
        orders,
        revenue,
        market_share,
        stickiness,
        conversion_rate,
        {{ safe_divide('revenue', 'orders') }} as average_order_value,
        ln(nullif(sessions, 0)) as log_sessions,
        sessions >= {{ var('brand_quadrant_min_sessions') }} as is_in_matrix

    from activity

),

-- The averages that split the matrix, over the brands with enough sessions only.
thresholds as (

    select
        avg(log_sessions) as average_log_sessions,
        avg(conversion_rate) as average_conversion_rate,
        avg(stickiness) as average_stickiness

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
        coalesce(
            brands.is_in_matrix
            and brands.stickiness >= thresholds.average_stickiness
            and brands.conversion_rate < thresholds.average_conversion_rate,
            false
        ) as is_high_stickiness_low_conversion,
        -- Where the matrix is split, published so that a chart draws the lines without redoing the logic.
        round(exp(thresholds.average_log_sessions), 2) as matrix_split_sessions,
        round(thresholds.average_conversion_rate, 4) as matrix_split_conversion_rate,
        round(thresholds.average_stickiness, 4) as average_matrix_stickiness

    from brands
    cross join thresholds

)

select * from final
