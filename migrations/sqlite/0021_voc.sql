-- Voice of customer: customers' suggestions grouped into items (V-n, a sequence of their own) that
-- a product manager accepts into engineering, rejects with a reason, or ships. Never edit a
-- migration that has shipped; add a new one.

-- status is open, accepted, rejected or shipped; reason is why it was rejected, note what shipped;
-- tracker_url is the engineering tracker's issue, once one is made.
CREATE TABLE voc_items (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    title         TEXT NOT NULL,
    domain        TEXT,
    status        TEXT NOT NULL,
    reason        TEXT,
    note          TEXT,
    tracker_url   TEXT,
    decided_by    TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
-- A new suggestion is compared with the open and accepted items of its domain.
CREATE INDEX voc_items_by_status ON voc_items (status, id);

-- Each suggestion: a ticket in at most one item, with the customer's text it was compared by.
CREATE TABLE voc_tickets (
    ticket_id     INTEGER PRIMARY KEY REFERENCES tickets (id),
    item_id       INTEGER NOT NULL REFERENCES voc_items (id),
    text          TEXT NOT NULL,
    linked_by     TEXT NOT NULL,
    linked_at     TEXT NOT NULL
);
CREATE INDEX voc_tickets_by_item ON voc_tickets (item_id, ticket_id);
