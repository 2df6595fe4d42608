-- The KPI summary as one figure per line, for `make demo-report`.
{%- set figures = [
    ('revenue (USD)', 'revenue'),
    ('purchases', 'purchases'),
    ('orders', 'orders'),
    ('customers', 'customers'),
    ('avg LTV (USD)', 'average_customer_ltv'),
    ('avg order (USD)', 'average_order_value'),
    ('repeat customers', 'repeat_customers'),
    ('returning customers', 'returning_customers'),
    ('active shoppers', 'active_shoppers'),
    ('sessions', 'sessions'),
    ('session conversion', 'session_conversion_rate'),
] %}
with

kpis as (

    select * from {{ ref('kpi_summary') }}

),

final as (
    {% for label, column in figures %}
    select
        {{ loop.index }} as sort_order,
        '{{ label }}' as kpi,
        cast({{ column }} as {{ dbt.type_string() }}) as kpi_value
    from kpis
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select
    kpi,
    kpi_value
from final
order by sort_order
