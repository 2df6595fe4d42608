-- Every mart that counts purchases adds up to the rows of fact_purchases. Returns one row per mart that does
-- not.
with

purchases as (

    select * from {{ ref('fact_purchases') }}

),

sessions as (

    select sum(purchases) as purchases
    from {{ ref('fact_sessions') }}

),

sessionless as (

    select count(*) as purchases
    from purchases
    where session_id is null

),

brands as (

    select sum(purchases) as purchases
    from {{ ref('brand_engagement') }}

),

brandless as (

    select count(*) as purchases
    from purchases
    where brand is null

),

totals as (

    select
        'kpi_summary' as mart,
        sum(purchases) as purchases
    from {{ ref('kpi_summary') }}

    union all

    select
        'fact_monthly_summary' as mart,
        sum(purchases) as purchases
    from {{ ref('fact_monthly_summary') }}

    union all

    select
        'user_ltv' as mart,
        sum(purchases) as purchases
    from {{ ref('user_ltv') }}

    union all

    select
        'dim_user' as mart,
        sum(purchases) as purchases
    from {{ ref('dim_user') }}

    union all

    select
        'revenue_by_month_weekday' as mart,
        sum(purchases) as purchases
    from {{ ref('revenue_by_month_weekday') }}

    union all

    select
        'top_categories' as mart,
        sum(purchases) as purchases
    from {{ ref('top_categories') }}

    union all

    select
        'fact_sessions + purchases without a session' as mart,
        sessions.purchases + sessionless.purchases as purchases
    from sessions
    cross join sessionless

    union all

    select
        'brand_engagement + purchases without a brand' as mart,
        brands.purchases + brandless.purchases as purchases
    from brands
    cross join brandless

),

expected as (

    select count(*) as purchases
    from purchases

),

final as (

    select
        totals.mart,
        totals.purchases,
        expected.purchases as fact_purchases_rows

    from totals
    cross join expected
    where coalesce(totals.purchases, 0) != expected.purchases

)

select * from final
