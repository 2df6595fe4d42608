-- Incremental (dbt_project.yml): whole days are rewritten, those with a purchase landed since the last build
-- and the later days of the same buyers, whose order sequence a new (or late) order can change.
{%- if is_incremental() %}
{#- The days to rewrite: those of the purchases landed since the last build, and the later days of the same
    buyers. Read when the model is compiled and written as literals, so that DuckDB reads only those days of
    staging (its zone maps skip the others) and Athena only those partitions: reading every purchase of the
    history took 4.4 s of a 5 s build on 30M events. -#}
{%- set rewritten_dates_query -%}
    select distinct later.event_date
    from {{ ref('stg_clickstream__events') }} as later
    inner join (
        select
            user_id,
            min(event_at) as first_new_at
        from {{ ref('stg_clickstream__events') }}
        where event_type = 'purchase' and landed_at > {{ landed_watermark() }}
        group by user_id
    ) as new_by_buyer
        on later.user_id = new_by_buyer.user_id and later.event_at >= new_by_buyer.first_new_at
    where later.event_type = 'purchase'
{%- endset %}
{%- endif %}
with

events as (

    select * from {{ ref('stg_clickstream__events') }}

),

orders as (

    select * from {{ ref('int_purchases_aggregated_to_orders') }}

),

purchases as (

    select * from events
    where event_type = 'purchase'
    {%- if is_incremental() %}
        and {{ in_dates('event_date', rewritten_dates_query, of_date_column=true) }}
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
