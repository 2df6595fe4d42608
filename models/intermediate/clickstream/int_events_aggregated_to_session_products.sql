-- What each session did with each product, aggregated once: the user-sessions, the cart activity and sales
-- velocity read this instead of the events. Incremental (dbt_project.yml), as the user-sessions: the
-- user-sessions with events landed since the last build have all of their products recomputed from all of
-- their events, and are written with the other rows of the days they fall on (whole days).
with

{% if is_incremental() %}

{{ touched_user_sessions('first_event_date') }}

{% endif %}

session_products as (

    select
        user_id,
        session_id,
        product_id,
        min(event_at) as first_event_at,
        max(event_at) as last_event_at,
        min(case when event_type = 'view' then event_at end) as first_viewed_at,
        count(*) as events,
        {{ event_activity() }},
        max(landed_at) as last_landed_at,
        -- Last: the partition column on Athena (dbt_project.yml).
        cast(min(event_at) as date) as first_event_date

    from {{ 'touched_rows' if is_incremental() else ref('stg_clickstream__events') }}
    group by
        user_id,
        session_id,
        product_id

),

{% if is_incremental() %}

{{ untouched_rows_of_rewritten_days('session_products', 'first_event_date') }}

final as (

    select * from session_products
    union all
    select * from untouched

)

{% else %}

final as (

    select * from session_products

)

{% endif %}

select * from final
{{ cluster_by('first_event_date') }}
