{#- on-run-start, dev target (DuckDB) only: when `dbt build` or `dbt run` is to build the staging model, stop at
    once with one line that says what to do when the lake holds no events yet, instead of DuckDB's "No files
    found" deep inside the staging model. Compiling needs no data, so `dbt compile` is never stopped. A landing
    publishing meanwhile stops nothing: staging reads only the completed landings (completed_landings.sql). -#}
{% macro check_lake() %}
    {%- if execute and target.type == 'duckdb' and flags.WHICH in ['build', 'run']
        and 'model.clickstream.stg_clickstream__events' in selected_resources -%}
        {%- if run_query('select count(*) from glob(' ~ lake_glob('events/event_date=*/*.parquet') ~ ')').rows[0][0] == 0 -%}
            {%- set lake = env_var('LAKE_URI', 'data/lake') -%}
            {{ exceptions.raise_compiler_error(
                "no events in the lake at " ~ lake ~ ": land data first with `ingest land SRC` (LAKE_URI="
                ~ lake ~ ") or run `make demo`"
            ) }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}

{#- The files of the dev target's lake that match `pattern` (relative to the lake) as a quoted SQL string: the
    variable and default of the source's external_location (models/staging/clickstream/_clickstream__sources.yml),
    a ' doubled, so that no value can end the string and change the query. -#}
{% macro lake_glob(pattern) -%}
    '{{ (env_var('LAKE_URI', 'data/lake') ~ '/' ~ pattern) | replace("'", "''") }}'
{%- endmacro %}
