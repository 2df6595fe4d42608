with

purchases as (

    select * from {{ ref('fact_purchases') }}

),

monthly as (

    select
        cast({{ dbt.date_trunc('month', 'purchase_date') }} as date) as month_start_date,
        count(*) as purchases,
        count(distinct order_id) as orders,
        sum(price) as revenue,
        count(distinct user_id) as buyers

    from purchases
    group by 1

),

final as (

    select
        monthly.month_start_date,
        {{ format_year_month('monthly.month_start_date') }} as month_label,
        monthly.purchases,
        monthly.orders,
        monthly.revenue,
        monthly.buyers,
        round({{ safe_divide('monthly.revenue', 'monthly.buyers') }}, 2) as revenue_per_buyer,
        round({{ safe_divide('monthly.revenue', 'monthly.orders') }}, 2) as average_order_value,
        previous_month.revenue as previous_month_revenue,
        {{ change_rate('monthly.revenue', 'previous_month.revenue') }} as revenue_change_rate

    from monthly
    -- The calendar's previous month, not the previous row: a month without purchases has no change rate.
    left join monthly as previous_month
        on previous_month.month_start_date = {{ previous_month_start('monthly.month_start_date') }}

)

select * from final
