{#- A hash of the given columns, nulls included: the same key for the same values on every engine
    (dbt's own `hash`, `concat` and `type_string` dispatch per adapter). -#}
{% macro surrogate_key(columns) -%}
    {%- set fields = [] -%}
    {%- for column in columns -%}
        {%- do fields.append(
            "coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '_null_')"
        ) -%}
        {%- if not loop.last %}{% do fields.append("'|'") %}{% endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(fields)) }}
{%- endmacro %}
