{#- ISO 8601 calendar parts of a date or timestamp. Engines number weekdays differently (Spark's dayofweek,
    used by the original dim_time, gives 1 = Sunday): these always give ISO numbers. -#}

{#- Day of week, 1 = Monday ... 7 = Sunday. -#}
{% macro iso_day_of_week(expression) -%}
    {{ return(adapter.dispatch('iso_day_of_week', 'clickstream')(expression)) }}
{%- endmacro %}

{% macro duckdb__iso_day_of_week(expression) -%}
    cast(isodow({{ expression }}) as integer)
{%- endmacro %}

{% macro athena__iso_day_of_week(expression) -%}
    cast(day_of_week({{ expression }}) as integer)
{%- endmacro %}

{#- ISO week of the year, 1 to 53 (the week with the year's first Thursday is week 1). -#}
{% macro iso_week_of_year(expression) -%}
    {{ return(adapter.dispatch('iso_week_of_year', 'clickstream')(expression)) }}
{%- endmacro %}

{% macro duckdb__iso_week_of_year(expression) -%}
    cast(weekofyear({{ expression }}) as integer)
{%- endmacro %}

{% macro athena__iso_week_of_year(expression) -%}
    cast(week_of_year({{ expression }}) as integer)
{%- endmacro %}

{#- The ISO year the ISO week belongs to (30 Dec 2019 is in week 1 of 2020). -#}
{% macro iso_year(expression) -%}
    {{ return(adapter.dispatch('iso_year', 'clickstream')(expression)) }}
{%- endmacro %}

{% macro duckdb__iso_year(expression) -%}
    cast(isoyear({{ expression }}) as integer)
{%- endmacro %}

{% macro athena__iso_year(expression) -%}
    cast(year_of_week({{ expression }}) as integer)
{%- endmacro %}
