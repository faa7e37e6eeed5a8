-- Outbound deliveries (webhooks, the VOC tracker, the sales hand-off), written in the transaction
-- of the event they report and sent by the delivery sender beside every long-running mode: each
-- is tried until its receiver takes it (delivered_at) or, after deliveries.max_attempts tries,
-- kept as a dead letter (dead_at) for `resolvd webhooks resend`.
CREATE TABLE deliveries (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    -- A webhook's URL, `tracker` or `sales`: the config entry it goes to.
    target           TEXT NOT NULL,
    event            TEXT NOT NULL,
    -- What it is about: T-n or V-n.
    subject          TEXT NOT NULL,
    -- The exact bytes POSTed (and signed).
    body             TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    delivered_at     TEXT,
    dead_at          TEXT,
    last_error       TEXT,
    -- What the receiver answered it is now at (a GitHub issue's html_url).
    response_url     TEXT
);
CREATE INDEX deliveries_pending ON deliveries (next_attempt_at, id) WHERE delivered_at IS NULL AND dead_at IS NULL;
CREATE INDEX deliveries_subject ON deliveries (subject, event);
