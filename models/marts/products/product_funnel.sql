with

product_days as (

    select * from {{ ref('int_events_aggregated_to_product_days') }}

),

products as (

    select * from {{ ref('dim_product') }}

),

session_steps as (

    select * from {{ ref('int_product_session_steps') }}

),

events_by_step as (

    select
        product_days.product_id,
        {{ product_funnel_activity('product_days') }}

    from product_days
    group by product_days.product_id

),

-- The distinct sessions at each step, counted as rows of the set of those seen (macros/first_seen.sql).
sessions_by_step as (

    select
        session_steps.product_id,
        {{ sessions_at_each_step('session_steps') }}

    from session_steps
    group by session_steps.product_id

),

activity as (

    select
        events_by_step.product_id,
        events_by_step.views,
        events_by_step.carts,
        events_by_step.purchases,
        events_by_step.revenue,
        coalesce(sessions_by_step.sessions_with_view, 0) as sessions_with_view,
        coalesce(sessions_by_step.sessions_with_cart, 0) as sessions_with_cart,
        coalesce(sessions_by_step.sessions_with_purchase, 0) as sessions_with_purchase

    from events_by_step
    left join sessions_by_step
        on events_by_step.product_id = sessions_by_step.product_id

),

final as (

    select
        activity.product_id,
        products.brand,
        products.category_id,
        products.category_main,
        activity.views,
        activity.carts,
        activity.purchases,
        activity.revenue,
        activity.sessions_with_view,
        activity.sessions_with_cart,
        activity.sessions_with_purchase,
        {{ funnel_rates('activity', with_sessions=false) }}

    from activity
    inner join products
        on activity.product_id = products.product_id

)

select * from final
