-- One row per brand and session with an event on the brand's products: the set of the sessions seen with each
-- brand, which only grows; brand_engagement counts its rows (macros/first_seen.sql).
{{ first_seen(['brand', 'session_id']) }}
