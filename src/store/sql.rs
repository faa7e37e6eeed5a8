//! The core store's SQL, written once for both backends. SQLite and PostgreSQL both take `$n`
//! placeholders, `ON CONFLICT` and `RETURNING`; `sql_store!` instantiates the same code for each
//! with the few clauses that differ (row locks). The Discord channel's memory has its queries
//! beside its trait, in `discord.rs`.

use chrono::{DateTime, Utc};

use super::{ConfirmationTimer, StoreError, StoreResult, StoredMessage};
use crate::domain::{Event, EventKind, Post, Ticket, TicketRef, WarRoom};

pub(super) const TICKET_COLUMNS: &str = "id, status, close_reason, kind, domain, severity, tier, assignee, \
     customer, customer_tier, conversation, title, created_at, updated_at";

/// A new ticket's `customer_tier`: the registry's tier of the customer bound as `$6`, when the
/// registry knows them by that name (one primary-key lookup in `customer_handles`).
pub(super) const REGISTRY_TIER_OF_CUSTOMER: &str = "(SELECT c.tier FROM customer_handles h \
     JOIN customers c ON c.id = h.customer_id WHERE h.handle = $6)";

#[derive(sqlx::FromRow)]
pub(super) struct TicketRow {
    id: i64,
    status: String,
    close_reason: Option<String>,
    kind: Option<String>,
    domain: Option<String>,
    severity: Option<String>,
    tier: String,
    assignee: Option<String>,
    customer: String,
    customer_tier: Option<String>,
    conversation: String,
    title: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

fn parse_column<T: std::str::FromStr>(column: &str, value: &str) -> StoreResult<T> {
    value.parse().map_err(|_| StoreError::Corrupt(format!("tickets.{column} holds `{value}`")))
}

fn parse_optional<T: std::str::FromStr>(column: &str, value: Option<&str>) -> StoreResult<Option<T>> {
    value.map(|v| parse_column(column, v)).transpose()
}

impl TryFrom<TicketRow> for Ticket {
    type Error = StoreError;

