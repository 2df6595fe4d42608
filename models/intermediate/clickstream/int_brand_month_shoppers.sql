-- int_brand_shoppers per UTC month of the events, for brand_monthly (macros/first_seen.sql).
{{ first_seen(['month_start_date', 'brand', 'user_id']) }}
