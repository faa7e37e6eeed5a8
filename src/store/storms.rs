//! What the store keeps of storms (`domain::storm`): each storm proposed once for its first ticket,
//! the tickets in it (each in at most one), and a row per domain that the transaction about to
//! propose there writes first, so two instances propose one after the other. Its queries are
//! written once in `sql_storms!` for both backends, as `sql.rs` does for the core store.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{StoreError, StoreResult};
use crate::domain::storm::{Storm, StormStatus};
use crate::domain::{Ticket, TicketRef};

/// How many characters of a ticket's first message a storm compares.
pub const STORM_TEXT_CHARS: i32 = 1000;

/// A recent ticket of a domain, as a storm compares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateText {
    pub ticket: TicketRef,
    pub created_at: DateTime<Utc>,
    /// The start of its first message (its title when it has no message).
    pub text: String,
}

/// A storm a new ticket may join (its tickets not read: a storm may hold thousands).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveStorm {
    pub id: i64,
    pub first: TicketRef,
    pub status: StormStatus,
    pub incident: Option<TicketRef>,
}

#[async_trait]
pub trait StormTx: Send {
    /// The domain's tickets opened at or after `since`, not closed and in no storm: the newest
    /// `limit` of them, newest first.
    async fn storm_candidates(
        &mut self,
        domain: &str,
        since: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<CandidateText>>;
    /// Writes the domain's storm row: on PostgreSQL it stays locked until this transaction ends,
    /// so another instance about to propose in the domain waits and then sees this one's storm.
    async fn lock_storm_domain(&mut self, domain: &str, at: DateTime<Utc>) -> StoreResult<()>;
    /// Proposes a storm of these tickets (the first is its key); `None` when that ticket's storm
    /// was proposed already. Tickets in another storm meanwhile are left out.
    async fn insert_storm(
        &mut self,
        domain: &str,
        tickets: &[TicketRef],
        at: DateTime<Utc>,
    ) -> StoreResult<Option<Storm>>;
    /// Adds a ticket, which opened at `at`, to a storm; false when it is in one already.
    async fn add_storm_member(
        &mut self,
        storm: i64,
        ticket: TicketRef,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// The storm a ticket is in.
    async fn storm_of(&mut self, ticket: TicketRef) -> StoreResult<Option<Storm>>;
    /// The domain's storms a new ticket may join: proposed and active since `since` (a ticket
    /// joined then or later), or confirmed with the incident neither resolved nor closed.
    async fn live_storms(&mut self, domain: &str, since: DateTime<Utc>) -> StoreResult<Vec<LiveStorm>>;
    /// A storm's first `limit` tickets, each with the start of its first message.
    async fn storm_texts(&mut self, storm: i64, limit: i64) -> StoreResult<Vec<(TicketRef, String)>>;
    /// Records an owner's answer to a proposed storm; false when it was answered before.
    async fn decide_storm(
        &mut self,
        storm: i64,
        status: StormStatus,
        by: &str,
        at: DateTime<Utc>,
        incident: Option<TicketRef>,
    ) -> StoreResult<bool>;
    /// The tickets linked to this incident as part of its storm (`relation: incident`).
    async fn incident_tickets(&mut self, incident: TicketRef) -> StoreResult<Vec<Ticket>>;
}

pub(super) const STORM_COLUMNS: &str =
    "s.id, s.domain, s.ticket_id, s.status, s.proposed_at, s.decided_by, s.decided_at, s.incident_id";

#[derive(sqlx::FromRow)]
pub(super) struct StormRow {
    id: i64,
    domain: String,
    ticket_id: i64,
    status: String,
    proposed_at: DateTime<Utc>,
    decided_by: Option<String>,
    decided_at: Option<DateTime<Utc>>,
    incident_id: Option<i64>,
}

impl StormRow {
    pub(super) fn id(&self) -> i64 {
        self.id
    }

    pub(super) fn into_live(self) -> StoreResult<LiveStorm> {
        let storm = self.into_storm(vec![])?;
        Ok(LiveStorm { id: storm.id, first: storm.first, status: storm.status, incident: storm.incident })
    }

    pub(super) fn into_storm(self, members: Vec<i64>) -> StoreResult<Storm> {
        let status = self
            .status
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("storms.status holds `{}`", self.status)))?;
        Ok(Storm {
            id: self.id,
            domain: self.domain,
            first: TicketRef(self.ticket_id),
            status,
            proposed_at: self.proposed_at,
            decided_by: self.decided_by,
            decided_at: self.decided_at,
            incident: self.incident_id.map(TicketRef),
            members: members.into_iter().map(TicketRef).collect(),
        })
    }
}

