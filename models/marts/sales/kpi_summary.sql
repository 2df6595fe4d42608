with

users as (

    select * from {{ ref('dim_user') }}

),

purchases as (

    select * from {{ ref('fact_purchases') }}

),

funnel_ranges as (

    select * from {{ ref('session_funnel_ranges') }}

),

customer_totals as (

    select
        count(*) as active_shoppers,
        count(case when is_customer then 1 end) as customers,
        count(case when is_repeat_customer then 1 end) as repeat_customers,
        count(case when is_returning_customer then 1 end) as returning_customers

    from users

),

purchase_totals as (

    select
        max(purchased_at) as last_purchased_at,
        count(*) as purchases,
        count(distinct order_id) as orders,
        coalesce(sum(price), 0) as revenue

    from purchases

),

-- The session funnel over all sessions: session_funnel_ranges' range from the first month to the last, so
-- that the overall funnel is the monthly one summed, never counted a second way.
session_funnel as (

    select *
    from funnel_ranges
    order by first_month_start_date asc, last_month_start_date desc
    limit 1

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
        -- No session at all leaves session_funnel_ranges empty: then 0 sessions, and no rate.
        coalesce(session_funnel.sessions, 0) as sessions,
        coalesce(session_funnel.sessions_with_view, 0) as sessions_with_view,
        coalesce(session_funnel.sessions_with_cart, 0) as sessions_with_cart,
        coalesce(session_funnel.sessions_with_purchase, 0) as sessions_with_purchase,
        session_funnel.view_to_cart_rate,
        session_funnel.cart_to_purchase_rate,
        session_funnel.view_to_purchase_rate,
        session_funnel.session_conversion_rate

    from purchase_totals
    cross join customer_totals
    left join session_funnel
        on true

)

select * from final
