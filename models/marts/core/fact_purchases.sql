with

events as (

    select * from {{ ref('stg_clickstream__events') }}

),

purchases as (

    select * from events
    where event_type = 'purchase'

),

final as (

    select
        event_id as purchase_id,
        {{ surrogate_key(['user_id', 'session_id']) }} as order_id,
        event_at as purchased_at,
        event_date as purchase_date,
        {{ hour_key('event_at') }} as time_key,
        user_id,
        session_id,
        product_id,
        category_id,
        brand,
        category_code,
        price

    from purchases

)

select * from final
