{#- Two CTEs for taking a group's latest attributes from the staging events without ordering every event by the
    whole event_order_key: `seen`, per `key`, the times in `latest_at` (name: aggregate expression) and the
    aggregates in `also`; `latest_events`, the events at one of the `latest_at` times of their group, with
    seen's columns beside them. The latest event by event_order_key is always among those few, so an arg_max
    over them, filtered to the time each attribute is latest at, gives the row an arg_max over every event would.
    Staging is read by name twice, not through a CTE: DuckDB materializes a CTE read twice, here a copy of the
    whole table. Ends with a comma: the model's own CTEs follow. -#}
{% macro latest_events(key, latest_at, also={}) -%}
{%- set seen_columns = (also | list) + (latest_at | list) -%}
seen as (

    select
        {{ key }},
        {%- for name, aggregate in also.items() %}
        {{ aggregate }} as {{ name }},
        {%- endfor %}
        {%- for name, aggregate in latest_at.items() %}
        {{ aggregate }} as {{ name }}{{ ',' if not loop.last }}
        {%- endfor %}

    from {{ ref('stg_clickstream__events') }}
    group by {{ key }}

),

latest_events as (

    select
        events.*,
        {%- for name in seen_columns %}
        seen.{{ name }}{{ ',' if not loop.last }}
        {%- endfor %}

    from {{ ref('stg_clickstream__events') }} as events
    inner join seen
        on events.{{ key }} = seen.{{ key }}
    where
        {%- for name in latest_at %}
        {{ 'or ' if not loop.first }}events.event_at = seen.{{ name }}
        {%- endfor %}

),
{%- endmacro %}
