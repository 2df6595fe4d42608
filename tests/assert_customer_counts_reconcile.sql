-- Customers, repeat and returning customers agree between kpi_summary, user_ltv and fact_purchases; sessions
-- between kpi_summary, fact_sessions and the months of session_funnel. Returns one row per disagreement.
with

purchases as (

    select * from {{ ref('fact_purchases') }}

),

kpis as (

    select * from {{ ref('kpi_summary') }}

),

customers as (

    select
        count(*) as customers,
        count(case when purchases > 1 then 1 end) as repeat_customers,
        count(case when orders > 1 then 1 end) as returning_customers

    from {{ ref('user_ltv') }}

),

buyers as (

    select count(distinct user_id) as customers
    from purchases

),

sessions as (

    select count(*) as sessions
    from {{ ref('fact_sessions') }}

),

monthly_funnel as (

    select sum(sessions) as sessions
    from {{ ref('session_funnel') }}

),

checks as (

    select
        'customers: kpi_summary = user_ltv = distinct buyers' as check_name,
        kpis.customers = customers.customers
        and customers.customers = buyers.customers as is_consistent
    from kpis
    cross join customers
    cross join buyers

    union all

    select
        'repeat and returning customers: kpi_summary = user_ltv' as check_name,
        kpis.repeat_customers = customers.repeat_customers
        and kpis.returning_customers = customers.returning_customers as is_consistent
    from kpis
    cross join customers

    union all

    select
        'sessions: kpi_summary = fact_sessions = sum of the monthly funnel' as check_name,
        kpis.sessions = sessions.sessions
        and kpis.sessions = monthly_funnel.sessions as is_consistent
    from kpis
    cross join sessions
    cross join monthly_funnel

)

select * from checks
where not is_consistent