    fn try_from(row: TicketRow) -> StoreResult<Ticket> {
        Ok(Ticket {
            reference: TicketRef(row.id),
            status: parse_column("status", &row.status)?,
            close_reason: parse_optional("close_reason", row.close_reason.as_deref())?,
            kind: parse_optional("kind", row.kind.as_deref())?,
            domain: row.domain,
            severity: parse_optional("severity", row.severity.as_deref())?,
            tier: parse_column("tier", &row.tier)?,
            assignee: row.assignee,
            customer: row.customer,
            customer_tier: row.customer_tier,
            conversation: row.conversation,
            title: row.title,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct EventRow {
    ticket_id: Option<i64>,
    actor: String,
    at: DateTime<Utc>,
    data: String,
}

impl TryFrom<EventRow> for Event {
    type Error = StoreError;

    fn try_from(row: EventRow) -> StoreResult<Event> {
        let kind: EventKind = serde_json::from_str(&row.data)
            .map_err(|e| StoreError::Corrupt(format!("event data `{}`: {e}", row.data)))?;
        Ok(Event { ticket: row.ticket_id.map(TicketRef), actor: row.actor, at: row.at, kind })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct MessageRow {
    id: i64,
    source_id: String,
    conversation: String,
    author: String,
    text: String,
    ticket_id: Option<i64>,
    received_at: DateTime<Utc>,
    attachments: String,
}

impl TryFrom<MessageRow> for StoredMessage {
    type Error = StoreError;

    fn try_from(row: MessageRow) -> StoreResult<StoredMessage> {
        let attachments = serde_json::from_str(&row.attachments)
            .map_err(|e| StoreError::Corrupt(format!("attachments of message {}: {e}", row.id)))?;
        Ok(StoredMessage {
            id: row.id,
            message: super::NewMessage {
                source_id: row.source_id,
                conversation: row.conversation,
                author: row.author,
                text: row.text,
                received_at: row.received_at,
                attachments,
            },
            ticket: row.ticket_id.map(TicketRef),
        })
    }
}

/// A `LIKE` pattern matching `text` anywhere, in lower case, its own `%`, `_` and `\\` escaped.
pub(super) fn like_pattern(text: &str) -> String {
    let mut pattern = String::from("%");
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// At most this many ids in one `IN (…)`: well under SQLite's 32,766 bound parameters.
pub(super) const IDS_PER_STATEMENT: usize = 500;

/// `$first, $first+1, …`: `count` numbered placeholders.
pub(super) fn placeholders(first: usize, count: usize) -> String {
    (first..first + count).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ")
}

pub(super) fn attachments_json(attachments: &[crate::domain::Attachment]) -> String {
    serde_json::to_string(attachments).expect("attachments serialize to JSON")
}

#[derive(sqlx::FromRow)]
pub(super) struct DraftRow {
    article_id: String,
    ticket_id: i64,
    markdown: String,
    created_by: String,
    created_at: DateTime<Utc>,
    published_at: Option<DateTime<Utc>>,
}

impl From<DraftRow> for super::Draft {
    fn from(row: DraftRow) -> super::Draft {
        super::Draft {
            article_id: row.article_id,
            ticket: TicketRef(row.ticket_id),
            markdown: row.markdown,
            created_by: row.created_by,
            created_at: row.created_at,
            published_at: row.published_at,
        }
    }
}

pub(super) const WAR_ROOM_COLUMNS: &str =
    "ticket_id, name, opened_at, leader, roster, impact, remind_at, archived_at, report, card";

#[derive(sqlx::FromRow)]
pub(super) struct WarRoomRow {
    ticket_id: i64,
    name: String,
    opened_at: DateTime<Utc>,
    leader: Option<String>,
    roster: String,
    impact: String,
    remind_at: Option<DateTime<Utc>>,
    archived_at: Option<DateTime<Utc>>,
    report: Option<String>,
    card: Option<String>,
}

impl TryFrom<WarRoomRow> for WarRoom {
    type Error = StoreError;

    fn try_from(row: WarRoomRow) -> StoreResult<WarRoom> {
        let corrupt = |column: &str, e: serde_json::Error| {
            StoreError::Corrupt(format!("war_rooms.{column} of ticket {}: {e}", row.ticket_id))
        };
        let roster = serde_json::from_str(&row.roster).map_err(|e| corrupt("roster", e))?;
        let report = match &row.report {
            Some(json) => Some(serde_json::from_str(json).map_err(|e| corrupt("report", e))?),
            None => None,
        };
        Ok(WarRoom {
            ticket: TicketRef(row.ticket_id),
            name: row.name,
            opened_at: row.opened_at,
            leader: row.leader,
            roster,
            impact: row.impact,
            remind_at: row.remind_at,
            archived_at: row.archived_at,
            report,
            card: row.card,
        })
    }
}

pub(super) fn war_room_json(room: &WarRoom) -> (String, Option<String>) {
    let roster = serde_json::to_string(&room.roster).expect("a roster serializes to JSON");
    let report = room.report.as_ref().map(|r| serde_json::to_string(r).expect("a report serializes to JSON"));
    (roster, report)
}

#[derive(sqlx::FromRow)]
pub(super) struct ConfirmationTimerRow {
    ticket_id: i64,
    asked_at: DateTime<Utc>,
    step: String,
    due_at: DateTime<Utc>,
}

impl TryFrom<ConfirmationTimerRow> for ConfirmationTimer {
    type Error = StoreError;

    fn try_from(row: ConfirmationTimerRow) -> StoreResult<ConfirmationTimer> {
        let step = row
            .step
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("confirmation_timers.step holds `{}`", row.step)))?;
        Ok(ConfirmationTimer {
            ticket: TicketRef(row.ticket_id),
            asked_at: row.asked_at,
            step,
            due_at: row.due_at,
        })
    }
}

pub(super) fn event_data(kind: &EventKind) -> String {
    serde_json::to_string(kind).expect("events serialize to JSON")
}

pub(super) fn post_json(post: &Post) -> String {
    serde_json::to_string(post).expect("posts serialize to JSON")
}

pub(super) fn parse_post(json: &str) -> StoreResult<Post> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt(format!("outbox post `{json}`: {e}")))
}

/// What the applied versions leave of this build's migrations to apply.
pub(super) fn schema_of(known: &[i64], applied: &[i64]) -> super::Schema {
    match known.iter().filter(|version| !applied.contains(version)).count() {
        0 => super::Schema::Current,
        pending => super::Schema::Behind { pending },
    }
}

/// The status a ticket must have, and the one it must not, for a filter's status.
pub(super) fn status_binds(
    filter: Option<super::StatusFilter>,
) -> (Option<&'static str>, Option<&'static str>) {
    match filter {
        None => (None, None),
        Some(super::StatusFilter::Is(status)) => (Some(status.into()), None),
        Some(super::StatusFilter::NotClosed) => (None, Some(crate::domain::Status::Closed.into())),
    }
}

pub(super) fn enum_text<T: Into<&'static str>>(value: Option<T>) -> Option<&'static str> {
    value.map(Into::into)
}

/// Implements `Store` for `$store` and `StoreTx` for `$tx` over the sqlx database `$db`.
/// `$store` must have a `pool` field and an inherent `begin_tx()`.
macro_rules! sql_store {
    (
        store: $store:ident,
        tx: $tx:ident,
        db: $db:ty,
        backend: $backend:expr,
        migrations: $migrations:literal,
        migrations_table: $migrations_table:literal,
        lock_row: $lock:literal,
        skip_locked: $skip:literal,
        lock_openings: $openings:literal $(,)?
    ) => {
        pub struct $tx {
            tx: sqlx::Transaction<'static, $db>,
            /// The indicators' rollups this transaction keeps in step (`store::rollup`).
            rollup: $crate::store::rollup::Touches,
        }

        #[async_trait::async_trait]
        impl $crate::store::StoreTx for $tx {
            async fn claim_inbound(
                &mut self,
                source_id: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<bool> {
                let inserted = sqlx::query(
                    "INSERT INTO handled_inbound (source_id, handled_at) VALUES ($1, $2) \
                     ON CONFLICT (source_id) DO NOTHING",
                )
                .bind(source_id)
                .bind(at)
                .execute(&mut *self.tx)
                .await?
                .rows_affected();
                Ok(inserted == 1)
            }

            async fn message_slot(&mut self, source_id: &str) -> $crate::store::StoreResult<$crate::store::MessageSlot> {
                use $crate::store::MessageSlot;
                let found: Option<(i64, Option<i64>)> =
                    sqlx::query_as("SELECT id, ticket_id FROM messages WHERE source_id = $1")
                        .bind(source_id)
                        .fetch_optional(&mut *self.tx)
                        .await?;
                Ok(match found {
                    None => MessageSlot::New,
                    Some((id, None)) => MessageSlot::Untaken(id),
                    Some((_, Some(_))) => MessageSlot::Duplicate,
                })
            }

            async fn messages_from_since(
                &mut self,
                author: &str,
                since: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<i64> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE author = $1 AND received_at >= $2")
                    .bind(author)
                    .bind(since)
                    .fetch_one(&mut *self.tx)
                    .await?)
            }

            async fn insert_message(
                &mut self,
                message: &$crate::store::NewMessage,
                ticket: $crate::domain::TicketRef,
            ) -> $crate::store::StoreResult<Option<i64>> {
                Ok(sqlx::query_scalar(
                    "INSERT INTO messages (source_id, conversation, author, text, received_at, ticket_id, attachments) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (source_id) DO NOTHING RETURNING id",
                )
                .bind(&message.source_id)
                .bind(&message.conversation)
                .bind(&message.author)
                .bind(&message.text)
                .bind(message.received_at)
                .bind(ticket.0)
                .bind($crate::store::sql::attachments_json(&message.attachments))
                .fetch_optional(&mut *self.tx)
                .await?)
            }

            async fn attach_message(
                &mut self,
                message_id: i64,
                ticket: $crate::domain::TicketRef,
            ) -> $crate::store::StoreResult<bool> {
                let attached = sqlx::query("UPDATE messages SET ticket_id = $1 WHERE id = $2 AND ticket_id IS NULL")
                    .bind(ticket.0)
                    .bind(message_id)
                    .execute(&mut *self.tx)
                    .await?
                    .rows_affected();
                Ok(attached == 1)
            }

            async fn ticket_of_message(
                &mut self,
                source_id: &str,
            ) -> $crate::store::StoreResult<Option<$crate::domain::TicketRef>> {
                let found: Option<Option<i64>> = sqlx::query_scalar("SELECT ticket_id FROM messages WHERE source_id = $1")
                    .bind(source_id)
                    .fetch_optional(&mut *self.tx)
                    .await?;
                Ok(found.flatten().map($crate::domain::TicketRef))
            }

            async fn message(&mut self, message_id: i64) -> $crate::store::StoreResult<Option<$crate::store::StoredMessage>> {
                let row: Option<$crate::store::sql::MessageRow> = sqlx::query_as(
                    "SELECT id, source_id, conversation, author, text, ticket_id, received_at, attachments FROM messages \
                     WHERE id = $1",
                )
                .bind(message_id)
                .fetch_optional(&mut *self.tx)
                .await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn move_message(
                &mut self,
                message_id: i64,
                to: $crate::domain::TicketRef,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query("UPDATE messages SET ticket_id = $1 WHERE id = $2")
                    .bind(to.0)
                    .bind(message_id)
                    .execute(&mut *self.tx)
                    .await?;
                Ok(())
            }

            async fn open_tickets_of(
                &mut self,
                conversation: &str,
                customer: &str,
            ) -> $crate::store::StoreResult<Vec<$crate::domain::Ticket>> {
                let sql = format!(
                    "SELECT {} FROM tickets WHERE conversation = $1 AND customer = $2 AND status <> 'closed' \
                     ORDER BY updated_at DESC, id DESC LIMIT 25",
                    $crate::store::sql::TICKET_COLUMNS,
                );
                let rows: Vec<$crate::store::sql::TicketRow> = sqlx::query_as(&sql)
                    .bind(conversation)
                    .bind(customer)
                    .fetch_all(&mut *self.tx)
                    .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn last_merged_ticket_of(
                &mut self,
                conversation: &str,
                customer: &str,
            ) -> $crate::store::StoreResult<Option<$crate::domain::TicketRef>> {
                let found: Option<i64> = sqlx::query_scalar(
                    "SELECT id FROM tickets WHERE conversation = $1 AND customer = $2 AND close_reason = 'merged' \
                     ORDER BY id DESC LIMIT 1",
                )
                .bind(conversation)
                .bind(customer)
                .fetch_optional(&mut *self.tx)
                .await?;
                Ok(found.map($crate::domain::TicketRef))
            }

            async fn merged_into(
                &mut self,
                reference: $crate::domain::TicketRef,
            ) -> $crate::store::StoreResult<Vec<$crate::domain::Ticket>> {
                let columns = $crate::store::sql::TICKET_COLUMNS
                    .split(", ")
                    .map(|c| format!("t.{}", c.trim()))
                    .collect::<Vec<_>>()
                    .join(", ");
                let sql = format!(
                    "SELECT {columns} FROM ticket_links l JOIN tickets t ON t.id = l.ticket_id \
                     WHERE l.other_id = $1 AND l.relation = 'duplicate' AND t.close_reason = 'merged' ORDER BY t.id"
                );
                let rows: Vec<$crate::store::sql::TicketRow> =
                    sqlx::query_as(&sql).bind(reference.0).fetch_all(&mut *self.tx).await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn merged_target(
                &mut self,
                reference: $crate::domain::TicketRef,
            ) -> $crate::store::StoreResult<Option<$crate::domain::TicketRef>> {
                let found: Option<i64> = sqlx::query_scalar(
                    "SELECT other_id FROM ticket_links WHERE ticket_id = $1 AND relation = 'duplicate' \
                     ORDER BY other_id DESC LIMIT 1",
                )
                .bind(reference.0)
                .fetch_optional(&mut *self.tx)
                .await?;
                Ok(found.map($crate::domain::TicketRef))
            }

            async fn open_ticket_of(
                &mut self,
                conversation: &str,
                customer: &str,
            ) -> $crate::store::StoreResult<Option<$crate::domain::Ticket>> {
                let sql = format!(
                    "SELECT {} FROM tickets WHERE conversation = $1 AND customer = $2 AND status <> 'closed' \
                     ORDER BY updated_at DESC, id DESC LIMIT 1{}",
                    $crate::store::sql::TICKET_COLUMNS,
                    $lock
                );
                let row: Option<$crate::store::sql::TicketRow> = sqlx::query_as(&sql)
                    .bind(conversation)
                    .bind(customer)
                    .fetch_optional(&mut *self.tx)
                    .await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn ticket_of_conversation(
                &mut self,
                conversation: &str,
            ) -> $crate::store::StoreResult<Option<$crate::domain::Ticket>> {
                let sql = format!(
                    "SELECT {} FROM tickets WHERE conversation = $1 AND status <> 'closed' \
                     ORDER BY id DESC LIMIT 1{}",
                    $crate::store::sql::TICKET_COLUMNS,
                    $lock
                );
                let row: Option<$crate::store::sql::TicketRow> =
                    sqlx::query_as(&sql).bind(conversation).fetch_optional(&mut *self.tx).await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn ticket_for_update(
                &mut self,
                reference: $crate::domain::TicketRef,
            ) -> $crate::store::StoreResult<Option<$crate::domain::Ticket>> {
                let sql =
                    format!("SELECT {} FROM tickets WHERE id = $1{}", $crate::store::sql::TICKET_COLUMNS, $lock);
                let row: Option<$crate::store::sql::TicketRow> =
                    sqlx::query_as(&sql).bind(reference.0).fetch_optional(&mut *self.tx).await?;
                let ticket: Option<$crate::domain::Ticket> = row.map(TryInto::try_into).transpose()?;
                if let Some(ticket) = &ticket {
                    self.rollup.known.insert(ticket.reference.0, $crate::store::rollup::Shape::of(ticket));
                }
                Ok(ticket)
            }

            async fn insert_ticket(
                &mut self,
                ticket: &$crate::store::NewTicket,
            ) -> $crate::store::StoreResult<$crate::domain::Ticket> {
                use $crate::store::sql::enum_text;
                let sql = format!(
                    "INSERT INTO tickets (status, kind, domain, severity, tier, assignee, customer, \
                     conversation, title, created_at, updated_at, customer_tier) \
                     VALUES ('new', $1, $2, $3, $4, $5, $6, $7, $8, $9, $9, {}) RETURNING {}",
                    $crate::store::sql::REGISTRY_TIER_OF_CUSTOMER,
                    $crate::store::sql::TICKET_COLUMNS
                );
                let row: $crate::store::sql::TicketRow = sqlx::query_as(&sql)
                    .bind(enum_text(ticket.kind))
                    .bind(&ticket.domain)
                    .bind(enum_text(ticket.severity))
                    .bind(<&'static str>::from(ticket.tier))
                    .bind(&ticket.assignee)
                    .bind(&ticket.customer)
                    .bind(&ticket.conversation)
                    .bind(&ticket.title)
                    .bind(ticket.at)
                    .fetch_one(&mut *self.tx)
                    .await?;
                let ticket: $crate::domain::Ticket = row.try_into()?;
                self.rollup_inserted(&ticket).await?;
                Ok(ticket)
            }

            async fn open_intake_ticket(
                &mut self,
                ticket: &$crate::store::NewTicket,
            ) -> $crate::store::StoreResult<$crate::store::IntakeTicket> {
                use $crate::store::sql::enum_text;
                use $crate::store::IntakeTicket;
                // The conflict target names the partial unique index of migration 0018, so a
                // ticket intake opened meanwhile (another instance, committed or about to be: then
                // PostgreSQL waits for it) makes the insert do nothing instead of failing the
                // transaction; the winner's ticket is read (and locked) instead.
                let insert = format!(
                    "INSERT INTO tickets (status, kind, domain, severity, tier, assignee, customer, \
                     conversation, title, created_at, updated_at, intake_conversation, customer_tier) \
                     VALUES ('new', $1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $7, {}) \
                     ON CONFLICT (intake_conversation, customer) WHERE intake_conversation IS NOT NULL \
                     DO NOTHING RETURNING {}",
                    $crate::store::sql::REGISTRY_TIER_OF_CUSTOMER,
                    $crate::store::sql::TICKET_COLUMNS
                );
                let winner = format!(
                    "SELECT {} FROM tickets WHERE intake_conversation = $1 AND customer = $2{}",
                    $crate::store::sql::TICKET_COLUMNS,
                    $lock
                );
                // The winner may close its ticket between the two statements; then try again.
                for _ in 0..3 {
                    let opened: Option<$crate::store::sql::TicketRow> = sqlx::query_as(&insert)
                        .bind(enum_text(ticket.kind))
                        .bind(&ticket.domain)
                        .bind(enum_text(ticket.severity))
                        .bind(<&'static str>::from(ticket.tier))
                        .bind(&ticket.assignee)
                        .bind(&ticket.customer)
                        .bind(&ticket.conversation)
                        .bind(&ticket.title)
                        .bind(ticket.at)
                        .fetch_optional(&mut *self.tx)
                        .await?;
                    if let Some(row) = opened {
                        let ticket: $crate::domain::Ticket = row.try_into()?;
                        self.rollup_inserted(&ticket).await?;
                        return Ok(IntakeTicket::Opened(ticket));
                    }
                    let found: Option<$crate::store::sql::TicketRow> = sqlx::query_as(&winner)
                        .bind(&ticket.conversation)
                        .bind(&ticket.customer)
                        .fetch_optional(&mut *self.tx)
                        .await?;
                    if let Some(row) = found {
                        return Ok(IntakeTicket::AlreadyOpen(row.try_into()?));
                    }
                }
                Err($crate::store::StoreError::Contended(format!(
                    "intake tickets of {} in {}",
                    ticket.customer, ticket.conversation
                )))
            }

            async fn update_ticket(&mut self, ticket: &$crate::domain::Ticket) -> $crate::store::StoreResult<()> {
                use $crate::store::sql::enum_text;
                self.rollup_before_update(ticket).await?;
                // Closing frees the conversation for intake's next ticket (migration 0018).
                sqlx::query(
                    "UPDATE tickets SET status = $1, close_reason = $2, kind = $3, domain = $4, severity = $5, \
                     tier = $6, assignee = $7, title = $8, updated_at = $9, conversation = $10, \
                     intake_conversation = CASE WHEN $1 = 'closed' THEN NULL ELSE intake_conversation END \
                     WHERE id = $11",
                )
                .bind(<&'static str>::from(ticket.status))
                .bind(enum_text(ticket.close_reason))
                .bind(enum_text(ticket.kind))
                .bind(&ticket.domain)
                .bind(enum_text(ticket.severity))
                .bind(<&'static str>::from(ticket.tier))
                .bind(&ticket.assignee)
                .bind(&ticket.title)
                .bind(ticket.updated_at)
                .bind(&ticket.conversation)
                .bind(ticket.reference.0)
                .execute(&mut *self.tx)
                .await?;
                self.rollup.known.insert(ticket.reference.0, $crate::store::rollup::Shape::of(ticket));
                Ok(())
            }

            async fn append_event(&mut self, event: &$crate::domain::Event) -> $crate::store::StoreResult<()> {
                self.rollup_before_event(event).await?;
                sqlx::query("INSERT INTO events (ticket_id, actor, at, type, data) VALUES ($1, $2, $3, $4, $5)")
                    .bind(event.ticket.map(|t| t.0))
                    .bind(&event.actor)
                    .bind(event.at)
                    .bind(event.kind.type_name())
                    .bind($crate::store::sql::event_data(&event.kind))
                    .execute(&mut *self.tx)
                    .await?;
                Ok(())
            }

            async fn insert_link(
                &mut self,
                from: $crate::domain::TicketRef,
                to: $crate::domain::TicketRef,
                relation: $crate::domain::LinkRelation,
            ) -> $crate::store::StoreResult<bool> {
                let inserted = sqlx::query(
                    "INSERT INTO ticket_links (ticket_id, other_id, relation) VALUES ($1, $2, $3) \
                     ON CONFLICT (ticket_id, other_id) DO NOTHING",
                )
                .bind(from.0)
                .bind(to.0)
                .bind(<&'static str>::from(relation))
                .execute(&mut *self.tx)
                .await?
                .rows_affected();
                Ok(inserted == 1)
            }

            async fn enqueue_post(
                &mut self,
                post: &$crate::domain::Post,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO outbox (ticket_id, post, created_at, next_attempt_at) VALUES ($1, $2, $3, $3)",
                )
                .bind(post.ticket.map(|t| t.0))
                .bind($crate::store::sql::post_json(post))
                .bind(at)
                .execute(&mut *self.tx)
                .await?;
                Ok(())
            }

            async fn save_draft(&mut self, draft: &$crate::store::Draft) -> $crate::store::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO kb_drafts (article_id, ticket_id, markdown, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (article_id) DO UPDATE SET \
                     ticket_id = excluded.ticket_id, markdown = excluded.markdown, \
                     created_by = excluded.created_by, created_at = excluded.created_at, published_at = NULL, \
                     edited_by = NULL, edited_at = NULL",
                )
                .bind(&draft.article_id)
                .bind(draft.ticket.0)
                .bind(&draft.markdown)
                .bind(&draft.created_by)
                .bind(draft.created_at)
                .execute(&mut *self.tx)
                .await?;
                Ok(())
            }

            async fn draft(&mut self, article_id: &str) -> $crate::store::StoreResult<Option<$crate::store::Draft>> {
                let row: Option<$crate::store::sql::DraftRow> = sqlx::query_as(
                    "SELECT article_id, ticket_id, markdown, created_by, created_at, published_at \
                     FROM kb_drafts WHERE article_id = $1",
                )
                .bind(article_id)
                .fetch_optional(&mut *self.tx)
                .await?;
                Ok(row.map(Into::into))
            }

            async fn mark_draft_published(
                &mut self,
                article_id: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query("UPDATE kb_drafts SET published_at = $1 WHERE article_id = $2")
                    .bind(at)
                    .bind(article_id)
                    .execute(&mut *self.tx)
                    .await?;
                Ok(())
            }

            async fn lock_intake_openings(&mut self) -> $crate::store::StoreResult<()> {
                let statement: &str = $openings;
                if !statement.is_empty() {
                    sqlx::query(statement).execute(&mut *self.tx).await?;
                }
                Ok(())
            }

            async fn advance_queue(&mut self, queue: &str) -> $crate::store::StoreResult<i64> {
                let position: i64 = sqlx::query_scalar(
                    "INSERT INTO routing_cursors (queue, position) VALUES ($1, 1) \
                     ON CONFLICT (queue) DO UPDATE SET position = routing_cursors.position + 1 \
                     RETURNING position",
                )
                .bind(queue)
                .fetch_one(&mut *self.tx)
                .await?;
                Ok(position)
            }

            async fn timeline(
                &mut self,
                reference: $crate::domain::TicketRef,
            ) -> $crate::store::StoreResult<Vec<$crate::domain::Event>> {
                let rows: Vec<$crate::store::sql::EventRow> = sqlx::query_as(
                    "SELECT ticket_id, actor, at, data FROM events WHERE ticket_id = $1 ORDER BY id",
                )
                .bind(reference.0)
                .fetch_all(&mut *self.tx)
                .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn set_next_alarm(
                &mut self,
                reference: $crate::domain::TicketRef,
                at: Option<chrono::DateTime<chrono::Utc>>,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query("UPDATE tickets SET next_alarm_at = $1 WHERE id = $2")
                    .bind(at)
                    .bind(reference.0)
                    .execute(&mut *self.tx)
                    .await?;
                Ok(())
            }

            async fn set_sla_schedule(
                &mut self,
                reference: $crate::domain::TicketRef,
                at: Option<chrono::DateTime<chrono::Utc>>,
                marks: $crate::domain::sla::SlaMarks,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query(
                    "UPDATE tickets SET next_alarm_at = $1, sla_breach_at = $2, resolution_due_at = $3, \
                     sla_marked = TRUE WHERE id = $4",
                )
                .bind(at)
                .bind(marks.breach_at)
                .bind(marks.resolution_due)
                .bind(reference.0)
                .execute(&mut *self.tx)
                .await?;
                Ok(())
            }

            async fn tickets_for_update(
                &mut self,
                references: &[$crate::domain::TicketRef],
            ) -> $crate::store::StoreResult<Vec<$crate::domain::Ticket>> {
                if references.is_empty() {
                    return Ok(Vec::new());
                }
                let sql = format!(
                    "SELECT {} FROM tickets WHERE id IN ({}) ORDER BY id{}",
                    $crate::store::sql::TICKET_COLUMNS,
                    $crate::store::sql::placeholders(1, references.len()),
                    $lock
                );
                let mut query = sqlx::query_as::<_, $crate::store::sql::TicketRow>(&sql);
                for reference in references {
                    query = query.bind(reference.0);
                }
                let rows = query.fetch_all(&mut *self.tx).await?;
                let tickets: Vec<$crate::domain::Ticket> =
                    rows.into_iter().map(TryInto::try_into).collect::<Result<_, _>>()?;
                for ticket in &tickets {
                    self.rollup.known.insert(ticket.reference.0, $crate::store::rollup::Shape::of(ticket));
                }
                Ok(tickets)
            }

            async fn timelines(
                &mut self,
                references: &[$crate::domain::TicketRef],
            ) -> $crate::store::StoreResult<Vec<$crate::domain::Event>> {
                if references.is_empty() {
                    return Ok(Vec::new());
                }
                let sql = format!(
                    "SELECT ticket_id, actor, at, data FROM events WHERE ticket_id IN ({}) ORDER BY ticket_id, id",
                    $crate::store::sql::placeholders(1, references.len())
                );
                let mut query = sqlx::query_as::<_, $crate::store::sql::EventRow>(&sql);
                for reference in references {
                    query = query.bind(reference.0);
                }
                let rows = query.fetch_all(&mut *self.tx).await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn record_notices(
                &mut self,
                notices: &[($crate::domain::TicketRef, String)],
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<Vec<($crate::domain::TicketRef, String)>> {
                let mut recorded = Vec::new();
                // 300 rows of three values a statement: within every backend's limit on bound values.
                for chunk in notices.chunks(300) {
                    let rows = (0..chunk.len())
                        .map(|i| format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let sql = format!(
                        "INSERT INTO sla_notices (ticket_id, key, sent_at) VALUES {rows} \
                         ON CONFLICT (ticket_id, key) DO NOTHING RETURNING ticket_id, key"
                    );
                    let mut query = sqlx::query_as::<_, (i64, String)>(&sql);
                    for (reference, key) in chunk {
                        query = query.bind(reference.0).bind(key.as_str()).bind(at);
                    }
                    let rows = query.fetch_all(&mut *self.tx).await?;
                    recorded.extend(rows.into_iter().map(|(id, key)| ($crate::domain::TicketRef(id), key)));
                }
                Ok(recorded)
            }

            async fn set_sla_schedules(
                &mut self,
                schedules: &[(
                    $crate::domain::TicketRef,
                    Option<chrono::DateTime<chrono::Utc>>,
                    $crate::domain::sla::SlaMarks,
                )],
            ) -> $crate::store::StoreResult<()> {
                // 200 rows of four values a statement; VALUES' columns are column1.. on both backends.
                for chunk in schedules.chunks(200) {
                    let rows = (0..chunk.len())
                        .map(|i| format!("(${}, ${}, ${}, ${})", 4 * i + 1, 4 * i + 2, 4 * i + 3, 4 * i + 4))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let sql = format!(
                        "UPDATE tickets SET next_alarm_at = v.column2, sla_breach_at = v.column3, \
                         resolution_due_at = v.column4, sla_marked = TRUE \
                         FROM (VALUES {rows}) AS v WHERE tickets.id = v.column1"
                    );
                    let mut query = sqlx::query(&sql);
                    for (reference, at, marks) in chunk {
                        query = query.bind(reference.0).bind(*at).bind(marks.breach_at).bind(marks.resolution_due);
                    }
                    query.execute(&mut *self.tx).await?;
                }
                Ok(())
            }

            async fn set_sla_marks(
                &mut self,
                reference: $crate::domain::TicketRef,
                marks: $crate::domain::sla::SlaMarks,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query(
                    "UPDATE tickets SET sla_breach_at = $1, resolution_due_at = $2, sla_marked = TRUE WHERE id = $3",
                )
                .bind(marks.breach_at)
                .bind(marks.resolution_due)
                .bind(reference.0)
                .execute(&mut *self.tx)
                .await?;
                Ok(())
            }

            async fn record_notice(
                &mut self,
                reference: $crate::domain::TicketRef,
                key: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<bool> {
                let inserted = sqlx::query(
                    "INSERT INTO sla_notices (ticket_id, key, sent_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (ticket_id, key) DO NOTHING",
                )
                .bind(reference.0)
                .bind(key)
                .bind(at)
                .execute(&mut *self.tx)
                .await?
                .rows_affected();
                Ok(inserted == 1)
            }

            async fn save_war_room(&mut self, room: &$crate::domain::WarRoom) -> $crate::store::StoreResult<()> {
                let (roster, report) = $crate::store::sql::war_room_json(room);
                sqlx::query(
                    "INSERT INTO war_rooms (ticket_id, name, opened_at, leader, roster, impact, remind_at, \
                     archived_at, report, card) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                     ON CONFLICT (ticket_id) DO UPDATE SET name = excluded.name, leader = excluded.leader, \
                     roster = excluded.roster, impact = excluded.impact, remind_at = excluded.remind_at, \
                     archived_at = excluded.archived_at, report = excluded.report, card = excluded.card",
                )
                .bind(room.ticket.0)
                .bind(&room.name)
                .bind(room.opened_at)
                .bind(&room.leader)
                .bind(roster)
                .bind(&room.impact)
                .bind(room.remind_at)
                .bind(room.archived_at)
                .bind(report)
                .bind(&room.card)
                .execute(&mut *self.tx)
                .await?;
                Ok(())
            }

            async fn war_room_for_update(
                &mut self,
                ticket: $crate::domain::TicketRef,
            ) -> $crate::store::StoreResult<Option<$crate::domain::WarRoom>> {
                let sql = format!(
                    "SELECT {} FROM war_rooms WHERE ticket_id = $1{}",
                    $crate::store::sql::WAR_ROOM_COLUMNS,
                    $lock
                );
                let row: Option<$crate::store::sql::WarRoomRow> =
                    sqlx::query_as(&sql).bind(ticket.0).fetch_optional(&mut *self.tx).await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn set_confirmation_timer(
                &mut self,
                timer: &$crate::store::ConfirmationTimer,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO confirmation_timers (ticket_id, asked_at, step, due_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (ticket_id) DO UPDATE SET asked_at = excluded.asked_at, step = excluded.step, \
                     due_at = excluded.due_at",
                )
                .bind(timer.ticket.0)
                .bind(timer.asked_at)
                .bind(<&'static str>::from(timer.step))
                .bind(timer.due_at)
                .execute(&mut *self.tx)
                .await?;
                Ok(())
            }

            async fn confirmation_timer(
                &mut self,
                ticket: $crate::domain::TicketRef,
            ) -> $crate::store::StoreResult<Option<$crate::store::ConfirmationTimer>> {
                let row: Option<$crate::store::sql::ConfirmationTimerRow> = sqlx::query_as(
                    "SELECT ticket_id, asked_at, step, due_at FROM confirmation_timers WHERE ticket_id = $1",
                )
                .bind(ticket.0)
                .fetch_optional(&mut *self.tx)
                .await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn clear_confirmation_timer(
                &mut self,
                ticket: $crate::domain::TicketRef,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query("DELETE FROM confirmation_timers WHERE ticket_id = $1")
                    .bind(ticket.0)
                    .execute(&mut *self.tx)
                    .await?;
                Ok(())
            }

            async fn commit(mut self: Box<Self>) -> $crate::store::StoreResult<()> {
                self.rollup_flush().await?;
                self.tx.commit().await?;
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::Store for $store {
            fn backend(&self) -> $crate::store::Backend {
                $backend
            }

            async fn migrate(&self) -> $crate::store::StoreResult<()> {
                sqlx::migrate!($migrations).run(&self.pool).await?;
                Ok(())
            }

            async fn schema(&self) -> $crate::store::StoreResult<$crate::store::Schema> {
                let migrator = sqlx::migrate!($migrations);
                let known: Vec<i64> = migrator
                    .iter()
                    .filter(|m| !m.migration_type.is_down_migration())
                    .map(|m| m.version)
                    .collect();
                let tables: i64 = sqlx::query_scalar($migrations_table).fetch_one(&self.pool).await?;
                if tables == 0 {
                    return Ok($crate::store::Schema::Empty { pending: known.len() });
                }
                let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
                    .fetch_all(&self.pool)
                    .await?;
                Ok($crate::store::sql::schema_of(&known, &applied))
            }

            async fn indicators(
                &self,
                query: &$crate::domain::indicators::IndicatorQuery,
            ) -> $crate::store::StoreResult<$crate::domain::indicators::Indicators> {
                let mut indicators = if $crate::store::rollup::serves(self.rollup_zone_now().await?, query) {
                    self.indicators_from_rollups(query).await?
                } else {
                    self.compute_indicators(query).await?
                };
                indicators.confirmation.revisits = self.revisit_tally(query).await?;
                Ok(indicators)
            }

            async fn indicators_from_timeline(
                &self,
                query: &$crate::domain::indicators::IndicatorQuery,
            ) -> $crate::store::StoreResult<$crate::domain::indicators::Indicators> {
                let mut indicators = self.compute_indicators(query).await?;
                indicators.confirmation.revisits = self.revisit_tally(query).await?;
                Ok(indicators)
            }

            async fn indicator_rollups_zone(&self) -> $crate::store::StoreResult<Option<chrono_tz::Tz>> {
                self.rollup_zone_now().await
            }

            async fn rebuild_indicator_rollups(&self, zone: chrono_tz::Tz) -> $crate::store::StoreResult<u64> {
                self.rebuild_rollups(zone).await
            }

            async fn begin(&self) -> $crate::store::StoreResult<Box<dyn $crate::store::StoreTx>> {
                Ok(Box::new($tx { tx: self.begin_tx().await?, rollup: Default::default() }))
            }

            async fn ticket(
                &self,
                reference: $crate::domain::TicketRef,
            ) -> $crate::store::StoreResult<Option<$crate::domain::Ticket>> {
                let sql = format!("SELECT {} FROM tickets WHERE id = $1", $crate::store::sql::TICKET_COLUMNS);
                let row: Option<$crate::store::sql::TicketRow> =
                    sqlx::query_as(&sql).bind(reference.0).fetch_optional(&self.pool).await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn find_tickets(
                &self,
                filter: &$crate::store::TicketFilter,
            ) -> $crate::store::StoreResult<Vec<$crate::domain::Ticket>> {
                Ok(self.queue(filter).await?.into_iter().map(|(ticket, _)| ticket).collect())
            }

            async fn queue(
                &self,
                filter: &$crate::store::TicketFilter,
            ) -> $crate::store::StoreResult<Vec<($crate::domain::Ticket, Option<chrono::DateTime<chrono::Utc>>)>> {
                #[derive(sqlx::FromRow)]
                struct QueueRow {
                    #[sqlx(flatten)]
                    ticket: $crate::store::sql::TicketRow,
                    next_alarm_at: Option<chrono::DateTime<chrono::Utc>>,
                }
                let (is, is_not) = $crate::store::sql::status_binds(filter.status);
                // Written out, so that the index of tickets not closed serves "open tickets".
                let not_closed = match filter.status {
                    Some($crate::store::StatusFilter::NotClosed) => "status <> 'closed' AND ",
                    _ => "",
                };
                let sql = format!(
                    "SELECT {}, next_alarm_at FROM tickets WHERE {not_closed}($1 IS NULL OR status = $1) AND ($2 IS NULL OR status <> $2) \
                     AND ($3 IS NULL OR assignee = $3) AND ($4 IS NULL OR domain = $4) \
                     AND ($5 IS NULL OR id > $5) AND ($7 IS NULL OR severity = $7) \
                     AND ($8 IS NULL OR next_alarm_at <= $8) \
                     AND ($9 IS NULL OR LOWER(title) LIKE $9 ESCAPE '\\' OR LOWER(customer) LIKE $9 ESCAPE '\\' \
                          OR EXISTS (SELECT 1 FROM messages m WHERE m.ticket_id = tickets.id \
                                     AND LOWER(m.text) LIKE $9 ESCAPE '\\')) \
                     ORDER BY id LIMIT $6",
                    $crate::store::sql::TICKET_COLUMNS
                );
                let rows: Vec<QueueRow> = sqlx::query_as(&sql)
                    .bind(is)
                    .bind(is_not)
                    .bind(filter.assignee.as_deref())
                    .bind(filter.domain.as_deref())
                    .bind(filter.after.map(|t| t.0))
                    .bind(filter.limit.unwrap_or(i64::MAX))
                    .bind(filter.severity.map(<&'static str>::from))
                    .bind(filter.alarm_before)
                    .bind(filter.text.as_deref().map($crate::store::sql::like_pattern))
                    .fetch_all(&self.pool)
                    .await?;
                rows.into_iter().map(|row| Ok((row.ticket.try_into()?, row.next_alarm_at))).collect()
            }

            async fn prune_before(
                &self,
                before: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<$crate::store::Pruned> {
                let mut tx = self.pool.begin().await?;
                let mut delete = async |sql: &str| -> $crate::store::StoreResult<u64> {
                    Ok(sqlx::query(sql).bind(before).execute(&mut *tx).await?.rows_affected())
                };
                let pruned = $crate::store::Pruned {
                    sent_posts: delete("DELETE FROM outbox WHERE sent_at IS NOT NULL AND sent_at < $1").await?,
                    handled_inbound: delete("DELETE FROM handled_inbound WHERE handled_at < $1").await?,
                    scheduler_ticks: delete("DELETE FROM scheduler_ticks WHERE claimed_at < $1").await?,
                    notices: delete(
                        "DELETE FROM sla_notices WHERE sent_at < $1 \
                         AND ticket_id IN (SELECT id FROM tickets WHERE status = 'closed')",
                    )
                    .await?,
                    deliveries: delete(
                        "DELETE FROM deliveries WHERE delivered_at < $1 AND response_url IS NULL",
                    )
                    .await?,
                };
                tx.commit().await?;
                Ok(pruned)
            }

            async fn tickets(
                &self,
                status: Option<$crate::domain::Status>,
            ) -> $crate::store::StoreResult<Vec<$crate::domain::Ticket>> {
                let sql = format!(
                    "SELECT {} FROM tickets WHERE ($1 IS NULL OR status = $1) ORDER BY id",
                    $crate::store::sql::TICKET_COLUMNS
                );
                let rows: Vec<$crate::store::sql::TicketRow> = sqlx::query_as(&sql)
                    .bind($crate::store::sql::enum_text(status))
                    .fetch_all(&self.pool)
                    .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn timeline(
                &self,
                reference: $crate::domain::TicketRef,
            ) -> $crate::store::StoreResult<Vec<$crate::domain::Event>> {
                let rows: Vec<$crate::store::sql::EventRow> = sqlx::query_as(
                    "SELECT ticket_id, actor, at, data FROM events WHERE ticket_id = $1 ORDER BY id",
                )
                .bind(reference.0)
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn links(
                &self,
                reference: $crate::domain::TicketRef,
            ) -> $crate::store::StoreResult<Vec<$crate::store::Link>> {
                let rows: Vec<(i64, i64, String)> = sqlx::query_as(
                    "SELECT ticket_id, other_id, relation FROM ticket_links \
                     WHERE ticket_id = $1 OR other_id = $1 ORDER BY ticket_id, other_id",
                )
                .bind(reference.0)
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter()
                    .map(|(from, to, relation)| {
                        let other = if from == reference.0 { to } else { from };
                        let relation = relation.parse().map_err(|_| {
                            $crate::store::StoreError::Corrupt(format!("ticket_links.relation holds `{relation}`"))
                        })?;
                        Ok($crate::store::Link { other: $crate::domain::TicketRef(other), relation })
                    })
                    .collect()
            }

            async fn audit_log(&self) -> $crate::store::StoreResult<Vec<$crate::domain::Event>> {
                let rows: Vec<$crate::store::sql::EventRow> = sqlx::query_as(
                    "SELECT ticket_id, actor, at, data FROM events WHERE ticket_id IS NULL ORDER BY id",
                )
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn latest_message_of(&self, author: &str) -> $crate::store::StoreResult<Option<String>> {
                Ok(sqlx::query_scalar(
                    "SELECT text FROM messages WHERE author = $1 ORDER BY received_at DESC, id DESC LIMIT 1",
                )
                .bind(author)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn messages_of(
                &self,
                reference: $crate::domain::TicketRef,
            ) -> $crate::store::StoreResult<Vec<$crate::store::StoredMessage>> {
                let rows: Vec<$crate::store::sql::MessageRow> = sqlx::query_as(
                    "SELECT id, source_id, conversation, author, text, ticket_id, received_at, attachments FROM messages \
                     WHERE ticket_id = $1 ORDER BY id",
                )
                .bind(reference.0)
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn keep_untaken_message(
                &self,
                message: &$crate::store::NewMessage,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO messages (source_id, conversation, author, text, received_at, attachments) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (source_id) DO NOTHING",
                )
                .bind(&message.source_id)
                .bind(&message.conversation)
                .bind(&message.author)
                .bind(&message.text)
                .bind(message.received_at)
                .bind($crate::store::sql::attachments_json(&message.attachments))
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn untaken_messages(&self) -> $crate::store::StoreResult<Vec<$crate::store::StoredMessage>> {
                let rows: Vec<$crate::store::sql::MessageRow> = sqlx::query_as(
                    "SELECT id, source_id, conversation, author, text, ticket_id, received_at, attachments FROM messages \
                     WHERE ticket_id IS NULL ORDER BY id",
                )
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn claim_posts(
                &self,
                now: chrono::DateTime<chrono::Utc>,
                lease_until: chrono::DateTime<chrono::Utc>,
                limit: i64,
            ) -> $crate::store::StoreResult<Vec<$crate::store::OutboxPost>> {
                let sql = format!(
                    "UPDATE outbox SET next_attempt_at = $2 WHERE id IN (\
                     SELECT id FROM outbox WHERE sent_at IS NULL AND dead_at IS NULL AND next_attempt_at <= $1 \
                     ORDER BY id LIMIT $3{}) RETURNING id, post, attempts",
                    $skip
                );
                let mut rows: Vec<(i64, String, i32)> = sqlx::query_as(&sql)
                    .bind(now)
                    .bind(lease_until)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?;
                rows.sort_by_key(|(id, _, _)| *id);
                rows.into_iter()
                    .map(|(id, post, attempts)| {
                        Ok($crate::store::OutboxPost {
                            id,
                            post: $crate::store::sql::parse_post(&post)?,
                            attempts,
                        })
                    })
                    .collect()
            }

            async fn mark_posts_sent(
                &self,
                ids: &[i64],
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<()> {
                self.update_posts("UPDATE outbox SET sent_at = $1 WHERE", at, ids).await
            }

            async fn lease_posts(
                &self,
                ids: &[i64],
                until: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<()> {
                let sql = "UPDATE outbox SET next_attempt_at = $1 WHERE sent_at IS NULL AND dead_at IS NULL AND";
                self.update_posts(sql, until, ids).await
            }

            async fn mark_post_failed(
                &self,
                id: i64,
                error: &str,
                then: $crate::store::AfterFailure,
            ) -> $crate::store::StoreResult<()> {
                let query = match then {
                    $crate::store::AfterFailure::RetryAt(at) => sqlx::query(
                        "UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2 WHERE id = $3",
                    )
                    .bind(error)
                    .bind(at),
                    $crate::store::AfterFailure::Dead(at) => sqlx::query(
                        "UPDATE outbox SET attempts = attempts + 1, last_error = $1, dead_at = $2 WHERE id = $3",
                    )
                    .bind(error)
                    .bind(at),
                };
                query.bind(id).execute(&self.pool).await?;
                Ok(())
            }

            async fn unsent_posts(
                &self,
                dead_only: bool,
                limit: i64,
            ) -> $crate::store::StoreResult<Vec<$crate::store::UnsentPost>> {
                type Row = (
                    i64,
                    String,
                    i32,
                    Option<String>,
                    chrono::DateTime<chrono::Utc>,
                    chrono::DateTime<chrono::Utc>,
                    Option<chrono::DateTime<chrono::Utc>>,
                );
                let sql = format!(
                    "SELECT id, post, attempts, last_error, created_at, next_attempt_at, dead_at FROM outbox \
                     WHERE sent_at IS NULL{} ORDER BY id LIMIT $1",
                    if dead_only { " AND dead_at IS NOT NULL" } else { "" }
                );
                let rows: Vec<Row> = sqlx::query_as(&sql).bind(limit).fetch_all(&self.pool).await?;
                rows.into_iter()
                    .map(|(id, post, attempts, last_error, created_at, next_attempt_at, dead_at)| {
                        Ok($crate::store::UnsentPost {
                            id,
                            post: $crate::store::sql::parse_post(&post)?,
                            attempts,
                            last_error,
                            created_at,
                            next_attempt_at,
                            dead_at,
                        })
                    })
                    .collect()
            }

            async fn resend_posts(
                &self,
                which: $crate::store::Resend,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<u64> {
                const AGAIN: &str = "UPDATE outbox SET dead_at = NULL, attempts = 0, next_attempt_at = $1 \
                                     WHERE sent_at IS NULL";
                let done = match which {
                    $crate::store::Resend::One(id) => {
                        sqlx::query(&format!("{AGAIN} AND id = $2")).bind(at).bind(id).execute(&self.pool).await?
                    }
                    $crate::store::Resend::AllDead => {
                        sqlx::query(&format!("{AGAIN} AND dead_at IS NOT NULL"))
                            .bind(at)
                            .execute(&self.pool)
                            .await?
                    }
                };
                Ok(done.rows_affected())
            }

            async fn unsent_post_count(&self) -> $crate::store::StoreResult<i64> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND dead_at IS NULL")
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn last_post_id(&self) -> $crate::store::StoreResult<i64> {
                Ok(sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM outbox").fetch_one(&self.pool).await?)
            }

            async fn posts_enqueued_at(
                &self,
                after_id: i64,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<Vec<$crate::store::EnqueuedPost>> {
                let rows: Vec<(i64, String, chrono::DateTime<chrono::Utc>)> = sqlx::query_as(
                    "SELECT id, post, created_at FROM outbox WHERE id > $1 AND created_at = $2 ORDER BY id",
                )
                .bind(after_id)
                .bind(at)
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter()
                    .map(|(id, post, created_at)| {
                        Ok($crate::store::EnqueuedPost { id, post: $crate::store::sql::parse_post(&post)?, created_at })
                    })
                    .collect()
            }

            async fn sla_digest(
                &self,
                now: chrono::DateTime<chrono::Utc>,
                day_end: chrono::DateTime<chrono::Utc>,
                cap: i64,
            ) -> $crate::store::StoreResult<$crate::store::SlaDigest> {
                // Each count and list reads its own partial index (0013's tickets not closed,
                // 0025's breach and resolution deadlines); one transaction so they agree.
                let mut tx = self.pool.begin().await?;
                let (open, breached, due_today): (i64, i64, i64) = sqlx::query_as(
                    "SELECT (SELECT COUNT(*) FROM tickets WHERE status <> 'closed'), \
                     (SELECT COUNT(*) FROM tickets WHERE status <> 'closed' AND sla_breach_at IS NOT NULL \
                      AND sla_breach_at < $1), \
                     (SELECT COUNT(*) FROM tickets WHERE status <> 'closed' AND resolution_due_at IS NOT NULL \
                      AND resolution_due_at >= $1 AND resolution_due_at < $2)",
                )
                .bind(now)
                .bind(day_end)
                .fetch_one(&mut *tx)
                .await?;
                let rows: Vec<(i64, i64)> = sqlx::query_as(
                    "SELECT * FROM (SELECT CAST(0 AS BIGINT) AS list, id FROM tickets WHERE status <> 'closed' \
                      AND sla_breach_at IS NOT NULL AND sla_breach_at < $1 ORDER BY id LIMIT $3) AS b \
                     UNION ALL SELECT * FROM (SELECT CAST(1 AS BIGINT) AS list, id FROM tickets WHERE status <> 'closed' \
                      AND resolution_due_at IS NOT NULL AND resolution_due_at >= $1 AND resolution_due_at < $2 \
                      ORDER BY id LIMIT $3) AS d",
                )
                .bind(now)
                .bind(day_end)
                .bind(cap)
                .fetch_all(&mut *tx)
                .await?;
                tx.commit().await?;
                let list = |which: i64| {
                    let mut refs: Vec<_> = rows
                        .iter()
                        .filter(|(list, _)| *list == which)
                        .map(|(_, id)| $crate::domain::TicketRef(*id))
                        .collect();
                    refs.sort();
                    refs
                };
                Ok($crate::store::SlaDigest {
                    open,
                    breached,
                    due_today,
                    breached_refs: list(0),
                    due_today_refs: list(1),
                })
            }

            async fn unmarked_tickets(
                &self,
                limit: i64,
            ) -> $crate::store::StoreResult<Vec<$crate::domain::TicketRef>> {
                let ids: Vec<i64> = sqlx::query_scalar(
                    "SELECT id FROM tickets WHERE NOT sla_marked AND status <> 'closed' ORDER BY id LIMIT $1",
                )
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
                Ok(ids.into_iter().map($crate::domain::TicketRef).collect())
            }

            async fn due_tickets(
                &self,
                now: chrono::DateTime<chrono::Utc>,
                limit: i64,
            ) -> $crate::store::StoreResult<Vec<$crate::domain::TicketRef>> {
                let ids: Vec<i64> = sqlx::query_scalar(
                    "SELECT id FROM tickets WHERE next_alarm_at IS NOT NULL AND next_alarm_at <= $1 \
                     ORDER BY next_alarm_at LIMIT $2",
                )
                .bind(now)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
                Ok(ids.into_iter().map($crate::domain::TicketRef).collect())
            }

            async fn next_alarm(
                &self,
                reference: $crate::domain::TicketRef,
            ) -> $crate::store::StoreResult<Option<chrono::DateTime<chrono::Utc>>> {
                let at: Option<Option<chrono::DateTime<chrono::Utc>>> =
                    sqlx::query_scalar("SELECT next_alarm_at FROM tickets WHERE id = $1")
                        .bind(reference.0)
                        .fetch_optional(&self.pool)
                        .await?;
                Ok(at.flatten())
            }

            async fn war_room(
                &self,
                ticket: $crate::domain::TicketRef,
            ) -> $crate::store::StoreResult<Option<$crate::domain::WarRoom>> {
                let sql =
                    format!("SELECT {} FROM war_rooms WHERE ticket_id = $1", $crate::store::sql::WAR_ROOM_COLUMNS);
                let row: Option<$crate::store::sql::WarRoomRow> =
                    sqlx::query_as(&sql).bind(ticket.0).fetch_optional(&self.pool).await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn war_rooms_to_remind(
                &self,
                now: chrono::DateTime<chrono::Utc>,
                limit: i64,
            ) -> $crate::store::StoreResult<Vec<$crate::domain::TicketRef>> {
                let ids: Vec<i64> = sqlx::query_scalar(
                    "SELECT ticket_id FROM war_rooms WHERE remind_at IS NOT NULL AND remind_at <= $1 \
                     ORDER BY remind_at LIMIT $2",
                )
                .bind(now)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
                Ok(ids.into_iter().map($crate::domain::TicketRef).collect())
            }

            async fn due_confirmations(
                &self,
                now: chrono::DateTime<chrono::Utc>,
                limit: i64,
            ) -> $crate::store::StoreResult<Vec<$crate::domain::TicketRef>> {
                let ids: Vec<i64> = sqlx::query_scalar(
                    "SELECT ticket_id FROM confirmation_timers WHERE due_at <= $1 ORDER BY due_at LIMIT $2",
                )
                .bind(now)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
                Ok(ids.into_iter().map($crate::domain::TicketRef).collect())
            }

            async fn lock_job(&self, job: &str) -> $crate::store::StoreResult<Option<$crate::store::JobLock>> {
                self.lock_job_here(job).await
            }

            async fn claim_tick_as(
                &self,
                job: &str,
                tick: chrono::DateTime<chrono::Utc>,
                claim: &$crate::store::TickClaim<'_>,
            ) -> $crate::store::StoreResult<bool> {
                // A claimed tick is taken over only when its run never finished and its claimer's
                // lease is over: the claimer died mid-job.
                let claimed = sqlx::query(
                    "INSERT INTO scheduler_ticks (job, tick, claimed_at, claimed_by, lease_until) \
                     VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (job, tick) DO UPDATE SET claimed_at = excluded.claimed_at, \
                     claimed_by = excluded.claimed_by, lease_until = excluded.lease_until \
                     WHERE scheduler_ticks.finished_at IS NULL AND scheduler_ticks.lease_until IS NOT NULL \
                     AND scheduler_ticks.lease_until < excluded.claimed_at",
                )
                .bind(job)
                .bind(tick)
                .bind(claim.at)
                .bind(claim.by)
                .bind(claim.lease_until)
                .execute(&self.pool)
                .await?
                .rows_affected();
                Ok(claimed == 1)
            }

            async fn renew_tick(
                &self,
                job: &str,
                tick: chrono::DateTime<chrono::Utc>,
                by: &str,
                lease_until: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<bool> {
                let renewed = sqlx::query(
                    "UPDATE scheduler_ticks SET lease_until = $4 \
                     WHERE job = $1 AND tick = $2 AND claimed_by = $3 AND finished_at IS NULL",
                )
                .bind(job)
                .bind(tick)
                .bind(by)
                .bind(lease_until)
                .execute(&self.pool)
                .await?
                .rows_affected();
                Ok(renewed == 1)
            }

            async fn finish_tick(
                &self,
                job: &str,
                tick: chrono::DateTime<chrono::Utc>,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query("UPDATE scheduler_ticks SET finished_at = $3 WHERE job = $1 AND tick = $2")
                    .bind(job)
                    .bind(tick)
                    .bind(at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn release_tick(&self, job: &str, tick: chrono::DateTime<chrono::Utc>) -> $crate::store::StoreResult<()> {
                sqlx::query("DELETE FROM scheduler_ticks WHERE job = $1 AND tick = $2")
                    .bind(job)
                    .bind(tick)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn ticks_claimed_since(
                &self,
                since: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<Vec<$crate::store::TickRow>> {
                Ok(sqlx::query_as(
                    "SELECT job, tick, claimed_at, claimed_by, finished_at FROM scheduler_ticks \
                     WHERE claimed_at >= $1 ORDER BY claimed_at, job",
                )
                .bind(since)
                .fetch_all(&self.pool)
                .await?)
            }
        }

        impl $store {
            /// Runs `head` (an `UPDATE outbox … WHERE`, `$1` its time) for the posts `ids`, a statement
            /// per `IDS_PER_STATEMENT` of them.
            async fn update_posts(
                &self,
                head: &str,
                at: chrono::DateTime<chrono::Utc>,
                ids: &[i64],
            ) -> $crate::store::StoreResult<()> {
                for chunk in ids.chunks($crate::store::sql::IDS_PER_STATEMENT) {
                    let sql = format!("{head} id IN ({})", $crate::store::sql::placeholders(2, chunk.len()));
                    let mut query = sqlx::query(&sql).bind(at);
                    for id in chunk {
                        query = query.bind(*id);
                    }
                    query.execute(&self.pool).await?;
                }
                Ok(())
            }
        }
    };
}

pub(super) use sql_store;
