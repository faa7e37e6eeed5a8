//! What the store keeps of voice-of-customer items (`domain::voc`): each item (`V-n`, a sequence
//! of its own) and its suggestions, a ticket in at most one item with the text it was compared by.
//! `VocStore` reads them (chat's `/voc list|show`, `resolvd voc`), `VocTx` changes them in the
//! transaction of the event that causes it. Written once in `sql_voc!` for both backends.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{StoreError, StoreResult};
use crate::domain::TicketRef;
use crate::domain::voc::{Suggestion, VocItem, VocRef, VocStatus};

/// How many characters of a suggestion's text are kept and compared.
pub const SUGGESTION_CHARS: usize = 1000;

/// A status moved by a product manager, with what goes with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VocDecision<'a> {
    pub from: VocStatus,
    pub to: VocStatus,
    pub by: &'a str,
    /// Why it was rejected (kept as is otherwise).
    pub reason: Option<&'a str>,
    /// What shipped (kept as is otherwise).
    pub note: Option<&'a str>,
    pub at: DateTime<Utc>,
}

#[async_trait]
pub trait VocStore: Send + Sync {
    /// An item with all its suggestions.
    async fn voc_item(&self, item: VocRef) -> StoreResult<Option<VocItem>>;
    /// Items (of this status, or all), oldest first, at most `limit`, each with its suggestions.
    async fn voc_items(&self, status: Option<VocStatus>, limit: i64) -> StoreResult<Vec<VocItem>>;
}

