-- What each session did with each product, aggregated once: the product funnel and cart abandonment read
-- this instead of the events.
with

events as (

    select * from {{ ref('stg_clickstream__events') }}

),

final as (

    select
        user_id,
        session_id,
        product_id,
        min(event_at) as first_event_at,
        max(event_at) as last_event_at,
        min(case when event_type = 'view' then event_at end) as first_viewed_at,
        count(*) as events,
        count(case when event_type = 'view' then 1 end) as views,
        count(case when event_type = 'cart' then 1 end) as carts,
        count(case when event_type = 'remove_from_cart' then 1 end) as removals,
        count(case when event_type = 'purchase' then 1 end) as purchases,
        coalesce(
            sum(case when event_type = 'cart' then price end),
            0
        ) as cart_value,
        coalesce(
            sum(case when event_type = 'purchase' then price end),
            0
        ) as revenue

    from events
    group by
        user_id,
        session_id,
        product_id

)

select * from final
