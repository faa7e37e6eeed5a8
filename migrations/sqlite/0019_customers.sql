-- The customer registry (issue 14, point 1), filled by `resolvd customers import FILE.csv`.
-- `discord_ids` keeps the ids as imported (space-separated); `customer_handles` holds every name
-- a customer is known by in chat (their id, and `discord:<id>` for each Discord id), one owner
-- each, so a person in chat is found by one primary-key lookup.
CREATE TABLE customers (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    organisation    TEXT,
    tier            TEXT NOT NULL,
    warranty_until  TEXT,
    discord_ids     TEXT NOT NULL,
    email           TEXT,
    account_owner   TEXT,
    locale          TEXT,
    imported_at     TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE TABLE customer_handles (
    handle       TEXT PRIMARY KEY,
    customer_id  TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE
);
CREATE INDEX customer_handles_by_customer ON customer_handles (customer_id);
-- The registry's tier of a ticket's customer, taken when the ticket opens (and when an import
-- changes it while the ticket is open): the SLA sweep reads it with the ticket, no lookup.
ALTER TABLE tickets ADD COLUMN customer_tier TEXT;
-- A customer's latest tickets, for the customer card.
CREATE INDEX tickets_by_customer ON tickets (customer, id);
