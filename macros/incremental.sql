{#- Incremental builds (docs/models.md, "Incremental builds"): every incremental model rewrites whole days, by
    delete+insert on DuckDB and insert_overwrite of Hive partitions on Athena, and finds the days to rewrite by
    comparing `landed_at` with the latest landing time it already holds (its watermark). -#}

{#- The watermark of an incremental model: the latest value of `column` in the table being built, or a time
    before any landing when the table is empty, so that an empty table takes everything. -#}
{% macro landed_watermark(column='landed_at') -%}
    (select coalesce(max({{ column }}), cast('1970-01-01' as timestamp)) from {{ this }})
{%- endmacro %}

{#- `column in ('YYYY-MM-DD', ...)` for the distinct dates that `dates_query` returns (its first column), run
    when the model is compiled, so that both engines prune on literal values: DuckDB skips the lake's folders of
    other days, Athena scans only those partitions. `false` when there is none (nothing new: nothing rewritten).
    The literals are strings: the lake's `event_date` is a date on DuckDB and a string partition on Athena, and
    both compare it with a 'YYYY-MM-DD' string. -#}
{% macro in_dates(column, dates_query) -%}
    {%- set dates = [] -%}
    {%- if execute -%}
        {%- for row in run_query(dates_query).rows -%}
            {%- if row[0] is not none -%}
                {%- do dates.append("'" ~ (row[0] | string)[:10] ~ "'") -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if dates -%}
        {{ column }} in ({{ dates | sort | join(', ') }})
    {%- else -%}
        false
    {%- endif -%}
{%- endmacro %}
