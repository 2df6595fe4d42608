with

users as (

    select * from {{ ref('dim_user') }}

),

sessions as (

    select * from {{ ref('fact_sessions') }}

),

purchases as (

    select * from {{ ref('fact_purchases') }}

),

customer_totals as (

    select
        count(*) as active_shoppers,
        count(case when is_customer then 1 end) as customers,
        count(case when is_repeat_customer then 1 end) as repeat_customers,
        count(case when is_returning_customer then 1 end) as returning_customers

    from users

),

session_totals as (

    select
        count(*) as sessions,
        count(case when has_view then 1 end) as sessions_with_view,
        count(case when has_cart then 1 end) as sessions_with_cart,
        count(case when has_purchase then 1 end) as sessions_with_purchase

    from sessions

),

purchase_totals as (

    select
        max(purchased_at) as last_purchased_at,
        count(*) as purchases,
        count(distinct order_id) as orders,
        coalesce(sum(price), 0) as revenue

    from purchases

),

-- The session funnel over all sessions, beside the monthly rows of session_funnel.
session_funnel as (

    select
        sessions,
        sessions_with_view,
        sessions_with_cart,
        sessions_with_purchase,
        {{ funnel_rates() }}

    from session_totals

),

final as (

    select
        1 as kpi_summary_id,
        purchase_totals.last_purchased_at,
        purchase_totals.revenue,
        purchase_totals.purchases,
        purchase_totals.orders,
        customer_totals.customers,
        round(
            {{ safe_divide('purchase_totals.revenue', 'customer_totals.customers') }}, 2
        ) as average_customer_ltv,
        round(
            {{ safe_divide('purchase_totals.revenue', 'purchase_totals.orders') }}, 2
        ) as average_order_value,
        customer_totals.repeat_customers,
        customer_totals.returning_customers,
        customer_totals.active_shoppers,
        session_funnel.sessions,
        session_funnel.sessions_with_view,
        session_funnel.sessions_with_cart,
        session_funnel.sessions_with_purchase,
        session_funnel.view_to_cart_rate,
        session_funnel.cart_to_purchase_rate,
        session_funnel.view_to_purchase_rate,
        session_funnel.session_conversion_rate

    from purchase_totals
    cross join customer_totals
    cross join session_funnel

)

select * from final
