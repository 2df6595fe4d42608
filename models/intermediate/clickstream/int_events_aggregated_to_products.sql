with

-- When each product was first and last seen, and last seen with a brand; and its events at those last times,
-- from the events that were at a product's first or latest times when built (a small part of them, which
-- holds every event at those times: int_product_first_and_latest_events).
{{ latest_events(
    key='product_id',
    events=ref('int_product_first_and_latest_events'),
    latest_at={
        'last_seen_at': 'max(event_at)',
        'last_branded_at': 'max(case when brand is not null then event_at end)',
    },
    also={'first_seen_at': 'min(event_at)'},
) }}

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
