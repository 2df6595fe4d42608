{#- Each combination of `keys` seen on an event (the brand with a session or a user, the same per month, a
    session with a product or a category and a step, a product with a category), with the landing of the first
    event that showed it: a set that only grows, as the lake only grows. An incremental build reads the events
    landed after the set's latest first landing and appends the combinations it does not hold; a full build
    reads every event. A mart then counts a brand's sessions or a product's sessions at each step as rows, with
    no distinct count over the whole history at every build (17 to 21 s of node time each a day on 30M events).
    An event with a null key is in no combination: a session is a non-empty session id (shared by several users
    or not, DATASET.md), so these counts are exactly what `count(distinct ...)` counted. `this` is read by name
    in `not exists`, for the reason the incremental macros give. -#}
{% macro first_seen(keys) -%}
with

events as (

    select
        cast({{ dbt.date_trunc('month', 'event_date') }} as date) as month_start_date,
        brand,
        session_id,
        user_id,
        product_id,
        category_id,
        event_type,
        landed_at

    from {{ ref('stg_clickstream__events') }}
    {%- if is_incremental() %}
    where landed_at > {{ landed_watermark('first_landed_at') }}
    {%- endif %}

),

seen as (

    select
        {%- for key in keys %}
        {{ key }},
        {%- endfor %}
        min(landed_at) as first_landed_at

    from events
    where
        {%- for key in keys %}
        {% if not loop.first %}and {% endif %}{{ key }} is not null
        {%- endfor %}
    group by {{ keys | join(', ') }}

)

select seen.*
from seen
{%- if is_incremental() %}
where not exists (
    select 1
    from {{ this }} as held
    where
        {%- for key in keys %}
        {% if not loop.first %}and {% endif %}held.{{ key }} = seen.{{ key }}
        {%- endfor %}
)
{%- endif %}
{%- endmacro %}
