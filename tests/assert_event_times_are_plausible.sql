-- Every event happened inside the plausible window [min_event_time, max_event_time) of the project vars (by
-- default the landing's own window): a stray timestamp that got past the landing fails the build instead of
-- stretching the calendar and the monthly marts. Returns one row per implausible event.
with

events as (

    select * from {{ ref('stg_clickstream__events') }}

),

final as (

    select
        event_id,
        event_at

    from events
    where
        event_at < cast('{{ var("min_event_time") }}' as timestamp)
        or event_at >= cast('{{ var("max_event_time") }}' as timestamp)

)

select * from final
