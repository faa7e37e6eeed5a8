-- What the daily digest reads of each ticket's clocks, kept in step with `next_alarm_at` by the same
-- code (the engine's `schedule`, in the transaction of every change, and the sweep): the earliest
-- instant any clock is breached after (`sla_breach_at`: breached once now is past it) and the
-- running resolution clock's deadline (`resolution_due_at`; NULL when it is paused or stopped). The
-- digest is then one read of these columns, not a timeline read per ticket.
ALTER TABLE tickets ADD COLUMN sla_breach_at TIMESTAMPTZ;
ALTER TABLE tickets ADD COLUMN resolution_due_at TIMESTAMPTZ;
-- Whether the two columns were computed. Rows from before this migration are computed from their
-- timelines by a one-time pass (start-up of a serving process, and before each digest); a closed
-- ticket needs none, the digest does not count it.
ALTER TABLE tickets ADD COLUMN sla_marked BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE tickets SET sla_marked = TRUE WHERE status = 'closed';
CREATE INDEX tickets_unmarked ON tickets (id) WHERE NOT sla_marked AND status <> 'closed';
CREATE INDEX tickets_breach ON tickets (sla_breach_at) WHERE status <> 'closed' AND sla_breach_at IS NOT NULL;
CREATE INDEX tickets_resolution_due ON tickets (resolution_due_at)
    WHERE status <> 'closed' AND resolution_due_at IS NOT NULL;
