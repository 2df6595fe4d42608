-- Pairs of different brands (as recorded on the purchases) bought by the same user at most
-- brand_pair_window_minutes apart, in any session: each pair once, brand_a before brand_b alphabetically.
with

purchases as (

    select * from {{ ref('fact_purchases') }}
    where brand is not null

),

purchase_pairs as (

    select
        first_purchase.brand as brand_a,
        second_purchase.brand as brand_b,
        first_purchase.user_id

    from purchases as first_purchase
    inner join purchases as second_purchase
        on
            first_purchase.user_id = second_purchase.user_id
            and first_purchase.brand < second_purchase.brand
            and second_purchase.purchased_at
            between {{ dbt.dateadd(
                'minute', -var('brand_pair_window_minutes'), 'first_purchase.purchased_at'
            ) }}
            and {{ dbt.dateadd(
                'minute', var('brand_pair_window_minutes'), 'first_purchase.purchased_at'
            ) }}

),

final as (

    select
        brand_a,
        brand_b,
        count(*) as times_bought_together,
        count(distinct user_id) as buyers

    from purchase_pairs
    group by
        brand_a,
        brand_b

)

select * from final
