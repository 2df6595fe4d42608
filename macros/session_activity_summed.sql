{#- The activity of a session added up from finer rows that carry the same columns (session-products into a
    user-session, user-sessions into a session): its events of each type, its revenue and its latest landing.
    One list for both levels, so that a column added to one is added to the other. -#}
{% macro session_activity_summed() -%}
    cast(sum(events) as bigint) as events,
        cast(sum(views) as bigint) as views,
        cast(sum(carts) as bigint) as carts,
        cast(sum(removals) as bigint) as removals,
        cast(sum(purchases) as bigint) as purchases,
        sum(revenue) as revenue,
        max(last_landed_at) as last_landed_at
{%- endmacro %}
