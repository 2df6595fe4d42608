-- Customers and their lifetime revenue per LTV segment (the executive dashboard's donut).
with

customers as (

    select * from {{ ref('user_ltv') }}

),

final as (

    select
        ltv_segment,
        ltv_segment_rank,
        count(*) as customers,
        sum(lifetime_revenue) as lifetime_revenue

    from customers
    group by
        ltv_segment,
        ltv_segment_rank

)

select * from final
