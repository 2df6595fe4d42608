-- Brand dashboard: the 10 brands with the most interactions (events of any type), with their revenue and
-- conversion.
with

brands as (

    select * from {{ ref('brand_engagement') }}

),

final as (

    select
        popularity_rank,
        brand,
        events as interactions,
        sessions,
        purchases,
        revenue,
        conversion_rate,
        performance_quadrant

    from brands
    where popularity_rank <= 10

)

select * from final
order by popularity_rank asc, brand asc
