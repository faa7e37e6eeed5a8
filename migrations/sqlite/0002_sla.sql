-- SLA and OLA: when each ticket next needs the sweep, which notices went out, and which scheduler
-- ticks ran. Clock facts (pauses, first response, escalations) are not stored twice: they are read
-- from the timeline.

-- The earliest instant the SLA sweep must look at the ticket (a warning, a breach, an OLA expiry);
-- NULL when nothing is pending. The partial index makes the sweep read only the due rows.
ALTER TABLE tickets ADD COLUMN next_alarm_at TEXT;
CREATE INDEX tickets_next_alarm ON tickets (next_alarm_at) WHERE next_alarm_at IS NOT NULL;

-- Every SLA notice sent, by a key naming the clock, the alarm and its deadline: inserted in the
-- transaction that enqueues the notice, so each goes out once across restarts and instances.
CREATE TABLE sla_notices (
    ticket_id     INTEGER NOT NULL REFERENCES tickets (id),
    key           TEXT NOT NULL,
    sent_at       TEXT NOT NULL,
    PRIMARY KEY (ticket_id, key)
);

-- One row per scheduled run of a job: the instance that inserts it runs the tick, every other skips it.
CREATE TABLE scheduler_ticks (
    job           TEXT NOT NULL,
    tick          TEXT NOT NULL,
    claimed_at    TEXT NOT NULL,
    PRIMARY KEY (job, tick)
);
