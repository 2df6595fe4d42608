{#- The rows of the query in the call block for each day that `days_query` returns (run when the model is
    compiled). The block renders a whole query from the condition it is given (`caller(condition)`): the
    condition selects the rows of one day, or of the days to write, in the day column `column` (compared with
    'YYYY-MM-DD' strings, as `in_dates`). `every_day` (a full build): the days are all the source's. -#}
{% macro for_each_day(column, days_query, every_day=false) -%}
    {{ return(adapter.dispatch('for_each_day', 'clickstream')(column, days_query, every_day, caller)) }}
{%- endmacro %}

{#- Athena: one query, over every row on a full build or over the days to write: Athena spreads one query over
    its workers, and its tables are partitioned by the day (dbt_project.yml). -#}
{% macro default__for_each_day(column, days_query, every_day, rows_of) -%}
    {{ rows_of('true' if every_day else in_dates(column, days_query)) }}
{%- endmacro %}

{#- DuckDB: one query per day, joined by `union all`. Each day is then grouped apart: its hash tables fit in
    memory where those of the whole history spill (the staging model on 30M events: 21 s instead of 40). And
    the rows come out in the order of the branches (DuckDB keeps insertion order), so a table is written in day
    order with no sort, which its zone maps need (cluster_by). No day: `false`, no row. Every day is listed only
    when the node reads the lake (`reads_the_lake`, macros/lake.sql): `dbt compile` and the docs show the
    one query over every day, and a unit test gets one query over its rows. Before a build, on-run-start has
    checked that the lake holds some. -#}
{% macro duckdb__for_each_day(column, days_query, every_day, rows_of) -%}
    {%- if every_day and not reads_the_lake() -%}
        {{ return(rows_of('true')) }}
    {%- endif -%}
    {%- set days = dates_returned_by(days_query) -%}
    {%- for day in days %}
({{ rows_of(column ~ " = '" ~ day ~ "'") }})
{%- if not loop.last %}
union all
{%- endif %}
    {%- else -%}
    {{ rows_of('false') }}
    {%- endfor %}
{%- endmacro %}
