with

-- When each category was last seen with a code (last seen when never coded), and its events at that time.
{{ latest_events(
    key='category_id',
    latest_at={
        'last_coded_at': 'coalesce(max(case when category_code is not null then event_at end), max(event_at))',
    },
) }}

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
