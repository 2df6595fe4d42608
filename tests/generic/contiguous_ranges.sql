{#- Half-open ranges [lower, upper) that tile the line without gap or overlap once ordered by `order_by`:
    each range is non-empty, each upper bound is the next range's lower bound, and only the last range is
    open-ended (null upper bound). Fails on every range that breaks one of these. -#}
{% test contiguous_ranges(model, lower_bound_column, upper_bound_column, order_by) %}

    with

    ranges as (

        select
            {{ lower_bound_column }} as lower_bound,
            {{ upper_bound_column }} as upper_bound,
            lead({{ lower_bound_column }}) over (order by {{ order_by }}) as next_lower_bound

        from {{ model }}

    )

    select * from ranges
    where
        lower_bound >= upper_bound
        or (next_lower_bound is null and upper_bound is not null)
        or (next_lower_bound is not null and upper_bound is null)
        or next_lower_bound != upper_bound

{% endtest %}
