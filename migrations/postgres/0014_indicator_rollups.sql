-- The cockpit's indicators from totals kept on write (issue 13): per local day of one time zone
-- and per ticket dimensions (kind, domain, severity; '' for none), maintained by the store in the
-- transaction that changes a ticket or appends an event the indicators read, and rebuilt from the
-- timeline when the zone or the format recorded here is not the one asked for.
-- Never edit a migration that has shipped; add a new one.

-- The zone and format the totals were built for; version 0: never built (the timeline serves).
CREATE TABLE indicator_rollup_state (
    id            BIGINT PRIMARY KEY CHECK (id = 1),
    time_zone     TEXT NOT NULL,
    version       BIGINT NOT NULL
);
INSERT INTO indicator_rollup_state (id, time_zone, version) VALUES (1, '', 0);

-- Indicator 1 per day: created, closed, and reopened right after a close.
CREATE TABLE indicator_days (
    day           BIGINT NOT NULL,
    kind          TEXT NOT NULL,
    domain        TEXT NOT NULL,
    severity      TEXT NOT NULL,
    created       BIGINT NOT NULL,
    closed        BIGINT NOT NULL,
    reopened      BIGINT NOT NULL,
    PRIMARY KEY (day, kind, domain, severity)
);

-- Indicators 2 to 4: a tally (counts and histograms, encoded by domain::indicators::rollup) per
-- span (0 a day, 1 a month, 2 now), its first day, and the day of the next resolution.
CREATE TABLE indicator_rollups (
    span          BIGINT NOT NULL,
    period        BIGINT NOT NULL,
    next_day      BIGINT NOT NULL,
    kind          TEXT NOT NULL,
    domain        TEXT NOT NULL,
    severity      TEXT NOT NULL,
    data          BYTEA NOT NULL,
    PRIMARY KEY (span, period, next_day, kind, domain, severity)
);