/// Implements `StormTx` for the transaction type `$tx` of a backend (its `tx` field).
macro_rules! sql_storms {
    (tx: $tx:ident $(,)?) => {
        impl $tx {
            async fn storm_with_members(
                &mut self,
                row: Option<$crate::store::storms::StormRow>,
            ) -> $crate::store::StoreResult<Option<$crate::domain::storm::Storm>> {
                let Some(row) = row else { return Ok(None) };
                let members: Vec<i64> = sqlx::query_scalar(
                    "SELECT ticket_id FROM storm_members WHERE storm_id = $1 ORDER BY ticket_id",
                )
                .bind(row.id())
                .fetch_all(&mut *self.tx)
                .await?;
                row.into_storm(members).map(Some)
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::storms::StormTx for $tx {
            async fn storm_candidates(
                &mut self,
                domain: &str,
                since: chrono::DateTime<chrono::Utc>,
                limit: i64,
            ) -> $crate::store::StoreResult<Vec<$crate::store::storms::CandidateText>> {
                let rows: Vec<(i64, chrono::DateTime<chrono::Utc>, String)> = sqlx::query_as(
                    "SELECT t.id, t.created_at, COALESCE((SELECT substr(m.text, 1, $4) FROM messages m \
                     WHERE m.ticket_id = t.id ORDER BY m.id LIMIT 1), t.title) \
                     FROM tickets t WHERE t.domain = $1 AND t.status <> 'closed' AND t.created_at >= $2 \
                     AND NOT EXISTS (SELECT 1 FROM storm_members s WHERE s.ticket_id = t.id) \
                     ORDER BY t.created_at DESC, t.id DESC LIMIT $3",
                )
                .bind(domain)
                .bind(since)
                .bind(limit)
                .bind($crate::store::storms::STORM_TEXT_CHARS)
                .fetch_all(&mut *self.tx)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, created_at, text)| $crate::store::storms::CandidateText {
                        ticket: $crate::domain::TicketRef(id),
                        created_at,
                        text,
                    })
                    .collect())
            }

            async fn lock_storm_domain(
                &mut self,
                domain: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO storm_domains (domain, proposed_at) VALUES ($1, $2) \
                     ON CONFLICT (domain) DO UPDATE SET proposed_at = excluded.proposed_at",
                )
                .bind(domain)
                .bind(at)
                .execute(&mut *self.tx)
                .await?;
                Ok(())
            }

            async fn insert_storm(
                &mut self,
                domain: &str,
                tickets: &[$crate::domain::TicketRef],
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<Option<$crate::domain::storm::Storm>> {
                let Some(first) = tickets.first() else { return Ok(None) };
                let id: Option<i64> = sqlx::query_scalar(
                    "INSERT INTO storms (domain, ticket_id, status, proposed_at, active_at) \
                     VALUES ($1, $2, 'proposed', $3, $3) ON CONFLICT (ticket_id) DO NOTHING RETURNING id",
                )
                .bind(domain)
                .bind(first.0)
                .bind(at)
                .fetch_optional(&mut *self.tx)
                .await?;
                let Some(id) = id else { return Ok(None) };
                for ticket in tickets {
                    self.add_storm_member(id, *ticket, at).await?;
                }
                self.storm_of(*first).await
            }

            async fn add_storm_member(
                &mut self,
                storm: i64,
                ticket: $crate::domain::TicketRef,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<bool> {
                let added = sqlx::query(
                    "INSERT INTO storm_members (ticket_id, storm_id) VALUES ($1, $2) \
                     ON CONFLICT (ticket_id) DO NOTHING",
                )
                .bind(ticket.0)
                .bind(storm)
                .execute(&mut *self.tx)
                .await?
                .rows_affected();
                if added == 1 {
                    sqlx::query("UPDATE storms SET active_at = $2 WHERE id = $1 AND active_at < $2")
                        .bind(storm)
                        .bind(at)
                        .execute(&mut *self.tx)
                        .await?;
                }
                Ok(added == 1)
            }

            async fn storm_of(
                &mut self,
                ticket: $crate::domain::TicketRef,
            ) -> $crate::store::StoreResult<Option<$crate::domain::storm::Storm>> {
                let sql = format!(
                    "SELECT {} FROM storms s JOIN storm_members m ON m.storm_id = s.id WHERE m.ticket_id = $1",
                    $crate::store::storms::STORM_COLUMNS
                );
                let row: Option<$crate::store::storms::StormRow> =
                    sqlx::query_as(&sql).bind(ticket.0).fetch_optional(&mut *self.tx).await?;
                self.storm_with_members(row).await
            }

            async fn live_storms(
                &mut self,
                domain: &str,
                since: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<Vec<$crate::store::storms::LiveStorm>> {
                let sql = format!(
                    "SELECT {} FROM storms s LEFT JOIN tickets t ON t.id = s.incident_id \
                     WHERE s.domain = $1 AND ((s.status = 'proposed' AND s.active_at >= $2) \
                     OR (s.status = 'confirmed' AND t.status <> 'resolved' AND t.status <> 'closed')) \
                     ORDER BY s.id",
                    $crate::store::storms::STORM_COLUMNS
                );
                let rows: Vec<$crate::store::storms::StormRow> =
                    sqlx::query_as(&sql).bind(domain).bind(since).fetch_all(&mut *self.tx).await?;
                rows.into_iter().map($crate::store::storms::StormRow::into_live).collect()
            }

            async fn storm_texts(
                &mut self,
                storm: i64,
                limit: i64,
            ) -> $crate::store::StoreResult<Vec<($crate::domain::TicketRef, String)>> {
                let texts: Vec<(i64, String)> = sqlx::query_as(
                    "SELECT t.id, COALESCE((SELECT substr(m.text, 1, $3) FROM messages m WHERE m.ticket_id = t.id \
                     ORDER BY m.id LIMIT 1), t.title) FROM storm_members s JOIN tickets t ON t.id = s.ticket_id \
                     WHERE s.storm_id = $1 ORDER BY s.ticket_id LIMIT $2",
                )
                .bind(storm)
                .bind(limit)
                .bind($crate::store::storms::STORM_TEXT_CHARS)
                .fetch_all(&mut *self.tx)
                .await?;
                Ok(texts.into_iter().map(|(id, text)| ($crate::domain::TicketRef(id), text)).collect())
            }

            async fn decide_storm(
                &mut self,
                storm: i64,
                status: $crate::domain::storm::StormStatus,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
                incident: Option<$crate::domain::TicketRef>,
            ) -> $crate::store::StoreResult<bool> {
                let decided = sqlx::query(
                    "UPDATE storms SET status = $2, decided_by = $3, decided_at = $4, incident_id = $5 \
                     WHERE id = $1 AND status = 'proposed'",
                )
                .bind(storm)
                .bind(<&'static str>::from(status))
                .bind(by)
                .bind(at)
                .bind(incident.map(|t| t.0))
                .execute(&mut *self.tx)
                .await?
                .rows_affected();
                Ok(decided == 1)
            }

            async fn incident_tickets(
                &mut self,
                incident: $crate::domain::TicketRef,
            ) -> $crate::store::StoreResult<Vec<$crate::domain::Ticket>> {
                let columns = $crate::store::sql::TICKET_COLUMNS
                    .split(", ")
                    .map(|c| format!("t.{}", c.trim()))
                    .collect::<Vec<_>>()
                    .join(", ");
                let sql = format!(
                    "SELECT {columns} FROM ticket_links l JOIN tickets t ON t.id = l.ticket_id \
                     WHERE l.other_id = $1 AND l.relation = 'incident' ORDER BY t.id"
                );
                let rows: Vec<$crate::store::sql::TicketRow> =
                    sqlx::query_as(&sql).bind(incident.0).fetch_all(&mut *self.tx).await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }
        }
    };
}

pub(super) use sql_storms;
