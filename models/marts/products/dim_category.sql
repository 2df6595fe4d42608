-- The staging model is read by name in two places, not through a CTE: DuckDB materializes a CTE that is read
-- twice, which here would copy the whole table.
with

-- When each category was last seen, and last seen with a code.
seen as (

    select
        category_id,
        coalesce(max(case when category_code is not null then event_at end), max(event_at)) as last_coded_at

    from {{ ref('stg_clickstream__events') }}
    group by category_id

),

-- Only the events at the category's latest coded time (its latest time when it never had a code) can hold
-- the latest code: ordering those few by the whole key (below) gives the same code as ordering every event.
latest_events as (

    select events.*
    from {{ ref('stg_clickstream__events') }} as events
    inner join seen
        on
            events.category_id = seen.category_id
            and events.event_at = seen.last_coded_at

),

categories as (

    select
        category_id,
        -- The latest code by a total order (event_order_key), so ties in time always pick the same one.
        {{ arg_max('category_code', event_order_key()) }} filter (
            where category_code is not null
        ) as category_code

    from latest_events
    group by category_id

),

final as (

    select
        category_id,
        category_code,
        {{ category_level('category_code', 1) }} as category_main,
        {{ category_level('category_code', 2) }} as category_sub,
        coalesce(
            {{ category_level('category_code', 3) }},
            {{ category_level('category_code', 2) }},
            {{ category_level('category_code', 1) }}
        ) as category_leaf

    from categories

)

select * from final
