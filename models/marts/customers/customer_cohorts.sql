-- Every cohort has a row for each month from its first through the data's last, with or without purchases,
-- so a retention heatmap has no holes.
with

purchases as (

    select * from {{ ref('fact_purchases') }}

),

hours as (

    select * from {{ ref('dim_time') }}

),

months as (

    select distinct cast({{ dbt.date_trunc('month', 'calendar_date') }} as date) as month_start_date
    from hours

),

customer_purchases as (

    select
        user_id,
        order_id,
        price,
        cast({{ dbt.date_trunc('month', 'purchase_date') }} as date) as month_start_date

    from purchases

),

first_months as (

    select
        user_id,
        min(month_start_date) as cohort_month_start_date

    from customer_purchases
    group by user_id

),

cohorts as (

    select
        cohort_month_start_date,
        count(*) as cohort_customers

    from first_months
    group by cohort_month_start_date

),

activity as (

    select
        first_months.cohort_month_start_date,
        customer_purchases.month_start_date,
        count(distinct customer_purchases.user_id) as active_customers,
        count(distinct customer_purchases.order_id) as orders,
        sum(customer_purchases.price) as revenue

    from customer_purchases
    inner join first_months
        on customer_purchases.user_id = first_months.user_id
    group by
        first_months.cohort_month_start_date,
        customer_purchases.month_start_date

),

cohort_months as (

    select
        cohorts.cohort_month_start_date,
        months.month_start_date,
        cast(
            (
                extract(year from months.month_start_date)
                - extract(year from cohorts.cohort_month_start_date)
            ) * 12
            + extract(month from months.month_start_date)
            - extract(month from cohorts.cohort_month_start_date)
            as integer
        ) as months_since_first_purchase,
        cohorts.cohort_customers,
        coalesce(activity.active_customers, 0) as active_customers,
        coalesce(activity.orders, 0) as orders,
        coalesce(activity.revenue, 0) as revenue

    from cohorts
    inner join months
        on cohorts.cohort_month_start_date <= months.month_start_date
    left join activity
        on
            cohorts.cohort_month_start_date = activity.cohort_month_start_date
            and months.month_start_date = activity.month_start_date

),

cumulative as (

    select
        *,
        sum(revenue) over (
            partition by cohort_month_start_date
            order by months_since_first_purchase
            rows between unbounded preceding and current row
        ) as cumulative_revenue

    from cohort_months

),

final as (

    select
        cohort_month_start_date,
        {{ format_year_month('cohort_month_start_date') }} as cohort_month_label,
        months_since_first_purchase,
        month_start_date,
        cohort_customers,
        active_customers,
        round({{ safe_divide('active_customers', 'cohort_customers') }}, 4) as retention_rate,
        orders,
        revenue,
        cumulative_revenue,
        round(
            {{ safe_divide('cumulative_revenue', 'cohort_customers') }}, 2
        ) as cumulative_revenue_per_customer

    from cumulative

)

select * from final
