-- Spare parts: the catalogue's stock and what each ticket holds. Never edit a migration that has
-- shipped; add a new one.

-- One row per catalogue part. stock is free to reserve, reserved is held for tickets (both never
-- below zero: a reservation that would oversell changes nothing). unit_cost in cents.
-- reorder_noticed is set when the parts role was told the stock fell below reorder_level, and
-- cleared once it is back at or above, so the notice goes once.
CREATE TABLE parts (
    part            TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    unit_cost       BIGINT NOT NULL,
    stock           BIGINT NOT NULL CHECK (stock >= 0),
    reserved        BIGINT NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    reorder_level   BIGINT NOT NULL,
    reorder_noticed BOOLEAN NOT NULL DEFAULT FALSE
);

-- A ticket's parts: how many of a part are reserved, shipped and returned, at the unit cost of
-- its first request, and whether the customer pays (no active warranty then).
CREATE TABLE ticket_parts (
    ticket_id     BIGINT NOT NULL REFERENCES tickets (id),
    part          TEXT NOT NULL REFERENCES parts (part),
    unit_cost     BIGINT NOT NULL,
    charged       BOOLEAN NOT NULL,
    reserved      BIGINT NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    shipped       BIGINT NOT NULL DEFAULT 0 CHECK (shipped >= 0),
    returned      BIGINT NOT NULL DEFAULT 0 CHECK (returned >= 0),
    PRIMARY KEY (ticket_id, part)
);
