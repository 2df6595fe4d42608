-- Every mart that reports revenue adds up to the revenue of fact_purchases, to the cent. Returns one row per
-- mart that does not. fact_sessions holds the revenue of purchases made in a session; brand_engagement
-- that of purchases with a brand.
with

purchases as (

    select * from {{ ref('fact_purchases') }}

),

sessions as (

    select sum(revenue) as revenue
    from {{ ref('fact_sessions') }}

),

sessionless as (

    select coalesce(sum(price), 0) as revenue
    from purchases
    where session_id is null

),

brands as (

    select sum(revenue) as revenue
    from {{ ref('brand_engagement') }}

),

brandless as (

    select coalesce(sum(price), 0) as revenue
    from purchases
    where brand is null

),

totals as (

    select
        'kpi_summary' as mart,
        sum(revenue) as revenue
    from {{ ref('kpi_summary') }}

    union all

    select
        'fact_monthly_summary' as mart,
        sum(revenue) as revenue
    from {{ ref('fact_monthly_summary') }}

    union all

    select
        'user_ltv' as mart,
        sum(lifetime_revenue) as revenue
    from {{ ref('user_ltv') }}

    union all

    select
        'dim_user' as mart,
        sum(lifetime_revenue) as revenue
    from {{ ref('dim_user') }}

    union all

    select
        'revenue_by_month_weekday' as mart,
        sum(revenue) as revenue
    from {{ ref('revenue_by_month_weekday') }}

    union all

    select
        'top_categories' as mart,
        sum(revenue) as revenue
    from {{ ref('top_categories') }}

    union all

    select
        'fact_sessions + purchases without a session' as mart,
        sessions.revenue + sessionless.revenue as revenue
    from sessions
    cross join sessionless

    union all

    select
        'brand_engagement + purchases without a brand' as mart,
        brands.revenue + brandless.revenue as revenue
    from brands
    cross join brandless

),

expected as (

    select coalesce(sum(price), 0) as revenue
    from purchases

),

final as (

    select
        totals.mart,
        totals.revenue,
        expected.revenue as fact_purchases_revenue

    from totals
    cross join expected
    where coalesce(totals.revenue, 0) != expected.revenue

)

select * from final
