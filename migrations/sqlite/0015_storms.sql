-- Storms: similar new tickets of one domain within minutes, proposed to its owners as one S-level
-- incident. Never edit a migration that has shipped; add a new one.

-- A storm is proposed once for its first ticket (unique: two instances cannot both propose it);
-- status is proposed, confirmed or declined; incident_id is the ticket that became the incident;
-- active_at is when its newest ticket joined (an unanswered storm takes new tickets while active).
CREATE TABLE storms (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    domain        TEXT NOT NULL,
    ticket_id     INTEGER NOT NULL UNIQUE REFERENCES tickets (id),
    status        TEXT NOT NULL,
    proposed_at   TEXT NOT NULL,
    decided_by    TEXT,
    decided_at    TEXT,
    incident_id   INTEGER REFERENCES tickets (id),
    active_at     TEXT NOT NULL
);
CREATE INDEX storms_by_domain ON storms (domain, status);

-- Every ticket of a storm; a ticket is in at most one, so the same tickets are never proposed twice.
CREATE TABLE storm_members (
    ticket_id     INTEGER PRIMARY KEY REFERENCES tickets (id),
    storm_id      INTEGER NOT NULL REFERENCES storms (id)
);
CREATE INDEX storm_members_by_storm ON storm_members (storm_id, ticket_id);

-- One row per domain, written (and so locked, on PostgreSQL) by the transaction about to propose
-- a storm there: instances propose one after the other, each seeing what the other proposed.
CREATE TABLE storm_domains (
    domain        TEXT PRIMARY KEY,
    proposed_at   TEXT NOT NULL
);

-- A new ticket's storm candidates: the domain's recent tickets not closed.
CREATE INDEX tickets_by_domain_created ON tickets (domain, created_at) WHERE status <> 'closed';
-- A ticket's first message, which is what a storm compares.
CREATE INDEX messages_by_ticket ON messages (ticket_id, id);
