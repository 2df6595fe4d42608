{#- Incremental builds (docs/models.md, "Incremental builds"): every incremental model rewrites whole days, by
    delete+insert on DuckDB and insert_overwrite of Hive partitions on Athena, and finds the days to rewrite by
    comparing `landed_at` with the latest landing time it already holds (its watermark). -#}

{#- The watermark of an incremental model: the latest value of `column` in the table being built, or a time
    before any landing when the table is empty, so that an empty table takes everything. Read when the model is
    compiled and written into its SQL as a literal: given a scalar subquery instead, DuckDB cannot tell that
    the rows landed after it are few, and builds its joins' hash tables on the whole table rather than on them
    (3.6 s instead of 0.8 s for the session-products of a day on 30M events). The literal is written to the
    millisecond (what Athena keeps, and what both engines read), cut, never rounded: a watermark earlier than the
    true one only has a build recompute a few rows' days or sessions again, which gives the same rows. -#}
{% macro landed_watermark(column='landed_at') -%}
    {%- set watermark = timestamp_text('select max(' ~ column ~ ') from ' ~ this) if execute else none -%}
    cast('{{ watermark or '1970-01-01 00:00:00.000' }}' as timestamp)
{%- endmacro %}

{#- The timestamp a query returns (the first column of its first row) as 'YYYY-MM-DD HH:MM:SS.fff', to the
    millisecond (what Athena keeps, and what both engines read), cut, never rounded; none when it returns no
    row or a null. Run when the calling node is compiled. The watermarks of the incremental models and of their
    data tests (macros/tested_landings.sql) are read with it. -#}
{% macro timestamp_text(query) -%}
    {%- set rows = run_query(query).rows -%}
    {%- set value = rows[0][0] if rows | length > 0 else none -%}
    {%- if value is none -%}
        {%- do return(none) -%}
    {%- elif value is not string -%}
        {%- set value = value.strftime('%Y-%m-%d %H:%M:%S.%f') -%}
    {%- endif -%}
    {%- do return(value[:23]) -%}
{%- endmacro %}

{#- `column in ('YYYY-MM-DD', ...)` for the distinct dates that `dates_query` returns (its first column), run
    when the model is compiled, so that both engines prune on literal values: DuckDB skips the lake's folders of
    other days, Athena scans only those partitions. `false` when there is none (nothing new: nothing rewritten).
    The literals are strings by default: the lake's `event_date` is a date on DuckDB and a string partition on
    Athena, and both compare it with a 'YYYY-MM-DD' string. A column that is a date on both engines (a table dbt
    built) takes date literals (`of_date_column`): Athena compares a date with no string. -#}
{% macro in_dates(column, dates_query, of_date_column=false) -%}
    {%- set dates = [] -%}
    {%- for day in dates_returned_by(dates_query) -%}
        {%- set literal = "'" ~ day ~ "'" -%}
        {%- do dates.append("cast(" ~ literal ~ " as date)" if of_date_column else literal) -%}
    {%- endfor -%}
    {%- if dates -%}
        {{ column }} in ({{ dates | join(', ') }})
    {%- else -%}
        false
    {%- endif -%}
{%- endmacro %}

{#- The distinct dates (or timestamps) in the first column of what `dates_query` returns, as 'YYYY-MM-DD' strings
    in order, nulls left out; run when the calling node is compiled (none when dbt only parses). -#}
{% macro dates_returned_by(dates_query) -%}
    {%- set dates = [] -%}
    {%- if execute -%}
        {%- for row in run_query(dates_query).rows -%}
            {%- set day = (row[0] | string)[:10] if row[0] is not none else none -%}
            {%- if day is not none and day not in dates -%}
                {%- do dates.append(day) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- do return(dates | sort) -%}
{%- endmacro %}

{#- The CTEs with which a model at user-session grain (or finer) finds, in an incremental build, the user-sessions
    touched by rows of `source` landed since its last build, to recompute each of them whole from all of its
    rows: `touched` (the user-sessions), `touched_before` (their rows in the table now, whose days are rewritten
    too) and `touched_rows` (every row of `source` of those user-sessions). `date_column` is the table's day
    column; `source_landed_at` and `source_date` are the landing time and day columns of `source` (by default
    the staging model, which keeps an event's earliest landing, so that a duplicate landed again touches
    nothing). `source` and `this` are read by name, not through a CTE: DuckDB materializes a CTE that is read
    twice, which here would copy the whole table. Ends with a comma: more CTEs follow. -#}
{% macro touched_user_sessions(date_column, source=none, source_landed_at='landed_at', source_date='event_date') -%}
{%- set source = source or ref('stg_clickstream__events') -%}
new_rows as (

    select
        user_id,
        session_id,
        {{ source_date }} as event_date

    from {{ source }}
    where {{ source_landed_at }} > {{ landed_watermark('last_landed_at') }}

),

touched as (

    select distinct
        user_id,
        session_id

    from new_rows

),

touched_before as (

    select previous.*
    from {{ this }} as previous
    inner join touched
        on {{ same_user_session('previous', 'touched') }}

),

-- Every row of a touched user-session is on or after its earliest day, before or now.
scan_from as (

    select min(event_date) as event_date
    from (
        select {{ date_column }} as event_date from touched_before
        union all
        select event_date from new_rows
    ) as starts

),

touched_rows as (

    select rows_of_source.*
    from {{ source }} as rows_of_source
    inner join touched
        on {{ same_user_session('rows_of_source', 'touched') }}
    where rows_of_source.{{ source_date }} >= {{ scan_from_day('event_date') }}

),
{%- endmacro %}

{#- The earliest day an incremental build reads its source from: `day_column` of the one-row CTE `scan_from`, or,
    when nothing is new and that day is null, a day after every event. DuckDB evaluates the subquery first and
    skips the table's blocks before that day; given a null, it read every row of the table to keep none (0.7 s
    of the session-products' build with nothing new on 30M generated events, against 0.01 s). -#}
{% macro scan_from_day(day_column) -%}
    (select coalesce(scan_from.{{ day_column }}, cast('9999-12-31' as date)) from scan_from)
{%- endmacro %}

{#- The rows an incremental build of a model at user-session grain (or finer) keeps: those of the days it
    rewrites (where the touched user-sessions' rows fall now, in `recomputed`, and where they fell before) that
    belong to no touched user-session. Follows `touched_user_sessions`; ends with a comma. -#}
{% macro untouched_rows_of_rewritten_days(recomputed, date_column) -%}
rewritten_dates as (

    select {{ date_column }} from {{ recomputed }}
    union
    select {{ date_column }} from touched_before

),

untouched as (

    select previous.*
    from {{ this }} as previous
    where
        previous.{{ date_column }} in (select rewritten_dates.{{ date_column }} from rewritten_dates)
        and not exists (
            select 1
            from touched
            where {{ same_user_session('touched', 'previous') }}
        )

),
{%- endmacro %}

{#- `left` and `right` are the same user-session: the same user, and the same session or both without one (a
    user's sessionless events form one user-session, so null matches null here). -#}
{% macro same_user_session(left, right) -%}
    {{ left }}.user_id = {{ right }}.user_id
    and {{ left }}.session_id is not distinct from {{ right }}.session_id
{%- endmacro %}
