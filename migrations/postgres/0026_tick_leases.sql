-- A scheduler tick's claimer and lease: an instance that claims a tick holds it until
-- `lease_until`, renewing it while the job runs, and marks it finished. A tick whose claimer died
-- mid-job (not finished, lease run out) is claimed again by another instance. Rows from before
-- have no lease and count as finished.
ALTER TABLE scheduler_ticks ADD COLUMN claimed_by TEXT;
ALTER TABLE scheduler_ticks ADD COLUMN lease_until TIMESTAMPTZ;
ALTER TABLE scheduler_ticks ADD COLUMN finished_at TIMESTAMPTZ;
