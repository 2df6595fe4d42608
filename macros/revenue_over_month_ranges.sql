{#- Revenue ranked over every range of whole months of the data (first to last month, both included), the ranges
    the dashboard's date filter selects, so that it reads a range's ranking instead of computing it. One row per
    range, `within` segments and `item` with purchases: its revenue, its share of the revenue of its range and
    `within` segments (purchases whose item is null included), its rank, its position (ties broken by name) and
    the share of the items up to its position together. Segments: 'category_main' and 'category_sub' of
    dim_category ('unknown' without a code, as in top_categories), and 'brand' as recorded on the purchase (rows
    whose brand is null stay in the shares' base but have no row and no rank). -#}
{% macro revenue_over_month_ranges(item, within=[]) -%}
{%- set expressions = {
    'category_main': "coalesce(categories.category_main, 'unknown')",
    'category_sub': "coalesce(categories.category_sub, 'unknown')",
    'brand': 'purchases.brand',
} -%}
{%- set segments = within + [item] -%}
{%- set partition = (['first_month_start_date', 'last_month_start_date'] + within) | join(', ') -%}
with

purchases as (

    select * from {{ ref('fact_purchases') }}

),

categories as (

    select * from {{ ref('dim_category') }}

),

dates as (

    select * from {{ ref('dim_date') }}

),

months as (

    select distinct month_start_date
    from dates

),

month_ranges as (

    select
        first_month.month_start_date as first_month_start_date,
        last_month.month_start_date as last_month_start_date,
        in_range.month_start_date

    {{ month_ranges_from('months') }}

),

monthly as (

    select
        cast({{ dbt.date_trunc('month', 'purchases.purchase_date') }} as date) as month_start_date,
        {%- for segment in segments %}
        {{ expressions[segment] }} as {{ segment }},
        {%- endfor %}
        count(*) as purchases,
        sum(purchases.price) as revenue

    from purchases
    left join categories
        on purchases.category_id = categories.category_id
    group by
        1,
        {%- for segment in segments %}
        {{ expressions[segment] }}{{ ',' if not loop.last }}
        {%- endfor %}

),

ranges as (

    select
        month_ranges.first_month_start_date,
        month_ranges.last_month_start_date,
        {%- for segment in segments %}
        monthly.{{ segment }},
        {%- endfor %}
        cast(sum(monthly.purchases) as bigint) as purchases,
        sum(monthly.revenue) as revenue

    from monthly
    inner join month_ranges
        on monthly.month_start_date = month_ranges.month_start_date
    group by
        month_ranges.first_month_start_date,
        month_ranges.last_month_start_date,
        {%- for segment in segments %}
        monthly.{{ segment }}{{ ',' if not loop.last }}
        {%- endfor %}

),

with_totals as (

    select
        *,
        sum(revenue) over (partition by {{ partition }}) as total_revenue

    from ranges

),

final as (

    select
        first_month_start_date,
        last_month_start_date,
        {%- for segment in segments %}
        {{ segment }},
        {%- endfor %}
        purchases,
        revenue,
        round({{ safe_divide('revenue', 'total_revenue') }}, 6) as revenue_share,
        rank() over (partition by {{ partition }} order by revenue desc) as revenue_rank,
        row_number() over (partition by {{ partition }} order by revenue desc, {{ item }}) as revenue_position,
        round(
            {{ safe_divide(
                'sum(revenue) over (partition by ' ~ partition ~ ' order by revenue desc, ' ~ item
                ~ ' rows between unbounded preceding and current row)',
                'total_revenue'
            ) }},
            6
        ) as cumulative_revenue_share

    from with_totals
    where {{ item }} is not null

)

select * from final
{%- endmacro %}
