-- What the Discord channel needs to remember between runs (numbered 0003: 0002 is the SLA's).
-- Never edit a migration that has shipped; add a new one.

-- Discord channels the bot reads: DMs with customers, intake channels, the private threads it
-- opened for intake-channel customers and the staff threads of tickets. last_message_id is the
-- newest message taken in, so a restart reads the history after it.
CREATE TABLE discord_channels (
    channel_id       BIGINT PRIMARY KEY,
    kind             TEXT NOT NULL,
    -- staff_thread: the ticket it is for.
    ticket_id        BIGINT REFERENCES tickets (id),
    -- customer_thread: "<intake channel>:<user>", the customer it was opened for.
    owner            TEXT,
    last_message_id  BIGINT
);
CREATE UNIQUE INDEX discord_staff_thread_of_ticket ON discord_channels (ticket_id) WHERE kind = 'staff_thread';
CREATE UNIQUE INDEX discord_customer_thread_of_owner ON discord_channels (owner) WHERE kind = 'customer_thread';

-- Small named values: the hash of the slash commands registered per scope.
CREATE TABLE discord_state (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
