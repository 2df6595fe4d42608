{#- on-run-start, dev target (DuckDB) only: when `dbt build` or `dbt run` is to build the staging model, stop at
    once with one line that says what to do when the lake holds no events yet (instead of DuckDB's "No files
    found" deep inside the staging model), or when a landing is publishing into it, or was killed while it did
    (a journal in _pending/, ingest/lake.py): an incremental build that read part of a landing would take its
    landing time as built and never read the rest. Compiling needs no data, so `dbt compile` is never stopped.
    The globs are the source's (models/staging/clickstream/_clickstream__sources.yml). -#}
{% macro check_lake() %}
    {%- if execute and target.type == 'duckdb' and flags.WHICH in ['build', 'run']
        and 'model.clickstream.stg_clickstream__events' in selected_resources -%}
        {#- The variable and default of the source's external_location. -#}
        {%- set lake = env_var('LAKE_URI', 'data/lake') -%}
        {%- set quoted_lake = lake | replace("'", "''") -%}
        {%- set counts = run_query(
            "select (select count(*) from glob('" ~ quoted_lake ~ "/events/event_date=*/*.parquet')),"
            ~ " (select count(*) from glob('" ~ quoted_lake ~ "/_pending/*.json'))"
        ).rows[0] -%}
        {%- if counts[0] == 0 -%}
            {{ exceptions.raise_compiler_error(
                "no events in the lake at " ~ lake ~ ": land data first with `ingest land SRC` (LAKE_URI="
                ~ lake ~ ") or run `make demo`"
            ) }}
        {%- elif counts[1] > 0 -%}
            {{ exceptions.raise_compiler_error(
                "a landing is publishing into the lake at " ~ lake ~ " (or was killed while it did): build when it"
                ~ " has ended, with `make build` (or `ingest locked -- dbt build`), which waits for it; a killed one"
                ~ " is undone by the next `ingest land`"
            ) }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
