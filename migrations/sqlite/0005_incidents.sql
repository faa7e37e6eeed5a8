-- S-level war rooms and the customer's confirmation of a fix. Never edit a migration that has
-- shipped; add a new one.

-- One war room per S-level ticket. roster is a JSON array of person ids, report the incident
-- report as JSON once filed; card is the incident card as last posted. remind_at is when the room
-- is reminded if it stays silent (NULL once archived): the reminder job reads it through the index.
CREATE TABLE war_rooms (
    ticket_id     INTEGER PRIMARY KEY REFERENCES tickets (id),
    name          TEXT NOT NULL,
    opened_at     TEXT NOT NULL,
    leader        TEXT,
    roster        TEXT NOT NULL,
    impact        TEXT NOT NULL,
    remind_at     TEXT,
    archived_at   TEXT,
    report        TEXT,
    card          TEXT
);
CREATE INDEX war_rooms_to_remind ON war_rooms (remind_at) WHERE remind_at IS NOT NULL;

-- A resolution card waiting for the customer: the next step (remind once, then close as
-- auto-confirmed) and when it is due. The row goes when the customer answers or the ticket moves on.
CREATE TABLE confirmation_timers (
    ticket_id     INTEGER PRIMARY KEY REFERENCES tickets (id),
    asked_at      TEXT NOT NULL,
    step          TEXT NOT NULL,
    due_at        TEXT NOT NULL
);
CREATE INDEX confirmation_timers_due ON confirmation_timers (due_at);

-- A ticket's war room on Discord: at most one.
CREATE UNIQUE INDEX discord_war_room_of_ticket ON discord_channels (ticket_id) WHERE kind = 'war_room';
