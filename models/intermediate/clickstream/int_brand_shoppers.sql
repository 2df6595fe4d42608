-- One row per brand and user with an event on the brand's products: the set of each brand's shoppers, which
-- only grows; brand_engagement counts its rows (macros/first_seen.sql).
{{ first_seen(['brand', 'user_id']) }}
