-- The events from which int_events_aggregated_to_products takes each product's attributes: every event that,
-- when it was built, was at one of its product's extreme times (its first, its latest, its latest with a
-- brand), once. A set that only grows, as the lake does: an event stays when a later one takes its place, and
-- the events at a product's extreme times are always among these rows, so the attributes computed from them
-- equal those computed from every event, from a table a fraction of the events' size. An incremental build
-- reads the events landed after the set's latest landing and adds those at the new extreme times of their
-- products, computed from the new events and the rows held for the same products.
{%- set columns = [
    'event_id', 'event_at', 'event_type', 'product_id', 'category_id', 'category_code', 'brand', 'price',
    'user_id', 'session_id', 'landed_at',
] | join(', ') %}
{%- set watermark = landed_watermark('landed_at') if is_incremental() else none %}
with

-- The new events and, incrementally, the rows held for their products. The staging model is read by name in
-- each CTE that needs it, for the reason latest_events gives.
candidates as (

    select {{ columns }}
    from {{ ref('stg_clickstream__events') }}
    {%- if is_incremental() %}
    where landed_at > {{ watermark }}

    union all

    select {{ columns }}
    from {{ this }}
    where product_id in (
        select product_id
        from {{ ref('stg_clickstream__events') }}
        where landed_at > {{ watermark }}
    )
    {%- endif %}

),

-- Each product's first, latest and latest branded times, from the new events and the rows held for them.
{{ latest_times(
    key='product_id',
    events='candidates',
    latest_at={
        'first_seen_at': 'min(event_at)',
        'last_seen_at': 'max(event_at)',
        'last_branded_at': 'max(case when brand is not null then event_at end)',
    },
) }}

new_events as (

    select {{ columns }}
    from {{ ref('stg_clickstream__events') }}
    {%- if is_incremental() %}
    where landed_at > {{ watermark }}
    {%- endif %}

),

final as (

    select new_events.*
    from new_events
    inner join latest_times
        on
            new_events.product_id = latest_times.product_id
            and new_events.event_at = latest_times.event_at
    {%- if is_incremental() %}
    where not exists (
        select 1
        from {{ this }} as held
        where held.event_id = new_events.event_id
    )
    {%- endif %}

)

select * from final
