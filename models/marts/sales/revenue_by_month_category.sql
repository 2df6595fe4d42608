-- fact_monthly_summary per top-level category: the grain the dashboard's category filter needs, so that it
-- reads the month-over-month change instead of computing it.
with

purchases as (

    select * from {{ ref('fact_purchases') }}

),

categories as (

    select * from {{ ref('dim_category') }}

),

monthly as (

    select
        cast({{ dbt.date_trunc('month', 'purchases.purchase_date') }} as date) as month_start_date,
        -- As in top_categories: purchases whose category has no code are one 'unknown' category.
        coalesce(categories.category_main, 'unknown') as category_main,
        count(*) as purchases,
        count(distinct purchases.order_id) as orders,
        sum(purchases.price) as revenue,
        count(distinct purchases.user_id) as buyers

    from purchases
    left join categories
        on purchases.category_id = categories.category_id
    group by 1, 2

),

final as (

    select
        monthly.month_start_date,
        {{ format_year_month('monthly.month_start_date') }} as month_label,
        monthly.category_main,
        monthly.purchases,
        monthly.orders,
        monthly.revenue,
        monthly.buyers,
        previous_month.revenue as previous_month_revenue,
        {{ change_rate('monthly.revenue', 'previous_month.revenue') }} as revenue_change_rate

    from monthly
    -- The calendar's previous month of the same category: a month without its purchases has no change rate.
    left join monthly as previous_month
        on
            monthly.category_main = previous_month.category_main
            and previous_month.month_start_date = {{ previous_month_start('monthly.month_start_date') }}

)

select * from final
