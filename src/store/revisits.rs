//! What the store keeps of revisits (`domain::revisit`): a row per sampled closed ticket, written
//! in the transaction that closes it, read by the revisit job through its index on `due_at`, and
//! the customer's answer. Written once in `sql_revisits!` for both backends.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{StoreError, StoreResult};
use crate::domain::TicketRef;
use crate::domain::revisit::RevisitAnswer;

/// A ticket's revisit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revisit {
    pub ticket: TicketRef,
    pub closed_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    /// When the question went out; `None` while it waits for `due_at`.
    pub sent_at: Option<DateTime<Utc>>,
    pub answer: Option<RevisitAnswer>,
    pub answered_at: Option<DateTime<Utc>>,
}

#[async_trait]
pub trait RevisitStore: Send + Sync {
    /// Tickets whose revisit is due at `now` and not sent, earliest first.
    async fn due_revisits(&self, now: DateTime<Utc>, limit: i64) -> StoreResult<Vec<TicketRef>>;
    async fn revisit(&self, ticket: TicketRef) -> StoreResult<Option<Revisit>>;
}

#[async_trait]
pub trait RevisitTx: Send {
    /// Plans the ticket's revisit, replacing any earlier one (a ticket closed again is asked again).
    async fn plan_revisit(
        &mut self,
        ticket: TicketRef,
        closed_at: DateTime<Utc>,
        due_at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// The ticket's revisit, locked for change where the backend can.
    async fn revisit_for_update(&mut self, ticket: TicketRef) -> StoreResult<Option<Revisit>>;
    /// Puts an unsent revisit off to `due_at` (its job failed on it).
    async fn put_off_revisit(&mut self, ticket: TicketRef, due_at: DateTime<Utc>) -> StoreResult<()>;
    /// Drops an unsent revisit (the ticket is no longer closed).
    async fn drop_revisit(&mut self, ticket: TicketRef) -> StoreResult<()>;
    async fn mark_revisit_sent(&mut self, ticket: TicketRef, at: DateTime<Utc>) -> StoreResult<()>;
    /// Records the answer to a sent revisit; false when it was answered before (or never sent).
    async fn answer_revisit(
        &mut self,
        ticket: TicketRef,
        answer: RevisitAnswer,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
}

pub(super) const REVISIT_COLUMNS: &str = "ticket_id, closed_at, due_at, sent_at, answer, answered_at";

#[derive(sqlx::FromRow)]
pub(super) struct RevisitRow {
    ticket_id: i64,
    closed_at: DateTime<Utc>,
    due_at: DateTime<Utc>,
    sent_at: Option<DateTime<Utc>>,
    answer: Option<String>,
    answered_at: Option<DateTime<Utc>>,
}

impl TryFrom<RevisitRow> for Revisit {
    type Error = StoreError;

    fn try_from(row: RevisitRow) -> StoreResult<Revisit> {
        let answer = row
            .answer
            .map(|a| a.parse().map_err(|_| StoreError::Corrupt(format!("revisits.answer holds `{a}`"))))
            .transpose()?;
        Ok(Revisit {
            ticket: TicketRef(row.ticket_id),
            closed_at: row.closed_at,
            due_at: row.due_at,
            sent_at: row.sent_at,
            answer,
            answered_at: row.answered_at,
        })
    }
}

/// Implements `RevisitStore` for `$store` (a `pool` field) and `RevisitTx` for `$tx` (a `tx`
/// field); `$lock_row` is the backend's row lock clause.
macro_rules! sql_revisits {
    (store: $store:ident, tx: $tx:ident, lock_row: $lock_row:expr $(,)?) => {
        #[async_trait::async_trait]
        impl $crate::store::revisits::RevisitStore for $store {
            async fn due_revisits(
                &self,
                now: chrono::DateTime<chrono::Utc>,
                limit: i64,
            ) -> $crate::store::StoreResult<Vec<$crate::domain::TicketRef>> {
                let ids: Vec<i64> = sqlx::query_scalar(
                    "SELECT ticket_id FROM revisits WHERE sent_at IS NULL AND due_at <= $1 \
                     ORDER BY due_at, ticket_id LIMIT $2",
                )
                .bind(now)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
                Ok(ids.into_iter().map($crate::domain::TicketRef).collect())
            }

            async fn revisit(
                &self,
                ticket: $crate::domain::TicketRef,
            ) -> $crate::store::StoreResult<Option<$crate::store::revisits::Revisit>> {
                let sql = format!(
                    "SELECT {} FROM revisits WHERE ticket_id = $1",
                    $crate::store::revisits::REVISIT_COLUMNS
                );
                let row: Option<$crate::store::revisits::RevisitRow> =
                    sqlx::query_as(&sql).bind(ticket.0).fetch_optional(&self.pool).await?;
                row.map(TryInto::try_into).transpose()
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::revisits::RevisitTx for $tx {
            async fn plan_revisit(
                &mut self,
                ticket: $crate::domain::TicketRef,
                closed_at: chrono::DateTime<chrono::Utc>,
                due_at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO revisits (ticket_id, closed_at, due_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (ticket_id) DO UPDATE SET closed_at = excluded.closed_at, \
                     due_at = excluded.due_at, sent_at = NULL, answer = NULL, answered_at = NULL",
                )
                .bind(ticket.0)
                .bind(closed_at)
                .bind(due_at)
                .execute(&mut *self.tx)
                .await?;
                Ok(())
            }

            async fn revisit_for_update(
                &mut self,
                ticket: $crate::domain::TicketRef,
            ) -> $crate::store::StoreResult<Option<$crate::store::revisits::Revisit>> {
                let sql = format!(
                    "SELECT {} FROM revisits WHERE ticket_id = $1{}",
                    $crate::store::revisits::REVISIT_COLUMNS,
                    $lock_row
                );
                let row: Option<$crate::store::revisits::RevisitRow> =
                    sqlx::query_as(&sql).bind(ticket.0).fetch_optional(&mut *self.tx).await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn put_off_revisit(
                &mut self,
                ticket: $crate::domain::TicketRef,
                due_at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query("UPDATE revisits SET due_at = $2 WHERE ticket_id = $1 AND sent_at IS NULL")
                    .bind(ticket.0)
                    .bind(due_at)
                    .execute(&mut *self.tx)
                    .await?;
                Ok(())
            }

            async fn drop_revisit(
                &mut self,
                ticket: $crate::domain::TicketRef,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query("DELETE FROM revisits WHERE ticket_id = $1 AND sent_at IS NULL")
                    .bind(ticket.0)
                    .execute(&mut *self.tx)
                    .await?;
                Ok(())
            }

            async fn mark_revisit_sent(
                &mut self,
                ticket: $crate::domain::TicketRef,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query("UPDATE revisits SET sent_at = $2 WHERE ticket_id = $1")
                    .bind(ticket.0)
                    .bind(at)
                    .execute(&mut *self.tx)
                    .await?;
                Ok(())
            }

            async fn answer_revisit(
                &mut self,
                ticket: $crate::domain::TicketRef,
                answer: $crate::domain::revisit::RevisitAnswer,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<bool> {
                let answered = sqlx::query(
                    "UPDATE revisits SET answer = $2, answered_at = $3 \
                     WHERE ticket_id = $1 AND sent_at IS NOT NULL AND answer IS NULL",
                )
                .bind(ticket.0)
                .bind(<&'static str>::from(answer))
                .bind(at)
                .execute(&mut *self.tx)
                .await?
                .rows_affected();
                Ok(answered == 1)
            }
        }
    };
}

pub(super) use sql_revisits;
