-- Executive dashboard: the purchases with everything the dashboard slices them by (time, customer and
-- segment, product and category), one row per purchase. dim_product is unique per product, so the join
-- cannot fan out as the original's did.
with

purchases as (

    select * from {{ ref('fact_purchases') }}

),

hours as (

    select * from {{ ref('dim_time') }}

),

users as (

    select * from {{ ref('dim_user') }}

),

customers as (

    select * from {{ ref('user_ltv') }}

),

products as (

    select * from {{ ref('dim_product') }}

),

categories as (

    select * from {{ ref('dim_category') }}

),

final as (

    select
        purchases.purchase_id,
        purchases.order_id,
        purchases.purchased_at,
        purchases.purchase_date,
        hours.calendar_year,
        hours.month_of_year,
        hours.iso_week_of_year,
        hours.iso_day_of_week,
        hours.day_name,
        hours.hour_of_day,
        hours.is_weekend,
        purchases.user_id,
        users.first_seen_at as user_first_seen_at,
        users.is_repeat_customer,
        users.is_returning_customer,
        customers.lifetime_revenue,
        customers.ltv_segment,
        purchases.session_id,
        purchases.product_id,
        purchases.brand,
        products.brand as current_brand,
        purchases.category_id,
        categories.category_code,
        categories.category_main,
        categories.category_sub,
        categories.category_leaf,
        purchases.price

    from purchases
    inner join hours
        on purchases.hour_key = hours.hour_key
    inner join users
        on purchases.user_id = users.user_id
    inner join customers
        on purchases.user_id = customers.user_id
    inner join products
        on purchases.product_id = products.product_id
    inner join categories
        on purchases.category_id = categories.category_id

)

select * from final
