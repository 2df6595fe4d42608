{#- The funnel's rates, as columns, from the session counts of the relation selected from (`relation`: its
    alias, or '' for unqualified columns): `sessions_with_view`, `sessions_with_cart`, `sessions_with_purchase`,
    and, when `with_sessions`, `sessions` for the conversion of all sessions. One definition for the session
    funnels (monthly, over ranges, kpi_summary) and the product and category funnels. -#}
{% macro funnel_rates(relation='', with_sessions=true) -%}
    {%- set prefix = relation ~ '.' if relation else '' -%}
    round({{ safe_divide(prefix ~ 'sessions_with_cart', prefix ~ 'sessions_with_view') }}, 4) as view_to_cart_rate,
    round(
        {{ safe_divide(prefix ~ 'sessions_with_purchase', prefix ~ 'sessions_with_cart') }}, 4
    ) as cart_to_purchase_rate,
    round(
        {{ safe_divide(prefix ~ 'sessions_with_purchase', prefix ~ 'sessions_with_view') }}, 4
    ) as view_to_purchase_rate
    {%- if with_sessions %},
    round({{ safe_divide(prefix ~ 'sessions_with_purchase', prefix ~ 'sessions') }}, 4) as session_conversion_rate
    {%- endif %}
{%- endmacro %}
