{#- Fails on every row where any of the columns is null: one scan of the model for all its non-key columns,
    instead of one `not_null` test (and one scan) per column. Keys keep their own `unique` + `not_null`. -#}
{% test not_null_columns(model, column_names) %}

    select *
    from {{ model }}
    where
        {% for column_name in column_names -%}
            {{ column_name }} is null{% if not loop.last %} or {% endif %}
        {%- endfor %}

{% endtest %}
