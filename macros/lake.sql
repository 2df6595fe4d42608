{#- The dev target's lake as the macros read it: where it is, its files, and when a node reads it. -#}

{#- The dev target's lake: the variable and default of the source's external_location
    (models/staging/clickstream/_clickstream__sources.yml) and of the ingest (ingest/settings.py). -#}
{% macro lake_uri() -%}
    {{ return(env_var('LAKE_URI', 'data/lake')) }}
{%- endmacro %}

{#- The files of the dev target's lake that match `pattern` (relative to the lake) as a quoted SQL string, a '
    doubled, so that no value can end the string and change the query. -#}
{% macro lake_glob(pattern) -%}
    '{{ (lake_uri() ~ '/' ~ pattern) | replace("'", "''") }}'
{%- endmacro %}

{#- Whether the node being compiled reads the lake now: only the commands that build do, when they run. Parsing
    and compiling (`dbt compile`, the docs) need no data, and a unit test's rows are no lake. -#}
{% macro reads_the_lake() -%}
    {{ return(execute and flags.WHICH in ['build', 'run'] and model.resource_type != 'unit_test') }}
{%- endmacro %}
