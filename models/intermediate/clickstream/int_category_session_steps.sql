-- One row per category, session and step (event type) of an event of the session in the category, the
-- category as recorded on the event: a set that only grows; category_funnel counts its rows
-- (macros/first_seen.sql).
{{ first_seen(['category_id', 'session_id', 'event_type']) }}
