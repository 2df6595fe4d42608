-- Every mart that counts purchases and reports revenue adds up to fact_purchases: to its rows, and to its
-- revenue to the cent. Returns one row per mart that does not.
{#- Each mart, its revenue column, and the purchases it leaves out by design (added back before comparing):
    fact_sessions holds the purchases made in a session, brand_engagement those with a brand. -#}
{%- set marts = [
    {'name': 'kpi_summary', 'revenue': 'revenue'},
    {'name': 'fact_monthly_summary', 'revenue': 'revenue'},
    {'name': 'revenue_by_month_category', 'revenue': 'revenue'},
    {'name': 'revenue_by_month_weekday', 'revenue': 'revenue'},
    {'name': 'top_categories', 'revenue': 'revenue'},
    {'name': 'user_ltv', 'revenue': 'lifetime_revenue'},
    {'name': 'dim_user', 'revenue': 'lifetime_revenue'},
    {'name': 'fact_sessions', 'revenue': 'revenue', 'left_out': 'session_id is null'},
    {'name': 'brand_engagement', 'revenue': 'revenue', 'left_out': 'brand is null'},
] %}
with

purchases as (

    select * from {{ ref('fact_purchases') }}

),

totals as (
    {% for mart in marts %}
    select
        '{{ mart.name }}' as mart,
        sum(purchases) as purchases,
        sum({{ mart.revenue }}) as revenue
    from {{ ref(mart.name) }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

left_out as (
    {% for mart in marts if mart.left_out %}
    select
        '{{ mart.name }}' as mart,
        count(*) as purchases,
        coalesce(sum(price), 0) as revenue
    from purchases
    where {{ mart.left_out }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

expected as (

    select
        count(*) as purchases,
        coalesce(sum(price), 0) as revenue
    from purchases

),

final as (

    select
        totals.mart,
        coalesce(totals.purchases, 0) + coalesce(left_out.purchases, 0) as purchases,
        coalesce(totals.revenue, 0) + coalesce(left_out.revenue, 0) as revenue,
        expected.purchases as fact_purchases_rows,
        expected.revenue as fact_purchases_revenue

    from totals
    left join left_out
        on totals.mart = left_out.mart
    cross join expected

)

select * from final
where
    purchases != fact_purchases_rows
    or revenue != fact_purchases_revenue
