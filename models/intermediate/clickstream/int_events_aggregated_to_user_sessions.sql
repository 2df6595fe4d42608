-- The session aggregation, done once: every per-session and per-user mart reads this instead of the events.
-- Incremental (dbt_project.yml): the user-sessions with events landed since the last build are recomputed
-- whole from all of their events, and written with the other user-sessions of the days they start on (whole
-- days: delete+insert on DuckDB, insert_overwrite of partitions on Athena). A session may run past midnight
-- and continue in a later file: its start day is rewritten, whatever the days of its new events.
{%- set events_to_aggregate = 'touched_events' if is_incremental() else 'events' %}
with

events as (

    select * from {{ ref('stg_clickstream__events') }}

),

{% if is_incremental() %}

-- The staging model and this table are read by name below, not through a CTE: DuckDB materializes a CTE that
-- is read twice, which here would copy the whole table. The staging model keeps an event's earliest landing,
-- so a duplicate landed again touches nothing.
new_events as (

    select
        user_id,
        session_id,
        event_date

    from {{ ref('stg_clickstream__events') }}
    where landed_at > {{ landed_watermark('last_landed_at') }}

),

touched as (

    select distinct
        user_id,
        session_id

    from new_events

),

touched_before as (

    select previous.*
    from {{ this }} as previous
    inner join touched
        on
            previous.user_id = touched.user_id
            and previous.session_id is not distinct from touched.session_id

),

-- Every event of a touched user-session is on or after its earliest start, before or now.
scan_from as (

    select min(event_date) as event_date
    from (
        select session_date as event_date from touched_before
        union all
        select event_date from new_events
    ) as starts

),

touched_events as (

    select events.*
    from events
    inner join touched
        on
            events.user_id = touched.user_id
            and events.session_id is not distinct from touched.session_id
    where events.event_date >= (select scan_from.event_date from scan_from)

),

{% endif %}

user_sessions as (

    select
        user_id,
        session_id,
        min(event_at) as first_event_at,
        max(event_at) as last_event_at,
        count(*) as events,
        count(case when event_type = 'view' then 1 end) as views,
        count(case when event_type = 'cart' then 1 end) as carts,
        count(case when event_type = 'remove_from_cart' then 1 end) as removals,
        count(case when event_type = 'purchase' then 1 end) as purchases,
        coalesce(
            sum(case when event_type = 'purchase' then price end),
            0
        ) as revenue,
        max(landed_at) as last_landed_at,
        -- Last: the partition column on Athena (dbt_project.yml).
        cast(min(event_at) as date) as session_date

    from {{ events_to_aggregate }}
    group by
        user_id,
        session_id

),

{% if is_incremental() %}

-- The days rewritten: where the touched user-sessions start now, and where they started before.
rewritten_dates as (

    select session_date from user_sessions
    union
    select session_date from touched_before

),

untouched as (

    select previous.*
    from {{ this }} as previous
    where
        previous.session_date in (select rewritten_dates.session_date from rewritten_dates)
        and not exists (
            select 1
            from touched
            where
                touched.user_id = previous.user_id
                and touched.session_id is not distinct from previous.session_id
        )

),

final as (

    select * from user_sessions
    union all
    select * from untouched

)

{% else %}

final as (

    select * from user_sessions

)

{% endif %}

select * from final
