//! The Discord channel's memory between runs: which channel is what (DMs, intake channels,
//! customer and staff threads, war rooms) with the last message taken in from each, and small
//! keyed state (registered-command fingerprints, pinned cards). The core `Store` knows no
//! platform; the Discord adapter alone holds a `DiscordState`, implemented by the same SQL
//! backends over the same pool (`open_with_discord_state`). Platform ids are Discord snowflakes.

use std::sync::Arc;

use async_trait::async_trait;

use super::{Opened, Store, StoreError, StoreResult};
use crate::domain::TicketRef;

/// What a Discord channel the bot reads is to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::Display, strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum DiscordChannelKind {
    /// A customer's direct messages with the bot.
    Dm,
    /// A configured intake channel.
    Intake,
    /// The private thread opened for a customer who wrote in an intake channel.
    CustomerThread,
    /// A ticket's thread in the staff channel.
    StaffThread,
    /// An S-level ticket's war room: a private text channel.
    WarRoom,
}

/// A Discord channel the bot reads, with the newest message it took in from there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscordChannel {
    pub channel_id: i64,
    pub kind: DiscordChannelKind,
    /// A staff thread's ticket.
    pub ticket: Option<TicketRef>,
    /// A customer thread's owner, `<intake channel>:<user>`.
    pub owner: Option<String>,
    pub last_message_id: Option<i64>,
}

/// The Discord channel's memory (`chat::discord`), kept in the `0003_discord` tables.
#[async_trait]
pub trait DiscordState: Send + Sync + 'static {
    /// Records a channel to read; false when it is known already, or when its ticket (staff
    /// thread) or owner (customer thread) has a channel already.
    async fn record_discord_channel(&self, channel: &DiscordChannel) -> StoreResult<bool>;
    async fn discord_channel(&self, channel_id: i64) -> StoreResult<Option<DiscordChannel>>;
    async fn discord_channels(&self) -> StoreResult<Vec<DiscordChannel>>;
    /// The channels catch-up reads, with a last message seen: intake channels, and the channels
    /// (DMs, customer and staff threads, war rooms) of tickets not closed or closed (last
    /// changed) at or after `closed_since`; and DM channels learnt before any of their messages
    /// was taken in (no last message seen: a crash came first). The cost follows the tickets worth
    /// reading, not every channel ever seen.
    async fn discord_channels_to_catch_up(
        &self,
        closed_since: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<Vec<DiscordChannel>>;
    async fn discord_staff_thread(&self, ticket: TicketRef) -> StoreResult<Option<i64>>;
    async fn discord_customer_thread(&self, owner: &str) -> StoreResult<Option<i64>>;
    async fn discord_war_room(&self, ticket: TicketRef) -> StoreResult<Option<i64>>;
    /// Moves a channel's `last_message_id` forward to `message_id` (never back).
    async fn discord_saw_message(&self, channel_id: i64, message_id: i64) -> StoreResult<()>;
    async fn discord_state(&self, key: &str) -> StoreResult<Option<String>>;
    async fn set_discord_state(&self, key: &str, value: &str) -> StoreResult<()>;
}

/// Opens the database the URL names and brings its schema up to date, as `store::open` does,
/// and gives the Discord channel its memory over the same connection pool.
pub async fn open_with_discord_state(url: &str) -> StoreResult<(Arc<dyn Store>, Arc<dyn DiscordState>)> {
    let opened = super::connect(url, super::Connect::Migrate).await?;
    let state: Arc<dyn DiscordState> = match &opened {
        Opened::Sqlite(backend) => backend.clone(),
        Opened::Postgres(backend) => backend.clone(),
    };
    Ok((opened.store(), state))
}

pub(super) const DISCORD_CHANNEL_COLUMNS: &str = "channel_id, kind, ticket_id, owner, last_message_id";

#[derive(sqlx::FromRow)]
pub(super) struct DiscordChannelRow {
    channel_id: i64,
    kind: String,
    ticket_id: Option<i64>,
    owner: Option<String>,
    last_message_id: Option<i64>,
}

impl TryFrom<DiscordChannelRow> for DiscordChannel {
    type Error = StoreError;

    fn try_from(row: DiscordChannelRow) -> StoreResult<DiscordChannel> {
        let kind = row
            .kind
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("discord_channels.kind holds `{}`", row.kind)))?;
        Ok(DiscordChannel {
            channel_id: row.channel_id,
            kind,
            ticket: row.ticket_id.map(TicketRef),
            owner: row.owner,
            last_message_id: row.last_message_id,
        })
    }
}

