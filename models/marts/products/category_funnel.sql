-- Sessions are counted once per category, however many of its products they touched: the per-product
-- counts of product_funnel do not add up to these. A product is in its current category (dim_product).
-- The session-product steps are read by name twice below, not through a CTE: DuckDB materializes a CTE that
-- is read twice, here a copy of the whole set (0.4 s of this model's 1.4 s on 30M generated events).
with

product_funnel as (

    select * from {{ ref('product_funnel') }}

),

categories as (

    select * from {{ ref('dim_category') }}

),

products as (

    select * from {{ ref('dim_product') }}

),

category_session_steps as (

    select * from {{ ref('int_category_session_steps') }}

),

product_categories as (

    select * from {{ ref('int_product_categories') }}

),

events_by_step as (

    select
        product_funnel.category_id,
        {{ product_funnel_activity('product_funnel') }}

    from product_funnel
    group by product_funnel.category_id

),

-- A session whose products were only ever seen in one category each is in the categories recorded on its
-- events, which are their current ones: its steps are rows of the set int_category_session_steps, with no
-- distinct count over the whole history at every build. A session with an event on a product seen in more
-- than one category (rare: 125 of 199,016 products on 30M generated events) is counted from its products'
-- current categories instead, whichever category its events recorded.
recategorized_products as (

    select product_categories.product_id
    from product_categories
    group by product_categories.product_id
    having count(*) > 1

),

recategorized_sessions as (

    select distinct session_steps.session_id
    from {{ ref('int_product_session_steps') }} as session_steps
    inner join recategorized_products
        on session_steps.product_id = recategorized_products.product_id

),

recategorized_steps as (

    select distinct
        products.category_id,
        session_steps.session_id,
        session_steps.event_type

    from {{ ref('int_product_session_steps') }} as session_steps
    inner join recategorized_sessions
        on session_steps.session_id = recategorized_sessions.session_id
    inner join products
        on session_steps.product_id = products.product_id

),

steps as (

    select
        category_session_steps.category_id,
        category_session_steps.event_type

    from category_session_steps
    left join recategorized_sessions
        on category_session_steps.session_id = recategorized_sessions.session_id
    where recategorized_sessions.session_id is null

    union all

    select
        recategorized_steps.category_id,
        recategorized_steps.event_type

    from recategorized_steps

),

sessions_by_step as (

    select
        steps.category_id,
        {{ sessions_at_each_step('steps') }}

    from steps
    group by steps.category_id

),

final as (

    select
        events_by_step.category_id,
        categories.category_code,
        categories.category_main,
        events_by_step.views,
        events_by_step.carts,
        events_by_step.purchases,
        events_by_step.revenue,
        coalesce(sessions_by_step.sessions_with_view, 0) as sessions_with_view,
        coalesce(sessions_by_step.sessions_with_cart, 0) as sessions_with_cart,
        coalesce(sessions_by_step.sessions_with_purchase, 0) as sessions_with_purchase,
        {{ funnel_rates('sessions_by_step', with_sessions=false) }}

    from events_by_step
    left join sessions_by_step
        on events_by_step.category_id = sessions_by_step.category_id
    left join categories
        on events_by_step.category_id = categories.category_id

)

select * from final
