-- The order, built once: every purchase of one user in one session (the data has no order id). The facts
-- and marts that count orders read it instead of deriving orders from the events themselves.
with

events as (

    select * from {{ ref('stg_clickstream__events') }}

),

purchases as (

    select * from events
    where event_type = 'purchase'

),

orders as (

    select
        {{ surrogate_key(['user_id', 'session_id']) }} as order_id,
        user_id,
        session_id,
        min(event_at) as first_purchased_at,
        max(event_at) as last_purchased_at,
        count(*) as purchases,
        sum(price) as revenue

    from purchases
    group by
        user_id,
        session_id

),

-- The customer's orders numbered by time (the order id breaks a tie), so that the first order is one row.
final as (

    select
        order_id,
        user_id,
        session_id,
        first_purchased_at,
        last_purchased_at,
        purchases,
        revenue,
        row_number() over (
            partition by user_id
            order by first_purchased_at, order_id
        ) as order_sequence

    from orders

)

select * from final
