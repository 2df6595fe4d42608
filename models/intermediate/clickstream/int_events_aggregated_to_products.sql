-- The staging model is read by name in two places, not through a CTE: DuckDB materializes a CTE that is read
-- twice, which here would copy the whole table.
with

-- When each product was first and last seen, and last seen with a brand.
seen as (

    select
        product_id,
        min(event_at) as first_seen_at,
        max(event_at) as last_seen_at,
        max(case when brand is not null then event_at end) as last_branded_at

    from {{ ref('stg_clickstream__events') }}
    group by product_id

),

-- The latest event by a total order (event_order_key) is one of the events at the product's latest time: only
-- those few are ordered by the whole key, which gives the same row as ordering every event, at a fraction of
-- the cost.
latest_events as (

    select
        events.*,
        seen.first_seen_at,
        seen.last_seen_at,
        seen.last_branded_at

    from {{ ref('stg_clickstream__events') }} as events
    inner join seen
        on events.product_id = seen.product_id
    where
        events.event_at = seen.last_seen_at
        or events.event_at = seen.last_branded_at

),

-- Category and price come from the latest row, the brand from the latest row that has one (the same row when
-- it has a brand), whatever the row order.
final as (

    select
        product_id,
        {{ arg_max('brand', event_order_key()) }} filter (
            where brand is not null and event_at = last_branded_at
        ) as brand,
        {{ arg_max('category_id', event_order_key()) }} filter (where event_at = last_seen_at) as category_id,
        {{ arg_max('price', event_order_key()) }} filter (where event_at = last_seen_at) as price,
        min(first_seen_at) as first_seen_at,
        max(last_seen_at) as last_seen_at

    from latest_events
    group by product_id

)

select * from final
