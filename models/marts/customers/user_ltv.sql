with

users as (

    select * from {{ ref('dim_user') }}

),

tiers as (

    select * from {{ ref('ltv_tiers') }}

),

customers as (

    select * from users
    where is_customer

),

final as (

    select
        customers.user_id,
        customers.lifetime_revenue,
        customers.purchases,
        customers.orders,
        customers.first_purchase_at,
        customers.last_purchase_at,
        tiers.ltv_segment,
        tiers.segment_rank as ltv_segment_rank

    from customers
    -- Half-open ranges: a bound belongs to the segment it opens, never to the one it closes.
    left join tiers
        on
            customers.lifetime_revenue >= tiers.lower_bound
            and (customers.lifetime_revenue < tiers.upper_bound or tiers.upper_bound is null)

)

select * from final
