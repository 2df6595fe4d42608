-- The session aggregation, done once: every per-session and per-user mart reads this instead of the events.
-- Incremental (dbt_project.yml): the user-sessions with events landed since the last build are recomputed
-- whole from all of their events, and written with the other user-sessions of the days they start on (whole
-- days: delete+insert on DuckDB, insert_overwrite of partitions on Athena). A session may run past midnight
-- and continue in a later file: its start day is rewritten, whatever the days of its new events.
with

{% if is_incremental() %}

{{ touched_user_sessions('session_date') }}

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

    from {{ 'touched_events' if is_incremental() else ref('stg_clickstream__events') }}
    group by
        user_id,
        session_id

),

{% if is_incremental() %}

{{ untouched_rows_of_rewritten_days('user_sessions', 'session_date') }}

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
