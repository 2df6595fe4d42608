{#- Fails on every combination of the columns that occurs on more than one row (a composite key); a null in
    the key is a value like any other here, so two rows equal but for both being null repeat the key. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
    {{ repeated_keys(model, combination_of_columns) }}
{% endtest %}
