{#- The session funnel's rates, as columns, from the four session counts of the relation selected from:
    `sessions`, `sessions_with_view`, `sessions_with_cart`, `sessions_with_purchase`. One definition for the
    monthly funnel and the overall one (kpi_summary). -#}
{% macro funnel_rates() -%}
    round({{ safe_divide('sessions_with_cart', 'sessions_with_view') }}, 4) as view_to_cart_rate,
    round({{ safe_divide('sessions_with_purchase', 'sessions_with_cart') }}, 4) as cart_to_purchase_rate,
    round({{ safe_divide('sessions_with_purchase', 'sessions_with_view') }}, 4) as view_to_purchase_rate,
    round({{ safe_divide('sessions_with_purchase', 'sessions') }}, 4) as session_conversion_rate
{%- endmacro %}
