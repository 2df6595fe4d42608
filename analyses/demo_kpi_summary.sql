-- The KPI summary as one figure per line, for `make demo-report`.
with

kpis as (

    select * from {{ ref('kpi_summary') }}

),

final as (

    select
        1 as sort_order,
        'revenue (USD)' as kpi,
        cast(revenue as {{ dbt.type_string() }}) as kpi_value
    from kpis
    union all
    select
        2 as sort_order,
        'purchases' as kpi,
        cast(purchases as {{ dbt.type_string() }}) as kpi_value
    from kpis
    union all
    select
        3 as sort_order,
        'orders' as kpi,
        cast(orders as {{ dbt.type_string() }}) as kpi_value
    from kpis
    union all
    select
        4 as sort_order,
        'customers' as kpi,
        cast(customers as {{ dbt.type_string() }}) as kpi_value
    from kpis
    union all
    select
        5 as sort_order,
        'avg LTV (USD)' as kpi,
        cast(average_customer_ltv as {{ dbt.type_string() }}) as kpi_value
    from kpis
    union all
    select
        6 as sort_order,
        'avg order (USD)' as kpi,
        cast(average_order_value as {{ dbt.type_string() }}) as kpi_value
    from kpis
    union all
    select
        7 as sort_order,
        'repeat customers' as kpi,
        cast(repeat_customers as {{ dbt.type_string() }}) as kpi_value
    from kpis
    union all
    select
        8 as sort_order,
        'returning customers' as kpi,
        cast(returning_customers as {{ dbt.type_string() }}) as kpi_value
    from kpis
    union all
    select
        9 as sort_order,
        'active shoppers' as kpi,
        cast(active_shoppers as {{ dbt.type_string() }}) as kpi_value
    from kpis
    union all
    select
        10 as sort_order,
        'sessions' as kpi,
        cast(sessions as {{ dbt.type_string() }}) as kpi_value
    from kpis
    union all
    select
        11 as sort_order,
        'session conversion' as kpi,
        cast(session_conversion_rate as {{ dbt.type_string() }}) as kpi_value
    from kpis

)

select
    kpi,
    kpi_value
from final
order by sort_order
