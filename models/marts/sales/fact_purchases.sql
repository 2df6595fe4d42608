-- Incremental (dbt_project.yml): whole days are rewritten, those with a purchase landed since the last build
-- and the later days of the same buyers, whose order sequence a new (or late) order can change.
with

events as (

    select * from {{ ref('stg_clickstream__events') }}

),

orders as (

    select * from {{ ref('int_purchases_aggregated_to_orders') }}

),

all_purchases as (

    select * from events
    where event_type = 'purchase'

),

{% if is_incremental() %}

new_by_buyer as (

    select
        user_id,
        min(event_at) as first_new_at

    from all_purchases
    where landed_at > {{ landed_watermark() }}
    group by user_id

),

rewritten_dates as (

    select distinct all_purchases.event_date
    from all_purchases
    inner join new_by_buyer
        on
            all_purchases.user_id = new_by_buyer.user_id
            and all_purchases.event_at >= new_by_buyer.first_new_at

),

{% endif %}

purchases as (

    select * from all_purchases
    {%- if is_incremental() %}
    where event_date in (select rewritten_dates.event_date from rewritten_dates)
    {%- endif %}

),

final as (

    select
        purchases.event_id as purchase_id,
        orders.order_id,
        purchases.event_at as purchased_at,
        {{ hour_key('purchases.event_at') }} as hour_key,
        purchases.user_id,
        purchases.session_id,
        purchases.product_id,
        purchases.category_id,
        purchases.brand,
        purchases.category_code,
        purchases.price,
        orders.order_sequence,
        orders.order_sequence = 1 as is_first_order,
        purchases.landed_at,
        -- Last: the partition column on Athena (dbt_project.yml).
        purchases.event_date as purchase_date

    from purchases
    -- A sessionless purchase belongs to its user's sessionless order: null matches null here.
    inner join orders
        on
            purchases.user_id = orders.user_id
            and purchases.session_id is not distinct from orders.session_id

)

select * from final
