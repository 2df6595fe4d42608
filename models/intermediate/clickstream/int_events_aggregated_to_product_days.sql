-- What happened to each product on each UTC day: the events of each step and the revenue, which
-- product_funnel adds up per product, from a table of one row per product and day (a fraction of the
-- session-products' rows). Incremental (dbt_project.yml), as staging: a build rewrites the days of the
-- staging rows written since its last build, each day whole, from all of that day's events (whole days:
-- delete+insert on DuckDB, insert_overwrite of partitions on Athena).
with

events as (

    select * from {{ ref('stg_clickstream__events') }}
    {%- if is_incremental() %}
    where {{ in_dates('event_date', 'select distinct event_date from ' ~ ref('stg_clickstream__events')
        ~ ' where last_landed_at > ' ~ landed_watermark('last_landed_at'), of_date_column=true) }}
    {%- endif %}

),

final as (

    select
        product_id,
        {{ event_activity() }},
        max(last_landed_at) as last_landed_at,
        -- Last: the partition column on Athena (dbt_project.yml).
        event_date

    from events
    group by
        product_id,
        event_date

)

select * from final
