with

purchases as (

    select * from {{ ref('fact_purchases') }}

),

categories as (

    select * from {{ ref('dim_category') }}

),

purchases_categorised as (

    select
        purchases.user_id,
        purchases.price,
        -- A third of the events have no category code: they stay in the ranking as one 'unknown' group.
        coalesce(categories.category_main, 'unknown') as category_main

    from purchases
    left join categories
        on purchases.category_id = categories.category_id

),

by_category as (

    select
        category_main,
        count(*) as purchases,
        sum(price) as revenue,
        count(distinct user_id) as buyers

    from purchases_categorised
    group by category_main

),

with_total as (

    select
        *,
        sum(revenue) over () as total_revenue

    from by_category

),

final as (

    select
        category_main,
        purchases,
        revenue,
        buyers,
        round({{ safe_divide('revenue', 'total_revenue') }}, 4) as revenue_share,
        rank() over (order by revenue desc) as revenue_rank

    from with_total

)

select * from final
