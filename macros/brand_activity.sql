{#- The CTEs both brand marts start from, per brand, and per month as well when `by_month`: `traffic` (events,
    sessions and shoppers with the brand on the event; the sessions and shoppers from the sets of those seen
    with the brand, macros/first_seen.sql), `sales` (purchases, orders and revenue of the brand),
    `totals` (all revenue, the purchases without a brand included: what market share divides by), and
    `activity`, the three side by side (0 where a brand had traffic and no sale) with the brand metrics defined
    once: market share, stickiness and conversion rate, unrounded. One body for brand_engagement (the whole
    period) and brand_monthly, so their definitions cannot drift apart. Ends with a comma: the mart's own CTEs
    follow. -#}
{% macro brand_activity(by_month) -%}
{%- set group_by = '1, 2' if by_month else '1' -%}
events as (

    select * from {{ ref('stg_clickstream__events') }}

),

purchases as (

    select * from {{ ref('fact_purchases') }}

),

events_by_brand as (

    select
        {% if by_month %}cast({{ dbt.date_trunc('month', 'event_date') }} as date) as month_start_date,{% endif %}
        brand,
        count(*) as events

    from events
    where brand is not null
    group by {{ group_by }}

),

-- Distinct sessions and users, counted as rows of the sets of those seen with the brand (macros/first_seen.sql).
sessions_by_brand as (

    select
        {% if by_month %}month_start_date,{% endif %}
        brand,
        count(*) as sessions

    from {{ ref('int_brand_month_sessions' if by_month else 'int_brand_sessions') }}
    group by {{ group_by }}

),

shoppers_by_brand as (

    select
        {% if by_month %}month_start_date,{% endif %}
        brand,
        count(*) as shoppers

    from {{ ref('int_brand_month_shoppers' if by_month else 'int_brand_shoppers') }}
    group by {{ group_by }}

),

traffic as (

    select
        {% if by_month %}events_by_brand.month_start_date,{% endif %}
        events_by_brand.brand,
        events_by_brand.events,
        coalesce(sessions_by_brand.sessions, 0) as sessions,
        coalesce(shoppers_by_brand.shoppers, 0) as shoppers

    from events_by_brand
    left join sessions_by_brand
        on
            events_by_brand.brand = sessions_by_brand.brand
            {% if by_month %}and events_by_brand.month_start_date = sessions_by_brand.month_start_date{% endif %}
    left join shoppers_by_brand
        on
            events_by_brand.brand = shoppers_by_brand.brand
            {% if by_month %}and events_by_brand.month_start_date = shoppers_by_brand.month_start_date{% endif %}

),

sales as (

    select
        {% if by_month %}cast({{ dbt.date_trunc('month', 'purchase_date') }} as date) as month_start_date,{% endif %}
        brand,
        count(*) as purchases,
        count(distinct order_id) as orders,
        sum(price) as revenue

    from purchases
    where brand is not null
    group by {{ group_by }}

),

totals as (

    select
        {% if by_month %}cast({{ dbt.date_trunc('month', 'purchase_date') }} as date) as month_start_date,{% endif %}
        sum(price) as total_revenue

    from purchases
    {% if by_month %}group by 1{% endif %}

),

activity as (

    select
        {% if by_month %}traffic.month_start_date,{% endif %}
        traffic.brand,
        traffic.events,
        traffic.sessions,
        traffic.shoppers,
        coalesce(sales.purchases, 0) as purchases,
        coalesce(sales.orders, 0) as orders,
        coalesce(sales.revenue, 0) as revenue,
        coalesce(totals.total_revenue, 0) as total_revenue,
        {{ safe_divide('coalesce(sales.revenue, 0)', 'totals.total_revenue') }} as market_share,
        {{ safe_divide('traffic.events', 'traffic.sessions') }} as stickiness,
        {{ safe_divide('coalesce(sales.purchases, 0)', 'traffic.sessions') }} as conversion_rate

    from traffic
    left join sales
        on
            traffic.brand = sales.brand
            {% if by_month %}and traffic.month_start_date = sales.month_start_date{% endif %}
    {% if by_month -%}
    left join totals
        on traffic.month_start_date = totals.month_start_date
    {%- else -%}
    cross join totals
    {%- endif %}

),
{%- endmacro %}
