-- Incremental (dbt_project.yml): a build rewrites only the days that received rows landed since the last
-- build, each day whole, from all of its lake rows. So an exact duplicate of an event built before, landed
-- later in another file, is still kept once, and a late file for a day built long ago is taken in.
{#- What makes an event (macros/event_columns.sql). -#}
{%- set event_columns = event_columns() %}
{#- Only the rows of the landings completed when this model starts: never part of a landing
    (macros/completed_landings.sql). -#}
{%- set completed = of_completed_landings('landed_at') %}
{#- The days this build writes: every day of the lake on a full build, else those with rows landed since. -#}
{%- set days_query = 'select distinct event_date from ' ~ source('clickstream', 'events') %}
{%- set days_query = days_query ~ ' where ' ~ completed %}
{%- if is_incremental() %}
    {%- set days_query = days_query ~ ' and landed_at > ' ~ landed_watermark('last_landed_at') %}
{%- endif %}
{#- An event's duplicates share its time, so its day: the days are built apart where the engine gains by it,
    each by the query in this block (macros/engine/for_each_day.sql). -#}
{% call(rows_of_the_days) for_each_day('event_date', days_query, every_day=not is_incremental()) %}
with

source as (

    select * from {{ source('clickstream', 'events') }}
    where {{ rows_of_the_days }} and {{ completed }}

),

cleaned as (

    select
        cast(event_time as timestamp) as event_at,
        lower(trim(event_type)) as event_type,
        cast(product_id as bigint) as product_id,
        cast(category_id as bigint) as category_id,
        nullif(lower(trim(category_code)), '') as category_code,
        nullif(lower(trim(brand)), '') as brand,
        cast(price as decimal(10, 2)) as price,
        cast(user_id as bigint) as user_id,
        nullif(trim(user_session), '') as session_id,
        landed_at

    from source

),

-- Exact duplicate rows of the raw files are kept once, here and only here.
deduplicated as (

    select
        {{ event_columns | join(',\n        ') }},
        min(landed_at) as landed_at,
        max(landed_at) as last_landed_at

    from cleaned
    group by
        {{ event_columns | join(',\n        ') }}

),

final as (

    select
        {{ surrogate_key(event_columns) }} as event_id,
        {{ event_columns | join(',\n        ') }},
        landed_at,
        last_landed_at,
        -- Last: the partition column on Athena (dbt_project.yml).
        cast(event_at as date) as event_date

    from deduplicated

)

select * from final
{%- endcall %}
