-- The day-grain calendar (the semantic layer's time spine), one row per date of dim_time's hours.
with

hours as (

    select * from {{ ref('dim_time') }}

),

final as (

    select distinct
        calendar_date,
        calendar_year,
        quarter_of_year,
        month_of_year,
        cast({{ dbt.date_trunc('month', 'calendar_date') }} as date) as month_start_date,
        iso_year,
        iso_week_of_year,
        day_of_month,
        iso_day_of_week,
        day_name,
        is_weekend

    from hours

)

select * from final
