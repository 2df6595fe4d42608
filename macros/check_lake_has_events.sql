{#- on-run-start, dev target (DuckDB) only: when `dbt build` or `dbt run` is to build the staging model and the
    lake holds no events yet, stop at once with one line that says what to do, instead of DuckDB's "No files
    found" deep inside the staging model (compiling needs no data, so `dbt compile` is never stopped). The glob
    is the one the source reads (models/staging/clickstream/_clickstream__sources.yml). -#}
{% macro check_lake_has_events() %}
    {%- if execute and target.type == 'duckdb' and flags.WHICH in ['build', 'run']
        and 'model.clickstream.stg_clickstream__events' in selected_resources -%}
        {#- The variable and default of the source's external_location. -#}
        {%- set lake = env_var('LAKE_URI', 'data/lake') -%}
        {%- set events_glob = (lake ~ '/events/event_date=*/*.parquet') | replace("'", "''") -%}
        {%- set found = run_query("select count(*) from glob('" ~ events_glob ~ "')").columns[0].values()[0] -%}
        {%- if found == 0 -%}
            {{ exceptions.raise_compiler_error(
                "no events in the lake at " ~ lake ~ ": land data first with `ingest land SRC` (LAKE_URI="
                ~ lake ~ ") or run `make demo`"
            ) }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
