-- Incremental (dbt_project.yml): the sessions whose user-sessions changed since the last build are
-- recomputed whole, and written with the other sessions of the days they start on (whole days, as the
-- intermediate model).
{%- set user_sessions_to_aggregate = 'touched_user_sessions' if is_incremental() else 'user_sessions' %}
with

user_sessions as (

    select * from {{ ref('int_events_aggregated_to_user_sessions') }}

),

{% if is_incremental() %}

-- The intermediate model and this table are read by name below, not through a CTE: DuckDB materializes a CTE
-- that is read twice, which here would copy the whole table.
changed as (

    select
        session_id,
        session_date

    from {{ ref('int_events_aggregated_to_user_sessions') }}
    where
        session_id is not null
        and last_landed_at > {{ landed_watermark('last_landed_at') }}

),

touched as (

    select distinct session_id
    from changed

),

touched_before as (

    select previous.*
    from {{ this }} as previous
    inner join touched
        on previous.session_id = touched.session_id

),

-- Every user-session of a touched session starts on or after the session's earliest start, before or now.
scan_from as (

    select min(session_date) as session_date
    from (
        select session_date from touched_before
        union all
        select session_date from changed
    ) as starts

),

touched_user_sessions as (

    select user_sessions.*
    from user_sessions
    inner join touched
        on user_sessions.session_id = touched.session_id
    where user_sessions.session_date >= {{ scan_from_day('session_date') }}

),

{% endif %}

sessions as (

    select
        session_id,
        -- 591 November sessions carry more than one user id: the lowest one stands for the session.
        min(user_id) as user_id,
        count(*) as users,
        min(first_event_at) as started_at,
        max(last_event_at) as ended_at,
        {{ session_activity_summed() }}

    from {{ user_sessions_to_aggregate }}
    where session_id is not null
    group by session_id

),

recomputed as (

    select
        session_id,
        user_id,
        users,
        started_at,
        ended_at,
        cast({{ dbt.date_trunc('month', 'started_at') }} as date) as month_start_date,
        events,
        views,
        carts,
        removals,
        purchases,
        revenue,
        views > 0 as has_view,
        carts > 0 as has_cart,
        purchases > 0 as has_purchase,
        last_landed_at,
        -- Last: the partition column on Athena (dbt_project.yml).
        cast(started_at as date) as session_date

    from sessions

),

{% if is_incremental() %}

-- The days rewritten: where the touched sessions start now, and where they started before.
rewritten_dates as (

    select session_date from recomputed
    union
    select session_date from touched_before

),

untouched as (

    select previous.*
    from {{ this }} as previous
    where
        previous.session_date in (select rewritten_dates.session_date from rewritten_dates)
        and previous.session_id not in (select touched.session_id from touched)

),

final as (

    select * from recomputed
    union all
    select * from untouched

)

{% else %}

final as (

    select * from recomputed

)

{% endif %}

select * from final
