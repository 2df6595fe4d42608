-- One row per product and category recorded together on an event: a set that only grows. A product with more
-- than one row has changed category at least once; category_funnel counts its sessions apart
-- (macros/first_seen.sql).
{{ first_seen(['product_id', 'category_id']) }}
