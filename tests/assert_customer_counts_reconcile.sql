-- Customers, repeat and returning customers agree between kpi_summary, user_ltv and fact_purchases; sessions
-- between kpi_summary, fact_sessions and the months of session_funnel. Returns one row with every figure side
-- by side when any of them disagree.
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

final as (

    select
        kpis.customers as kpi_summary_customers,
        customers.customers as user_ltv_customers,
        buyers.customers as distinct_buyers,
        kpis.repeat_customers as kpi_summary_repeat_customers,
        customers.repeat_customers as user_ltv_repeat_customers,
        kpis.returning_customers as kpi_summary_returning_customers,
        customers.returning_customers as user_ltv_returning_customers,
        kpis.sessions as kpi_summary_sessions,
        sessions.sessions as fact_sessions_rows,
        monthly_funnel.sessions as session_funnel_sessions,
        kpis.customers = customers.customers
        and customers.customers = buyers.customers
        and kpis.repeat_customers = customers.repeat_customers
        and kpis.returning_customers = customers.returning_customers
        and kpis.sessions = sessions.sessions
        and kpis.sessions = monthly_funnel.sessions as is_consistent

    from kpis
    cross join customers
    cross join buyers
    cross join sessions
    cross join monthly_funnel

)

select * from final
where not is_consistent
