{#- Three CTEs for taking a group's latest attributes from the staging events without ordering every event by
    the whole event_order_key: `seen` and `latest_times` (macro latest_times below), then `latest_events`, the
    events at one of the `latest_at` times of their group, with seen's columns beside them. The latest event by
    event_order_key is always among those few, so an arg_max over them, filtered to the time each attribute is
    latest at, gives the row an arg_max over every event would.
    The events are the staging model's, or `events` (a relation with its columns). They are read by name twice,
    not through a CTE: DuckDB materializes a CTE read twice, here a copy of the whole table. Ends with a comma:
    the model's own CTEs follow. -#}
{% macro latest_events(key, latest_at, also={}, events=none) -%}
{%- set events = events or ref('stg_clickstream__events') -%}
{%- set seen_columns = (also | list) + (latest_at | list) -%}
{{ latest_times(key, latest_at, also, events) }}

latest_events as (

    select
        events.*,
        {%- for name in seen_columns %}
        seen.{{ name }}{{ ',' if not loop.last }}
        {%- endfor %}

    from {{ events }} as events
    inner join latest_times
        on
            events.{{ key }} = latest_times.{{ key }}
            and events.event_at = latest_times.event_at
    inner join seen
        on events.{{ key }} = seen.{{ key }}

),
{%- endmacro %}

{#- Two CTEs: `seen`, per `key`, the times in `latest_at` (name: aggregate expression) and the aggregates in
    `also`, over `events` (a relation or a CTE, read once); `latest_times`, those times one per row, each
    group's once (`union`), so that an event at two of them is taken once. The events at them are then found by
    an equi-join on the key and the time: a join on the key filtered by `event_at = a or event_at = b` would
    pair every event with its group first (30M rows for 0.2M kept on 30M events). Ends with a comma. -#}
{% macro latest_times(key, latest_at, also={}, events=none) -%}
{%- set events = events or ref('stg_clickstream__events') -%}
seen as (

    select
        {{ key }},
        {%- for name, aggregate in also.items() %}
        {{ aggregate }} as {{ name }},
        {%- endfor %}
        {%- for name, aggregate in latest_at.items() %}
        {{ aggregate }} as {{ name }}{{ ',' if not loop.last }}
        {%- endfor %}

    from {{ events }}
    group by {{ key }}

),

-- The times at which an attribute of a group is latest: the events at them are found by an equi-join.
latest_times as (
    {%- for name in latest_at %}

    select
        {{ key }},
        {{ name }} as event_at

    from seen
    {{ 'union' if not loop.last }}
    {%- endfor %}

),
{%- endmacro %}
