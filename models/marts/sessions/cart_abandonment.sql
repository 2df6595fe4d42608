-- Per month, brand and top-level category (macros/cart_abandonment_segments.sql).
{{ cart_abandonment_segments(['brand', 'category_main']) }}
