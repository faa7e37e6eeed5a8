-- A merged ticket's customer writes again: their message goes to the ticket it was merged into.
CREATE INDEX tickets_merged_in_conversation ON tickets (conversation, customer, id) WHERE close_reason = 'merged';
-- A follow-up lands on the most recently active of a customer's open tickets.
CREATE INDEX tickets_open_by_activity ON tickets (conversation, customer, updated_at) WHERE status <> 'closed';
-- Who was merged into a ticket.
CREATE INDEX ticket_links_by_other ON ticket_links (other_id, relation);
