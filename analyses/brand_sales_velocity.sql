-- Brand dashboard: sales velocity, the time from a user's first view of a product to their purchase of it,
-- per brand (brand as recorded on the purchase). Purchases without an earlier view of the product by the
-- same user are left out.
with

events as (

    select * from {{ ref('stg_clickstream__events') }}

),

purchases as (

    select * from {{ ref('fact_purchases') }}

),

first_views as (

    select
        user_id,
        product_id,
        min(event_at) as first_viewed_at

    from events
    where event_type = 'view'
    group by
        user_id,
        product_id

),

purchase_delays as (

    select
        purchases.brand,
        {{ dbt.datediff(
            'first_views.first_viewed_at', 'purchases.purchased_at', 'second'
        ) }} as seconds_to_purchase  -- noqa: LT05 (dbt's datediff is one long line on DuckDB)

    from purchases
    inner join first_views
        on
            purchases.user_id = first_views.user_id
            and purchases.product_id = first_views.product_id
            and purchases.purchased_at >= first_views.first_viewed_at
    where purchases.brand is not null

),

final as (

    select
        brand,
        count(*) as purchases_after_view,
        round(avg(seconds_to_purchase) / 60.0, 1) as average_minutes_to_purchase,
        round(min(seconds_to_purchase) / 60.0, 1) as fastest_minutes_to_purchase,
        round(max(seconds_to_purchase) / 60.0, 1) as slowest_minutes_to_purchase

    from purchase_delays
    group by brand

)

select * from final
order by purchases_after_view desc, brand asc
