with

products as (

    select * from {{ ref('int_events_aggregated_to_products') }}

),

categories as (

    select * from {{ ref('dim_category') }}

),

final as (

    select
        products.product_id,
        products.brand,
        products.category_id,
        categories.category_code,
        categories.category_main,
        products.price,
        products.first_seen_at,
        products.last_seen_at

    from products
    left join categories
        on products.category_id = categories.category_id

)

select * from final
