-- Revisits: a closed ticket sampled for a "still working?" question some days later. Never edit a
-- migration that has shipped; add a new one.

-- One row per sampled ticket, written in the transaction that closes it (a later close replaces
-- it). The revisit job reads unsent rows through the index on due_at; answer is working or
-- not_working once the customer pressed a button.
CREATE TABLE revisits (
    ticket_id     INTEGER PRIMARY KEY REFERENCES tickets (id),
    closed_at     TEXT NOT NULL,
    due_at        TEXT NOT NULL,
    sent_at       TEXT,
    answer        TEXT,
    answered_at   TEXT
);
CREATE INDEX revisits_due ON revisits (due_at) WHERE sent_at IS NULL;
