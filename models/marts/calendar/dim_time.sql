{%- set first_plausible_hour = "cast('" ~ var('min_event_time') ~ "' as timestamp)" -%}
{%- set window_end = "cast('" ~ var('max_event_time') ~ "' as timestamp)" -%}
{%- set last_plausible_hour = dbt.dateadd('hour', -1, window_end) -%}

with

events as (

    select * from {{ ref('stg_clickstream__events') }}

),

weekdays as (

    select * from {{ ref('iso_weekdays') }}

),

event_hours as (

    select
        {{ dbt.date_trunc('hour', 'min(event_at)') }} as first_event_hour_at,
        {{ dbt.date_trunc('hour', 'max(event_at)') }} as last_event_hour_at

    from events

),

-- Clamped to the plausible window of the project vars, so one stray timestamp cannot add millions of hours
-- (such an event fails the build's tests; a `dbt run` alone still gets a bounded calendar).
bounds as (

    select
        case
            when first_event_hour_at < {{ first_plausible_hour }} then {{ first_plausible_hour }}
            else first_event_hour_at
        end as first_hour_at,
        case
            when last_event_hour_at > {{ last_plausible_hour }} then {{ last_plausible_hour }}
            else last_event_hour_at
        end as last_hour_at

    from event_hours

),

hours as (

    {{ hour_series('bounds', 'first_hour_at', 'last_hour_at') }}

),

calendar as (

    select
        {{ hour_key('hour_at') }} as hour_key,
        hour_at as hour_started_at,
        cast(hour_at as date) as calendar_date,
        cast(extract(year from hour_at) as integer) as calendar_year,
        cast(extract(quarter from hour_at) as integer) as quarter_of_year,
        cast(extract(month from hour_at) as integer) as month_of_year,
        {{ iso_year('hour_at') }} as iso_year,
        {{ iso_week_of_year('hour_at') }} as iso_week_of_year,
        cast(extract(day from hour_at) as integer) as day_of_month,
        {{ iso_day_of_week('hour_at') }} as iso_day_of_week,
        cast(extract(hour from hour_at) as integer) as hour_of_day

    from hours

),

final as (

    select
        calendar.hour_key,
        calendar.hour_started_at,
        calendar.calendar_date,
        calendar.calendar_year,
        calendar.quarter_of_year,
        calendar.month_of_year,
        calendar.iso_year,
        calendar.iso_week_of_year,
        calendar.day_of_month,
        calendar.iso_day_of_week,
        weekdays.day_name,
        calendar.hour_of_day,
        weekdays.is_weekend

    from calendar
    inner join weekdays
        on calendar.iso_day_of_week = weekdays.iso_day_of_week

)

select * from final
