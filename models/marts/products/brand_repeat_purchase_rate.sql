-- Repeat-purchase rate per brand (the brand recorded on the purchase): the share of the brand's buyers who
-- bought it more than once. Every brand with a buyer has a row; has_enough_buyers marks those with enough
-- buyers (brand_repeat_min_buyers) for the rate to be compared.
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

brands as (

    select
        brand,
        count(*) as buyers,
        count(case when purchases > 1 then 1 end) as repeat_buyers

    from brand_buyers
    group by brand

),

final as (

    select
        brand,
        buyers,
        repeat_buyers,
        round({{ safe_divide('repeat_buyers', 'buyers') }}, 4) as repeat_purchase_rate,
        buyers >= {{ var('brand_repeat_min_buyers') }} as has_enough_buyers

    from brands

)

select * from final