#[async_trait]
pub trait VocTx: Send {
    /// An item with all its suggestions, locked for change where the backend can.
    async fn voc_item_for_update(&mut self, item: VocRef) -> StoreResult<Option<VocItem>>;
    /// The items of a domain (`None`: of no domain) that take suggestions (open or accepted),
    /// newest first, at most `limit`, each with its first `suggestions` suggestions.
    async fn live_voc_items(
        &mut self,
        domain: Option<&str>,
        limit: i64,
        suggestions: i64,
    ) -> StoreResult<Vec<VocItem>>;
    /// Opens an item, with no suggestion yet.
    async fn insert_voc_item(
        &mut self,
        title: &str,
        domain: Option<&str>,
        at: DateTime<Utc>,
    ) -> StoreResult<VocRef>;
    /// Puts a ticket's suggestion in an item (moving it from any other, whose `updated_at` is left
    /// alone); returns the item it was in before, if any.
    async fn link_suggestion(
        &mut self,
        item: VocRef,
        ticket: TicketRef,
        text: &str,
        by: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<Option<VocRef>>;
    /// The item a ticket's suggestion is in.
    async fn voc_item_of(&mut self, ticket: TicketRef) -> StoreResult<Option<VocRef>>;
    /// Moves an item from `decision.from` to `decision.to`; false when it was not at `from`.
    async fn decide_voc_item(&mut self, item: VocRef, decision: &VocDecision<'_>) -> StoreResult<bool>;
}

/// An item's columns; its tracker issue is the one the tracker answered an accepted item's
/// delivery with (`deliveries.response_url`), unless the item has one of its own.
pub(super) const ITEM_COLUMNS: &str = "id, title, domain, status, reason, note, \
     COALESCE(tracker_url, (SELECT d.response_url FROM deliveries d WHERE d.subject = 'V-' || voc_items.id \
     AND d.event = 'voc.accepted' AND d.response_url IS NOT NULL ORDER BY d.id DESC LIMIT 1)) AS tracker_url, \
     decided_by, created_at, updated_at";

/// An item's suggestions, in ticket order, at most $2.
pub(super) const SUGGESTIONS_OF: &str = "SELECT v.ticket_id, t.customer, v.text, v.linked_by, v.linked_at \
     FROM voc_tickets v JOIN tickets t ON t.id = v.ticket_id WHERE v.item_id = $1 \
     ORDER BY v.ticket_id LIMIT $2";

pub(super) type SuggestionRow = (i64, String, String, String, DateTime<Utc>);

#[derive(sqlx::FromRow)]
pub(super) struct VocRow {
    id: i64,
    title: String,
    domain: Option<String>,
    status: String,
    reason: Option<String>,
    note: Option<String>,
    tracker_url: Option<String>,
    decided_by: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl VocRow {
    pub(super) fn id(&self) -> i64 {
        self.id
    }

    pub(super) fn into_item(self, suggestions: Vec<SuggestionRow>) -> StoreResult<VocItem> {
        let status = self
            .status
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("voc_items.status holds `{}`", self.status)))?;
        Ok(VocItem {
            reference: VocRef(self.id),
            title: self.title,
            domain: self.domain,
            status,
            reason: self.reason,
            note: self.note,
            tracker_url: self.tracker_url,
            decided_by: self.decided_by,
            created_at: self.created_at,
            updated_at: self.updated_at,
            suggestions: suggestions
                .into_iter()
                .map(|(ticket, customer, text, linked_by, linked_at)| Suggestion {
                    ticket: TicketRef(ticket),
                    customer,
                    text,
                    linked_by,
                    linked_at,
                })
                .collect(),
        })
    }
}

/// Implements `VocStore` for `$store` (a `pool` field) and `VocTx` for `$tx` (a `tx` field);
/// `$lock` is the backend's row lock clause.
macro_rules! sql_voc {
    (store: $store:ident, tx: $tx:ident, lock_row: $lock:literal $(,)?) => {
        #[async_trait::async_trait]
        impl $crate::store::voc::VocStore for $store {
            async fn voc_item(
                &self,
                item: $crate::domain::voc::VocRef,
            ) -> $crate::store::StoreResult<Option<$crate::domain::voc::VocItem>> {
                let sql = format!("SELECT {} FROM voc_items WHERE id = $1", $crate::store::voc::ITEM_COLUMNS);
                let row: Option<$crate::store::voc::VocRow> =
                    sqlx::query_as(&sql).bind(item.0).fetch_optional(&self.pool).await?;
                let Some(row) = row else { return Ok(None) };
                let suggestions: Vec<$crate::store::voc::SuggestionRow> =
                    sqlx::query_as($crate::store::voc::SUGGESTIONS_OF)
                        .bind(row.id())
                        .bind(i64::MAX)
                        .fetch_all(&self.pool)
                        .await?;
                row.into_item(suggestions).map(Some)
            }

            async fn voc_items(
                &self,
                status: Option<$crate::domain::voc::VocStatus>,
                limit: i64,
            ) -> $crate::store::StoreResult<Vec<$crate::domain::voc::VocItem>> {
                let sql = format!(
                    "SELECT {} FROM voc_items WHERE ($1 = '' OR status = $1) ORDER BY id LIMIT $2",
                    $crate::store::voc::ITEM_COLUMNS
                );
                let status: &'static str = status.map_or("", <&'static str>::from);
                let rows: Vec<$crate::store::voc::VocRow> =
                    sqlx::query_as(&sql).bind(status).bind(limit).fetch_all(&self.pool).await?;
                let mut items = Vec::with_capacity(rows.len());
                for row in rows {
                    let suggestions: Vec<$crate::store::voc::SuggestionRow> =
                        sqlx::query_as($crate::store::voc::SUGGESTIONS_OF)
                            .bind(row.id())
                            .bind(i64::MAX)
                            .fetch_all(&self.pool)
                            .await?;
                    items.push(row.into_item(suggestions)?);
                }
                Ok(items)
            }
        }

        impl $tx {
            async fn voc_item_with(
                &mut self,
                row: $crate::store::voc::VocRow,
                limit: i64,
            ) -> $crate::store::StoreResult<$crate::domain::voc::VocItem> {
                let suggestions: Vec<$crate::store::voc::SuggestionRow> =
                    sqlx::query_as($crate::store::voc::SUGGESTIONS_OF)
                        .bind(row.id())
                        .bind(limit)
                        .fetch_all(&mut *self.tx)
                        .await?;
                row.into_item(suggestions)
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::voc::VocTx for $tx {
            async fn voc_item_for_update(
                &mut self,
                item: $crate::domain::voc::VocRef,
            ) -> $crate::store::StoreResult<Option<$crate::domain::voc::VocItem>> {
                let sql = format!(
                    "SELECT {} FROM voc_items WHERE id = $1{}",
                    $crate::store::voc::ITEM_COLUMNS,
                    $lock
                );
                let row: Option<$crate::store::voc::VocRow> =
                    sqlx::query_as(&sql).bind(item.0).fetch_optional(&mut *self.tx).await?;
                match row {
                    Some(row) => self.voc_item_with(row, i64::MAX).await.map(Some),
                    None => Ok(None),
                }
            }

            async fn live_voc_items(
                &mut self,
                domain: Option<&str>,
                limit: i64,
                suggestions: i64,
            ) -> $crate::store::StoreResult<Vec<$crate::domain::voc::VocItem>> {
                let sql = format!(
                    "SELECT {} FROM voc_items WHERE status IN ('open', 'accepted') \
                     AND COALESCE(domain, '') = $1 ORDER BY id DESC LIMIT $2",
                    $crate::store::voc::ITEM_COLUMNS
                );
                let rows: Vec<$crate::store::voc::VocRow> = sqlx::query_as(&sql)
                    .bind(domain.unwrap_or(""))
                    .bind(limit)
                    .fetch_all(&mut *self.tx)
                    .await?;
                let mut items = Vec::with_capacity(rows.len());
                for row in rows {
                    items.push(self.voc_item_with(row, suggestions).await?);
                }
                Ok(items)
            }

            async fn insert_voc_item(
                &mut self,
                title: &str,
                domain: Option<&str>,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<$crate::domain::voc::VocRef> {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO voc_items (title, domain, status, created_at, updated_at) \
                     VALUES ($1, $2, 'open', $3, $3) RETURNING id",
                )
                .bind(title)
                .bind(domain)
                .bind(at)
                .fetch_one(&mut *self.tx)
                .await?;
                Ok($crate::domain::voc::VocRef(id))
            }

            async fn link_suggestion(
                &mut self,
                item: $crate::domain::voc::VocRef,
                ticket: $crate::domain::TicketRef,
                text: &str,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<Option<$crate::domain::voc::VocRef>> {
                let before = self.voc_item_of(ticket).await?;
                sqlx::query(
                    "INSERT INTO voc_tickets (ticket_id, item_id, text, linked_by, linked_at) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (ticket_id) DO UPDATE SET \
                     item_id = excluded.item_id, linked_by = excluded.linked_by, linked_at = excluded.linked_at",
                )
                .bind(ticket.0)
                .bind(item.0)
                .bind(text)
                .bind(by)
                .bind(at)
                .execute(&mut *self.tx)
                .await?;
                sqlx::query("UPDATE voc_items SET updated_at = $2 WHERE id = $1")
                    .bind(item.0)
                    .bind(at)
                    .execute(&mut *self.tx)
                    .await?;
                Ok(before)
            }

            async fn voc_item_of(
                &mut self,
                ticket: $crate::domain::TicketRef,
            ) -> $crate::store::StoreResult<Option<$crate::domain::voc::VocRef>> {
                let item: Option<i64> = sqlx::query_scalar("SELECT item_id FROM voc_tickets WHERE ticket_id = $1")
                    .bind(ticket.0)
                    .fetch_optional(&mut *self.tx)
                    .await?;
                Ok(item.map($crate::domain::voc::VocRef))
            }

            async fn decide_voc_item(
                &mut self,
                item: $crate::domain::voc::VocRef,
                decision: &$crate::store::voc::VocDecision<'_>,
            ) -> $crate::store::StoreResult<bool> {
                let decided = sqlx::query(
                    "UPDATE voc_items SET status = $3, decided_by = $4, reason = COALESCE($5, reason), \
                     note = COALESCE($6, note), updated_at = $7 WHERE id = $1 AND status = $2",
                )
                .bind(item.0)
                .bind(<&'static str>::from(decision.from))
                .bind(<&'static str>::from(decision.to))
                .bind(decision.by)
                .bind(decision.reason)
                .bind(decision.note)
                .bind(decision.at)
                .execute(&mut *self.tx)
                .await?
                .rows_affected();
                Ok(decided == 1)
            }
        }
    };
}

pub(super) use sql_voc;
