-- Per month and top-level category (macros/cart_abandonment_segments.sql).
{{ cart_abandonment_segments(['category_main']) }}
