{#- A key made from the given columns, nulls included: equal values give equal keys within one warehouse.
    The key is opaque: compare it, never parse it. -#}
{% macro surrogate_key(columns) -%}
    {{ return(adapter.dispatch('surrogate_key', 'clickstream')(columns)) }}
{%- endmacro %}

{#- md5 (hex) of the columns cast to text and joined; dbt's own `hash`, `concat` and `type_string` dispatch
    per adapter (Athena's md5 included). -#}
{% macro default__surrogate_key(columns) -%}
    {%- set fields = [] -%}
    {%- for column in columns -%}
        {%- do fields.append(
            "coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '_null_')"
        ) -%}
        {%- if not loop.last %}{% do fields.append("'|'") %}{% endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(fields)) }}
{%- endmacro %}

{#- DuckDB: two 64-bit hashes of the typed columns, chained in opposite orders, as one unsigned 128-bit integer
    (the size of an md5). Hashing typed values needs no cast to text, and a number needs no formatting: on the
    staging table of 10M events the key as 32 hex digits cost 1.5 s of the model's 9.3, this one almost nothing,
    and the tests and joins on it compare 16 bytes. DuckDB's hash may change between DuckDB versions, and
    incremental builds add keys next to those built before: so an incremental build stops, with one line, when
    a built event's key is not what this DuckDB gives it (macros/check_lake.sql), until `--full-refresh` has
    keyed every event again. -#}
{% macro duckdb__surrogate_key(columns) -%}
    {%- if columns | length < 2 -%}
        {{ clickstream.default__surrogate_key(columns) }}
    {%- else -%}
        (cast(hash({{ columns | join(', ') }}) as uhugeint) << 64)
        | cast(hash({{ columns | reverse | join(', ') }}) as uhugeint)
    {%- endif -%}
{%- endmacro %}
