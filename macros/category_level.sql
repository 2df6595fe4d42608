{#- Level `level` (1 = main) of a dot-separated category code, null when the code has fewer levels or is
    null. dbt's `split_part` dispatches per engine; engines disagree on '' versus null past the end. -#}
{% macro category_level(category_code, level) -%}
    nullif({{ dbt.split_part(category_code, "'.'", level) }}, '')
{%- endmacro %}
