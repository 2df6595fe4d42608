{#- on-run-start, dev target (DuckDB) only: when `dbt build` or `dbt run` is to build the staging model, stop at
    once with one line that says what to do
    - when the lake holds no events yet, instead of DuckDB's "No files found" deep inside the staging model;
    - when an incremental build would key its new rows differently from those built before. The keys
      (surrogate_key) are DuckDB's hash, which a DuckDB upgrade may change: the same order would then get a
      second key for its events of a new day, and be counted twice. So, unless the run rebuilds everything
      (`--full-refresh`), the key of a built event must still be what surrogate_key gives for it.
    Compiling needs no data, so `dbt compile` is never stopped. A landing publishing meanwhile stops nothing:
    staging reads only the completed landings (completed_landings.sql). -#}
{% macro check_lake() %}
    {%- if execute and target.type == 'duckdb' and flags.WHICH in ['build', 'run']
        and 'model.clickstream.stg_clickstream__events' in selected_resources -%}
        {%- set lake = lake_uri() -%}
        {#- A lake whose only files are those of a first landing killed mid-publish holds no event either:
            staging reads the completed landings only (completed_landings.sql), those with a manifest entry. -#}
        {%- set files = run_query(
            'select (select count(*) from glob(' ~ lake_glob('events/event_date=*/*.parquet') ~ ')),'
            ~ ' (select count(*) from glob(' ~ lake_glob('_manifest/*.json') ~ '))'
        ).rows[0] -%}
        {%- if files[0] == 0 or files[1] == 0 -%}
            {{ exceptions.raise_compiler_error(
                "no events in the lake at " ~ lake ~ ": land data first with `ingest land SRC` (LAKE_URI="
                ~ lake ~ ") or run `make demo`"
            ) }}
        {%- endif -%}
        {%- set staging = graph.nodes['model.clickstream.stg_clickstream__events'] -%}
        {%- set built = adapter.get_relation(staging.database, staging.schema, staging.alias) -%}
        {%- if built is not none and not flags.FULL_REFRESH -%}
            {#- A table without the columns, or a key of another type (both an older project's), is keyed
                otherwise too: compared as text. -#}
            {%- set built_columns = adapter.get_columns_in_relation(built) | map(attribute='name') | list -%}
            {%- set rekeyed = (['event_id'] + event_columns()) | reject('in', built_columns) | list | length > 0
                or run_query(
                    'select count(*) from (select * from ' ~ built ~ ' limit 1) as built_event'
                    ~ ' where cast(event_id as varchar) <> cast(' ~ surrogate_key(event_columns()) ~ ' as varchar)'
                ).rows[0][0] > 0 -%}
            {%- if rekeyed -%}
                {{ exceptions.raise_compiler_error(
                    "the events in the warehouse at " ~ target.path ~ " are keyed otherwise than this DuckDB"
                    ~ " keys them (built by another DuckDB version, or an older version of this project): rebuild"
                    ~ " it whole with `dbt build --full-refresh`, which reads the lake again"
                ) }}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
