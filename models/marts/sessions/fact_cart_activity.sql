-- The session-products with a cart or a removal event, with their session's month and whether it ended with a
-- purchase: the rows every cart abandonment mart cuts (macros/cart_abandonment_segments.sql), joined to the
-- sessions once instead of once per mart (4 % of the session-products on 30M generated events).
with

session_products as (

    select * from {{ ref('int_events_aggregated_to_session_products') }}

),

sessions as (

    select * from {{ ref('fact_sessions') }}

),

final as (

    select
        sessions.month_start_date,
        session_products.user_id,
        session_products.session_id,
        session_products.product_id,
        session_products.carts > 0 as has_cart,
        session_products.carts > 0 and not sessions.has_purchase as is_abandoned,
        session_products.carts,
        session_products.removals,
        session_products.cart_value

    from session_products
    inner join sessions
        on session_products.session_id = sessions.session_id
    where
        session_products.carts > 0
        or session_products.removals > 0

)

select * from final
