-- The five brands with the most revenue, for `make demo-report`.
with

brands as (

    select * from {{ ref('brand_engagement') }}

),

final as (

    select
        revenue_rank,
        brand,
        revenue,
        round(market_share * 100, 1) as market_share_pct,
        purchases,
        performance_quadrant

    from brands
    where revenue_rank <= 5

)

select * from final
order by revenue_rank asc, brand asc
