-- One row per product, session and step (event type) of an event of the session on the product: the set of
-- the sessions seen at each step of each product, which only grows; product_funnel counts its rows
-- (macros/first_seen.sql).
{{ first_seen(['session_id', 'product_id', 'event_type']) }}
