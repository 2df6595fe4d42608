with

events as (

    select * from {{ ref('stg_clickstream__events') }}

),

final as (

    select
        product_id,
        {{ arg_max('brand', 'event_at') }} filter (where brand is not null) as brand,
        {{ arg_max('category_id', 'event_at') }} as category_id,
        {{ arg_max('price', 'event_at') }} as price,
        min(event_at) as first_seen_at,
        max(event_at) as last_seen_at

    from events
    group by product_id

)

select * from final
