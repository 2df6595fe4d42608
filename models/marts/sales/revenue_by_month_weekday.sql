with

purchases as (

    select * from {{ ref('fact_purchases') }}

),

hours as (

    select * from {{ ref('dim_time') }}

),

purchases_dated as (

    select
        purchases.order_id,
        purchases.user_id,
        purchases.price,
        cast({{ dbt.date_trunc('month', 'purchases.purchase_date') }} as date) as month_start_date,
        hours.iso_day_of_week,
        hours.day_name

    from purchases
    inner join hours
        on purchases.hour_key = hours.hour_key

),

final as (

    select
        month_start_date,
        {{ format_year_month('month_start_date') }} as month_label,
        iso_day_of_week,
        day_name,
        count(*) as purchases,
        count(distinct order_id) as orders,
        sum(price) as revenue,
        count(distinct user_id) as buyers

    from purchases_dated
    group by
        month_start_date,
        iso_day_of_week,
        day_name

)

select * from final
