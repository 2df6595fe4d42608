-- Brand dashboard: repeat-purchase rate per brand, the share of a brand's buyers who bought it more than
-- once, among brands with more than 10 buyers.
with

purchases as (

    select * from {{ ref('fact_purchases') }}

),

brand_buyers as (

    select
        brand,
        user_id,
        count(*) as purchases

    from purchases
    where brand is not null
    group by
        brand,
        user_id

),

final as (

    select
        brand,
        count(*) as buyers,
        count(case when purchases > 1 then 1 end) as repeat_buyers,
        round(
            {{ safe_divide('count(case when purchases > 1 then 1 end)', 'count(*)') }}, 4
        ) as repeat_purchase_rate

    from brand_buyers
    group by brand
    having count(*) > 10

)

select * from final
order by repeat_purchase_rate desc, buyers desc
