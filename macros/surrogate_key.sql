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

{#- DuckDB: two 64-bit hashes of the typed columns, chained in opposite orders, as 32 hex digits (the shape
    of an md5). Hashing typed values needs no cast to text: on the staging table this costs a third of md5
    over the joined text. DuckDB's hash may change between DuckDB versions; the warehouse is always rebuilt
    from the lake, so no key outlives one. -#}
{% macro duckdb__surrogate_key(columns) -%}
    {%- if columns | length < 2 -%}
        {{ clickstream.default__surrogate_key(columns) }}
    {%- else -%}
        printf(
            '%016x%016x',
            hash({{ columns | join(', ') }}),
            hash({{ columns | reverse | join(', ') }})
        )
    {%- endif -%}
{%- endmacro %}
