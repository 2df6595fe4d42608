-- Brand dashboard: pairs of different brands bought by the same user within 5 minutes of each other, with how
-- often each pair occurs. Each pair is listed once, brands in alphabetical order.
with

purchases as (

    select * from {{ ref('fact_purchases') }}
    where brand is not null

),

pairs as (

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
            between {{ dbt.dateadd('minute', -5, 'first_purchase.purchased_at') }}
            and {{ dbt.dateadd('minute', 5, 'first_purchase.purchased_at') }}

),

final as (

    select
        brand_a,
        brand_b,
        count(*) as times_bought_together,
        count(distinct user_id) as users

    from pairs
    group by
        brand_a,
        brand_b

)

select * from final
order by times_bought_together desc, brand_a asc, brand_b asc
