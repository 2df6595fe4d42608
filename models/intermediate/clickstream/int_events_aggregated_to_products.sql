with

events as (

    select * from {{ ref('stg_clickstream__events') }}

),

-- The latest event by a total order (event_order_key): category and price come from that one row, the
-- brand from the latest row that has one (the same row when it has a brand), whatever the row order.
final as (

    select
        product_id,
        {{ arg_max('brand', event_order_key()) }} filter (where brand is not null) as brand,
        {{ arg_max('category_id', event_order_key()) }} as category_id,
        {{ arg_max('price', event_order_key()) }} as price,
        min(event_at) as first_seen_at,
        max(event_at) as last_seen_at

    from events
    group by product_id

)

select * from final
