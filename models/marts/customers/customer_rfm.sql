with

users as (

    select * from {{ ref('dim_user') }}

),

-- The data's last day: the day of the latest event of any user.
data_end as (

    select cast(max(last_seen_at) as date) as last_data_date
    from users

),

customers as (

    select
        users.user_id,
        users.first_purchase_at,
        users.last_purchase_at,
        {{ dbt.datediff('cast(users.last_purchase_at as date)', 'data_end.last_data_date', 'day') }}
            as recency_days,
        users.orders as frequency,
        users.lifetime_revenue as monetary

    from users
    cross join data_end
    where users.is_customer

),

-- Ranked so that the best value ranks last: the fewest days since the last purchase, the most orders, the
-- most revenue. Equal values share a rank, so they share a score.
ranked as (

    select
        *,
        count(*) over () as customers,
        rank() over (order by recency_days desc) as recency_rank,
        rank() over (order by frequency asc) as frequency_rank,
        rank() over (order by monetary asc) as monetary_rank

    from customers

),

scored as (

    select
        user_id,
        first_purchase_at,
        last_purchase_at,
        recency_days,
        frequency,
        monetary,
        -- The quintile of the rank: 1 + floor(5 x (rank - 1) / customers).
        cast(floor({{ safe_divide('5 * (recency_rank - 1)', 'customers') }}) as integer) + 1
            as recency_score,
        cast(floor({{ safe_divide('5 * (frequency_rank - 1)', 'customers') }}) as integer) + 1
            as frequency_score,
        cast(floor({{ safe_divide('5 * (monetary_rank - 1)', 'customers') }}) as integer) + 1
            as monetary_score

    from ranked

),

final as (

    select
        *,
        case
            when recency_score >= 4 and frequency_score >= 4 then 'Champions'
            when recency_score >= 3 and frequency_score >= 3 then 'Loyal'
            when recency_score >= 4 then 'New'
            when recency_score = 3 then 'Needs Attention'
            when frequency_score >= 3 then 'At Risk'
            else 'Hibernating'
        end as rfm_segment

    from scored

)

select * from final
