-- The cockpit's indicators (issue 13) read the timeline by event type and time (events of a kind
-- in a range of days), and a ticket's events of one type (its creation, its latest resolution, the
-- close or reopen that answered a resolution card, its breach alarms).
-- Never edit a migration that has shipped; add a new one.

CREATE INDEX events_by_type_at ON events (type, at) INCLUDE (ticket_id, id);
CREATE INDEX events_by_ticket_type ON events (ticket_id, type, id);
