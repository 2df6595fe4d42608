{#- Each combination of `keys` (the brand with a session, a user, and the month as well) seen on an event with a
    brand, with its first landing: a set that only grows, as the lake only grows. An incremental build reads the
    events landed after the set's latest first landing and adds the combinations it has not seen; a full build
    reads every event. The brand marts then count a brand's sessions and shoppers as rows, with no distinct
    count over the whole history at every build (17 s of node time a day on 30M events). Exact: a session is a
    non-empty session id, shared by several users or not (DATASET.md), as `count(distinct ...)` counted it.
    Read by name, not through a CTE, for the reason the incremental macros give. -#}
{% macro brand_first_seen(keys) -%}
with

events as (

    select
        cast({{ dbt.date_trunc('month', 'event_date') }} as date) as month_start_date,
        brand,
        session_id,
        user_id,
        landed_at

    from {{ ref('stg_clickstream__events') }}
    where
        brand is not null
        {%- if is_incremental() %}
        and landed_at > {{ landed_watermark('first_landed_at') }}
        {%- endif %}

),

seen as (

    select
        {%- for key in keys %}
        {{ key }},
        {%- endfor %}
        min(landed_at) as first_landed_at

    from events
    {%- if 'session_id' in keys %}
    -- A session is a non-empty session id: sessionless events count as events, in no session.
    where session_id is not null
    {%- endif %}
    group by {{ keys | join(', ') }}

)

select seen.*
from seen
{%- if is_incremental() %}
where not exists (
    select 1
    from {{ this }} as before
    where
        {%- for key in keys %}
        {% if not loop.first %}and {% endif %}before.{{ key }} = seen.{{ key }}
        {%- endfor %}
)
{%- endif %}
{%- endmacro %}