/// Implements `DiscordState` for `$store`, which must have a `pool` field. Like `sql_store!`,
/// the queries are written once for both backends.
macro_rules! sql_discord_state {
    (store: $store:ident $(,)?) => {
        #[async_trait::async_trait]
        impl $crate::store::discord::DiscordState for $store {
            async fn record_discord_channel(
                &self,
                channel: &$crate::store::discord::DiscordChannel,
            ) -> $crate::store::StoreResult<bool> {
                let inserted = sqlx::query(
                    "INSERT INTO discord_channels (channel_id, kind, ticket_id, owner, last_message_id) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                )
                .bind(channel.channel_id)
                .bind(<&'static str>::from(channel.kind))
                .bind(channel.ticket.map(|t| t.0))
                .bind(&channel.owner)
                .bind(channel.last_message_id)
                .execute(&self.pool)
                .await?
                .rows_affected();
                Ok(inserted == 1)
            }

            async fn discord_channel(
                &self,
                channel_id: i64,
            ) -> $crate::store::StoreResult<Option<$crate::store::discord::DiscordChannel>> {
                let sql = format!(
                    "SELECT {} FROM discord_channels WHERE channel_id = $1",
                    $crate::store::discord::DISCORD_CHANNEL_COLUMNS
                );
                let row: Option<$crate::store::discord::DiscordChannelRow> =
                    sqlx::query_as(&sql).bind(channel_id).fetch_optional(&self.pool).await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn discord_channels(
                &self,
            ) -> $crate::store::StoreResult<Vec<$crate::store::discord::DiscordChannel>> {
                let sql = format!(
                    "SELECT {} FROM discord_channels ORDER BY channel_id",
                    $crate::store::discord::DISCORD_CHANNEL_COLUMNS
                );
                let rows: Vec<$crate::store::discord::DiscordChannelRow> =
                    sqlx::query_as(&sql).fetch_all(&self.pool).await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn discord_channels_to_catch_up(
                &self,
                closed_since: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<Vec<$crate::store::discord::DiscordChannel>> {
                // A DM or a customer thread is a ticket's conversation (`dm:<id>`, `thread:<id>`);
                // a staff thread or a war room names its ticket.
                let sql = format!(
                    "SELECT {} FROM discord_channels c WHERE c.last_message_id IS NULL AND c.kind = 'dm' \
                     OR c.last_message_id IS NOT NULL AND ( \
                       c.kind = 'intake' \
                       OR EXISTS (SELECT 1 FROM tickets t WHERE t.id = c.ticket_id \
                                  AND (t.status <> 'closed' OR t.updated_at >= $1)) \
                       OR EXISTS (SELECT 1 FROM tickets t \
                                  WHERE t.conversation IN ('dm:' || CAST(c.channel_id AS TEXT), \
                                                           'thread:' || CAST(c.channel_id AS TEXT)) \
                                  AND (t.status <> 'closed' OR t.updated_at >= $1))) \
                     ORDER BY c.channel_id",
                    $crate::store::discord::DISCORD_CHANNEL_COLUMNS
                        .split(", ")
                        .map(|column| format!("c.{column}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                let rows: Vec<$crate::store::discord::DiscordChannelRow> =
                    sqlx::query_as(&sql).bind(closed_since).fetch_all(&self.pool).await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn discord_staff_thread(
                &self,
                ticket: $crate::domain::TicketRef,
            ) -> $crate::store::StoreResult<Option<i64>> {
                Ok(sqlx::query_scalar(
                    "SELECT channel_id FROM discord_channels WHERE kind = 'staff_thread' AND ticket_id = $1",
                )
                .bind(ticket.0)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn discord_customer_thread(&self, owner: &str) -> $crate::store::StoreResult<Option<i64>> {
                Ok(sqlx::query_scalar(
                    "SELECT channel_id FROM discord_channels WHERE kind = 'customer_thread' AND owner = $1",
                )
                .bind(owner)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn discord_war_room(
                &self,
                ticket: $crate::domain::TicketRef,
            ) -> $crate::store::StoreResult<Option<i64>> {
                Ok(sqlx::query_scalar(
                    "SELECT channel_id FROM discord_channels WHERE kind = 'war_room' AND ticket_id = $1",
                )
                .bind(ticket.0)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn discord_saw_message(
                &self,
                channel_id: i64,
                message_id: i64,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query(
                    "UPDATE discord_channels SET last_message_id = $2 WHERE channel_id = $1 \
                     AND (last_message_id IS NULL OR last_message_id < $2)",
                )
                .bind(channel_id)
                .bind(message_id)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn discord_state(&self, key: &str) -> $crate::store::StoreResult<Option<String>> {
                Ok(sqlx::query_scalar("SELECT value FROM discord_state WHERE key = $1")
                    .bind(key)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn set_discord_state(&self, key: &str, value: &str) -> $crate::store::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO discord_state (key, value) VALUES ($1, $2) \
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                )
                .bind(key)
                .bind(value)
                .execute(&self.pool)
                .await?;
                Ok(())
            }
        }
    };
}

pub(super) use sql_discord_state;
