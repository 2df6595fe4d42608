{#- The key's values found on more than one row, with how many rows each (`occurrences`): the failures of the
    key tests, `unique_combination_of_columns` (tests/generic) and, on DuckDB, dbt's `unique`. Rows with a null
    in the key are left out when `skip_nulls` (dbt's `unique`); otherwise a null is a value like any other. -#}
{% macro repeated_keys(model, columns, skip_nulls=false) -%}
    {{ return(adapter.dispatch('repeated_keys', 'clickstream')(model, columns, skip_nulls)) }}
{%- endmacro %}

{#- `only_rows`: a condition that keeps at least every row whose key repeats (DuckDB's hash pass, below). -#}
{% macro default__repeated_keys(model, columns, skip_nulls, only_rows=none) %}
    {%- set conditions = [] %}
    {%- if skip_nulls %}{% do conditions.append(columns | join(' is not null and ') ~ ' is not null') %}{% endif %}
    {%- if only_rows %}{% do conditions.append(only_rows) %}{% endif %}

    select
        {{ columns | join(', ') }},
        count(*) as occurrences

    from {{ model }}
    {%- if conditions %}
    where {{ conditions | join(' and ') }}
    {%- endif %}
    group by {{ columns | join(', ') }}
    having count(*) > 1

{% endmacro %}

{#- DuckDB: in two passes. First the 64-bit hashes of the key found on more than one row, a grouping on one
    number; then the exact grouping above, of the rows with those hashes only. Rows with equal keys have equal
    hashes, so no repeat is missed, and two keys that only share a hash are told apart by the second pass. The
    key tests of the big tables group tens of millions of keys, most with a session id (text): grouping their
    hashes first took 0.82x the time at 10M events, 0.69x at 110M (docs/performance.md; the event id was text
    then, and on its 128-bit number now the hash pass costs nothing: 0.62 s against 0.64 to 0.76 s at 10M).
    The model is read by name in both passes, not through a CTE, which DuckDB would copy whole. A test with a
    `where`, such as one scoped to the rows of the last landings (macros/tested_landings.sql), reads a subquery
    (a string here, not a relation) whose few rows are found by a scan of the whole key column: read twice it
    would cost twice that scan, so it is grouped once. -#}
{% macro duckdb__repeated_keys(model, columns, skip_nulls) %}
    {%- set reads_a_subquery = model is string %}
    {%- set key = columns | join(', ') %}
    {%- set repeated_hashes -%}
        hash({{ key }}) in (
            select hash({{ key }}) as key_hash
            from {{ model }}
            group by key_hash
            having count(*) > 1
        )
    {%- endset %}
    {{ return(clickstream.default__repeated_keys(
        model, columns, skip_nulls, only_rows=none if reads_a_subquery else repeated_hashes
    )) }}
{% endmacro %}

{#- dbt's `unique` on DuckDB, by the two passes above: a key of text (a session id) is the costly case. Found
    before dbt's own by dispatch (the root project is searched first for dbt's macros). -#}
{% macro duckdb__test_unique(model, column_name) %}
    {{ clickstream.repeated_keys(model, [column_name], skip_nulls=true) }}
{% endmacro %}
