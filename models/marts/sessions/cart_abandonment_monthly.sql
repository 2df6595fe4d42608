-- The month's cart abandonment over all sessions: the segments of cart_abandonment share sessions, so their
-- session counts do not add up to the month's. The same body as the cuts, with no segment
-- (macros/cart_abandonment_segments.sql).
{{ cart_abandonment_segments([]) }}
