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
        {{ hour_key('event_at') }} as time_key,
        user_id,
        session_id,
        product_id,
        category_id,
        brand,
        category_code,
        price,
        -- Last: the partition column on Athena (dbt_project.yml).
        event_date as purchase_date

    from purchases

)

select * from final
