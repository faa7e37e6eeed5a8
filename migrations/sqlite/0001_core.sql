-- The ITR core: tickets, the customer messages behind them, their timeline and the outbox.
-- Never edit a migration that has shipped; add a new one.

CREATE TABLE tickets (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    status        TEXT NOT NULL,
    close_reason  TEXT,
    kind          TEXT,
    domain        TEXT,
    severity      TEXT,
    tier          TEXT NOT NULL,
    assignee      TEXT,
    customer      TEXT NOT NULL,
    conversation  TEXT NOT NULL,
    title         TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX tickets_open_in_conversation ON tickets (conversation, customer) WHERE status <> 'closed';
CREATE INDEX tickets_by_status ON tickets (status, id);

-- Every customer message, stored before anything else happens; ticket_id is NULL until it is taken in.
CREATE TABLE messages (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    source_id     TEXT NOT NULL UNIQUE,
    conversation  TEXT NOT NULL,
    author        TEXT NOT NULL,
    text          TEXT NOT NULL,
    ticket_id     INTEGER REFERENCES tickets (id),
    received_at   TEXT NOT NULL
);
CREATE INDEX messages_untaken ON messages (id) WHERE ticket_id IS NULL;

-- Commands and button presses already handled, so a replayed one changes nothing.
CREATE TABLE handled_inbound (
    source_id     TEXT PRIMARY KEY,
    handled_at    TEXT NOT NULL
);

-- The timeline; events with no ticket are the audit log.
CREATE TABLE events (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id     INTEGER REFERENCES tickets (id),
    actor         TEXT NOT NULL,
    at            TEXT NOT NULL,
    type          TEXT NOT NULL,
    data          TEXT NOT NULL
);
CREATE INDEX events_by_ticket ON events (ticket_id, id);

CREATE TABLE ticket_links (
    ticket_id     INTEGER NOT NULL REFERENCES tickets (id),
    other_id      INTEGER NOT NULL REFERENCES tickets (id),
    relation      TEXT NOT NULL,
    PRIMARY KEY (ticket_id, other_id)
);

-- Posts written in the same transaction as the change that caused them; adapters drain it.
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id        INTEGER REFERENCES tickets (id),
    post             TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    next_attempt_at  TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT,
    sent_at          TEXT
);
CREATE INDEX outbox_pending ON outbox (next_attempt_at, id) WHERE sent_at IS NULL;

-- Round-robin position of each routing queue, shared by every instance.
CREATE TABLE routing_cursors (
    queue         TEXT PRIMARY KEY,
    position      INTEGER NOT NULL
);
