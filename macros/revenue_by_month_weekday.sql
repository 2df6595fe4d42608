{#- Revenue per month and ISO day of week with purchases, cut by `segments` (none, or ['category_main']: the
    top level of the category code, 'unknown' without one, as in revenue_by_month_category). One body for
    revenue_by_month_weekday and its cut by category. -#}
{% macro revenue_by_month_weekday(segments=[]) -%}
with

purchases as (

    select * from {{ ref('fact_purchases') }}

),

hours as (

    select * from {{ ref('dim_time') }}

),
{%- if 'category_main' in segments %}

categories as (

    select * from {{ ref('dim_category') }}

),
{%- endif %}

purchases_dated as (

    select
        purchases.order_id,
        purchases.user_id,
        purchases.price,
        cast({{ dbt.date_trunc('month', 'purchases.purchase_date') }} as date) as month_start_date,
        {%- if 'category_main' in segments %}
        coalesce(categories.category_main, 'unknown') as category_main,
        {%- endif %}
        hours.iso_day_of_week,
        hours.day_name

    from purchases
    inner join hours
        on purchases.hour_key = hours.hour_key
    {%- if 'category_main' in segments %}
    left join categories
        on purchases.category_id = categories.category_id
    {%- endif %}

),

final as (

    select
        {{ month_and_segments(segments) }}
        iso_day_of_week,
        day_name,
        count(*) as purchases,
        count(distinct order_id) as orders,
        sum(price) as revenue,
        count(distinct user_id) as buyers

    from purchases_dated
    group by
        month_start_date,
        {%- for segment in segments %}
        {{ segment }},
        {%- endfor %}
        iso_day_of_week,
        day_name

)

select * from final
{%- endmacro %}
