-- Customers and their lifetime revenue per RFM segment (the Customers page's segment chart).
with

customers as (

    select * from {{ ref('customer_rfm') }}

),

final as (

    select
        rfm_segment,
        count(*) as customers,
        sum(monetary) as lifetime_revenue

    from customers
    group by rfm_segment

)

select * from final
