//! The one loop every batch job runs: the SLA sweep, the resolution cards' timers and the war-room
//! reminders each take their due tickets in batches, a batch in one transaction (a commit, an fsync,
//! per ticket would cost more than the work). A batch that fails is taken again one ticket per
//! transaction, so one ticket that cannot be handled holds up no other; that ticket is put off for
//! a while and the job goes on.

use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};
use tracing::{error, warn};

use super::Engine;
use crate::domain::TicketRef;
use crate::store::{StoreResult, StoreTx};

/// How long a ticket a job failed on waits before the next attempt.
pub(super) const RETRY_AFTER: TimeDelta = TimeDelta::minutes(5);

/// What a job counts, added up over its batches.
pub(super) trait Tally: Default + Send {
    fn add(&mut self, other: Self);
}

impl Tally for usize {
    fn add(&mut self, other: Self) {
        *self += other;
    }
}

#[async_trait]
pub(super) trait BatchJob: Sync {
    type Tally: Tally;
    /// For the log.
    const NAME: &'static str;
    /// How many due tickets one transaction takes.
    const BATCH: i64;

    /// Up to `limit` tickets due at `now`, earliest first.
    async fn due(&self, engine: &Engine, now: DateTime<Utc>, limit: i64) -> StoreResult<Vec<TicketRef>>;

    /// Handles one due ticket. It must leave the ticket not due at `now` (or the job would take it
    /// again in its next batch).
    async fn step(
        &self,
        engine: &Engine,
        tx: &mut dyn StoreTx,
        ticket: TicketRef,
        now: DateTime<Utc>,
        tally: &mut Self::Tally,
    ) -> anyhow::Result<()>;

    /// Handles a batch of due tickets in one transaction: each by `step`, unless the job reads and
    /// writes a batch set-wise (the SLA sweep).
    async fn step_all(
        &self,
        engine: &Engine,
        tx: &mut dyn StoreTx,
        due: &[TicketRef],
        now: DateTime<Utc>,
        tally: &mut Self::Tally,
    ) -> anyhow::Result<()> {
        for ticket in due {
            self.step(engine, tx, *ticket, now, tally).await?;
        }
        Ok(())
    }

    /// Makes a ticket that failed on its own due again at `retry_at`, not before.
    async fn put_off(
        &self,
        tx: &mut dyn StoreTx,
        ticket: TicketRef,
        retry_at: DateTime<Utc>,
    ) -> StoreResult<()>;
}

impl Engine {
    /// Runs `job` over every ticket due at `now`.
    pub(super) async fn run_batched<J: BatchJob>(
        &self,
        job: &J,
        now: DateTime<Utc>,
    ) -> anyhow::Result<J::Tally> {
        let mut total = J::Tally::default();
        loop {
            let due = job.due(self, now, J::BATCH).await?;
            let full = due.len() as i64 == J::BATCH;
            match self.run_together(job, &due, now).await {
                Ok(tally) => total.add(tally),
                Err(e) => {
                    warn!(job = J::NAME, error = %format!("{e:#}"), "batch failed; taking its tickets one by one");
                    for ticket in due {
                        total.add(self.run_alone(job, ticket, now).await?);
                    }
                }
            }
            if !full {
                return Ok(total);
            }
        }
    }

    async fn run_together<J: BatchJob>(
        &self,
        job: &J,
        due: &[TicketRef],
        now: DateTime<Utc>,
    ) -> anyhow::Result<J::Tally> {
        let mut tally = J::Tally::default();
        let mut tx = self.store.begin().await?;
        job.step_all(self, &mut *tx, due, now, &mut tally).await?;
        tx.commit().await?;
        Ok(tally)
    }

    async fn run_alone<J: BatchJob>(
        &self,
        job: &J,
        ticket: TicketRef,
        now: DateTime<Utc>,
    ) -> anyhow::Result<J::Tally> {
        match self.run_together(job, &[ticket], now).await {
            Ok(tally) => Ok(tally),
            Err(e) => {
                error!(job = J::NAME, %ticket, error = %format!("{e:#}"), "job failed on a ticket; retrying it later");
                let mut tx = self.store.begin().await?;
                job.put_off(&mut *tx, ticket, now + RETRY_AFTER).await?;
                tx.commit().await?;
                Ok(J::Tally::default())
            }
        }
    }
}
