{#- The key's values found on more than one row, with how many rows each (`occurrences`): the failures of the
    key tests, `unique_combination_of_columns` (tests/generic) and, on DuckDB, dbt's `unique`. Rows with a null
    in the key are left out when `skip_nulls` (dbt's `unique`); otherwise a null is a value like any other. -#}
{% macro repeated_keys(model, columns, skip_nulls=false) -%}
    {{ return(adapter.dispatch('repeated_keys', 'clickstream')(model, columns, skip_nulls)) }}
{%- endmacro %}

{% macro default__repeated_keys(model, columns, skip_nulls) %}

    select
        {{ columns | join(', ') }},
        count(*) as occurrences

    from {{ model }}
    {%- if skip_nulls %}
    where {{ columns | join(' is not null and ') }} is not null
    {%- endif %}
    group by {{ columns | join(', ') }}
    having count(*) > 1

{% endmacro %}

{#- DuckDB: in two passes. First the 64-bit hashes of the key found on more than one row, a grouping on one
    number; then the exact grouping, of the rows with those hashes only. Rows with equal keys have equal
    hashes, so no repeat is missed, and two keys that only share a hash are told apart by the second pass. The
    key tests of the big tables group tens of millions of keys of text (session ids, event ids): grouping their
    hashes first took 20 % less time (docs/performance.md). The model is read by name in both passes, not
    through a CTE, which DuckDB would copy whole. A test scoped to the rows of the last landings
    (macros/tested_landings.sql) reads a subquery instead, of few rows found by a scan of the whole key column:
    read twice it would cost twice that scan, so it is grouped once, as by default. -#}
{% macro duckdb__repeated_keys(model, columns, skip_nulls) %}
    {%- if model is string %}
        {{ return(clickstream.default__repeated_keys(model, columns, skip_nulls)) }}
    {%- endif %}
    {%- set key = columns | join(', ') %}

    select
        {{ key }},
        count(*) as occurrences

    from {{ model }}
    where
        {%- if skip_nulls %}
        {{ columns | join(' is not null and ') }} is not null and
        {%- endif %}
        hash({{ key }}) in (
            select hash({{ key }}) as key_hash
            from {{ model }}
            group by key_hash
            having count(*) > 1
        )
    group by {{ key }}
    having count(*) > 1

{% endmacro %}

{#- dbt's `unique` on DuckDB, by the two passes above: a key of text (the event and session ids) is the costly
    case. Found before dbt's own by dispatch (the root project is searched first for dbt's macros). -#}
{% macro duckdb__test_unique(model, column_name) %}
    {{ clickstream.duckdb__repeated_keys(model, [column_name], skip_nulls=true) }}
{% endmacro %}
