{#- Rows written in day order, so that DuckDB's zone maps (min and max per row group) let an incremental build
    that reads recent days skip the row groups of the others. An `order by` at the end of the model on DuckDB;
    nothing on Athena, whose tables are partitioned by the same day (dbt_project.yml). Staging gets the same
    order without a sort, from its days built one after another (for_each_day.sql). -#}
{% macro cluster_by(column) -%}
    {{ return(adapter.dispatch('cluster_by', 'clickstream')(column)) }}
{%- endmacro %}

{% macro default__cluster_by(column) -%}
{%- endmacro %}

{% macro duckdb__cluster_by(column) -%}
    order by {{ column }}
{%- endmacro %}
