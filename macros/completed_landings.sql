{#- The condition on `column` (a lake row's landing time) that keeps the rows of the landings completed when the
    calling model is compiled. A landing writes its manifest entry after all of its files (ingest/lake.py) and
    stamps each file later than every file before it (ingest/land.py). So a landing still publishing when a build
    starts, or starting during it, or killed while it published, is later than every completed one: none of its
    rows is read, however many of its files are visible, and the next build reads it whole. A build that read the
    days published so far would take its landing time as built and never read the others. -#}
{% macro of_completed_landings(column='landed_at') -%}
    {{ return(adapter.dispatch('of_completed_landings', 'clickstream')(column)) }}
{%- endmacro %}

{#- Athena reads the lake through Glue, not its manifest: every row. There a build must not run during a landing,
    which `ingest locked` ensures (`make build`, `make daily`). -#}
{% macro default__of_completed_landings(column) -%}
    true
{%- endmacro %}

{#- DuckDB: up to the latest landing time in the lake's manifest; `false` when no landing has completed. Read only
    when the node reads the lake (lake.sql); otherwise `true`. -#}
{% macro duckdb__of_completed_landings(column) -%}
    {%- if not reads_the_lake() -%}
        {{ return('true') }}
    {%- endif -%}
    {%- set entries = lake_glob('_manifest/*.json') -%}
    {%- set latest = none -%}
    {%- if run_query('select count(*) from glob(' ~ entries ~ ')').rows[0][0] > 0 -%}
        {%- set latest = timestamp_text(
            'select max(cast(landed_at as timestamp)) from read_json(' ~ entries
            ~ ", columns = {landed_at: 'varchar'})"
        ) -%}
    {%- endif -%}
    {%- if latest is none -%}
        false
    {%- else -%}
        {{ column }} <= cast('{{ latest }}' as timestamp)
    {%- endif -%}
{%- endmacro %}
