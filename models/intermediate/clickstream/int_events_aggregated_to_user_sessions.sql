-- The session aggregation, done once: every per-session and per-user mart reads this instead of the
-- events. It adds up the session's products (int_events_aggregated_to_session_products), a smaller table
-- than the events.
-- Incremental (dbt_project.yml): the user-sessions whose products changed since the last build are recomputed
-- whole, and written with the other user-sessions of the days they start on (whole days: delete+insert on
-- DuckDB, insert_overwrite of partitions on Athena). A session may run past midnight and continue in a later
-- file: its start day is rewritten, whatever the days of its new events.
with

{% if is_incremental() %}

{{ touched_user_sessions(
    'session_date',
    source=ref('int_events_aggregated_to_session_products'),
    source_landed_at='last_landed_at',
    source_date='first_event_date'
) }}

{% endif %}

user_sessions as (

    select
        user_id,
        session_id,
        min(first_event_at) as first_event_at,
        max(last_event_at) as last_event_at,
        {{ session_activity_summed() }},
        -- Last: the partition column on Athena (dbt_project.yml).
        cast(min(first_event_at) as date) as session_date

    from {{ 'touched_rows' if is_incremental() else ref('int_events_aggregated_to_session_products') }}
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
