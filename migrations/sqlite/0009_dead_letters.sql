-- A post that can never be delivered (a permanent error, or `outbox.max_attempts` tries) is a dead
-- letter: kept with its last error, claimed no more, listed and resent by `resolvd outbox`.
ALTER TABLE outbox ADD COLUMN dead_at TEXT;
DROP INDEX outbox_pending;
CREATE INDEX outbox_pending ON outbox (next_attempt_at, id) WHERE sent_at IS NULL AND dead_at IS NULL;
CREATE INDEX outbox_dead ON outbox (id) WHERE dead_at IS NOT NULL AND sent_at IS NULL;
