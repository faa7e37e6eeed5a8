//! What the web layer (the managers' cockpit) keeps and reads beside the core store: the key
//! sign-in links and sessions are signed with, the links already used, API tokens (hashed), and
//! the counts `/metrics` and the war-room board show. Implemented by the same SQL backends over
//! the same pool; every `Store` is one, so the engine (`/dashboard`) and the CLI reach it too.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use crate::domain::WarRoom;

/// An API token as `resolvd token list` shows it: never the token itself.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ApiToken {
    pub id: i64,
    pub person: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Tickets not closed, by severity (none before classification) and tier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenCount {
    pub severity: Option<String>,
    pub tier: String,
    pub count: i64,
}

#[async_trait]
pub trait WebStore: Send + Sync {
    /// The secret named `name`: the one stored, or `candidate` when none was (it is stored then),
    /// so every instance and operator command signs with the same key.
    async fn web_key(&self, name: &str, candidate: &str) -> StoreResult<String>;
    /// Spends a sign-in link's nonce; false when it was spent before (a link works once).
    async fn spend_login_link(&self, nonce: &str, person: &str, at: DateTime<Utc>) -> StoreResult<bool>;
    /// Forgets spent nonces older than `before` (their links expired long ago).
    async fn prune_login_links(&self, before: DateTime<Utc>) -> StoreResult<u64>;

    async fn create_api_token(
        &self,
        person: &str,
        name: &str,
        hash: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<i64>;
    async fn api_tokens(&self) -> StoreResult<Vec<ApiToken>>;
    /// Revokes a token; false when there is no such token or it was revoked already.
    async fn revoke_api_token(&self, id: i64, at: DateTime<Utc>) -> StoreResult<bool>;
    /// The person a live (not revoked) token with this hash speaks for.
    async fn api_token_person(&self, hash: &str) -> StoreResult<Option<String>>;

    /// War rooms not archived, oldest first.
    async fn open_war_rooms(&self) -> StoreResult<Vec<WarRoom>>;
    async fn open_ticket_counts(&self) -> StoreResult<Vec<OpenCount>>;
    /// SLA breaches noticed since the start (every clock's `sla_alarm` breach on any timeline).
    async fn sla_breach_total(&self) -> StoreResult<i64>;
    async fn dead_letter_count(&self) -> StoreResult<i64>;
    /// When the oldest post still to be sent (dead letters not counted) was enqueued.
    async fn oldest_unsent_post_at(&self) -> StoreResult<Option<DateTime<Utc>>>;
    /// Each job's latest tick that ran to the end or is running (a failed tick is given back).
    async fn job_last_ticks(&self) -> StoreResult<Vec<(String, DateTime<Utc>)>>;
}

/// Implements `WebStore` for `$store`, which must have a `pool` field; the queries are written
/// once for both backends.
macro_rules! sql_web_store {
    (store: $store:ident $(,)?) => {
        #[async_trait::async_trait]
        impl $crate::store::web::WebStore for $store {
            async fn web_key(&self, name: &str, candidate: &str) -> $crate::store::StoreResult<String> {
                sqlx::query("INSERT INTO web_keys (name, secret) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                    .bind(name)
                    .bind(candidate)
                    .execute(&self.pool)
                    .await?;
                Ok(sqlx::query_scalar("SELECT secret FROM web_keys WHERE name = $1")
                    .bind(name)
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn spend_login_link(
                &self,
                nonce: &str,
                person: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<bool> {
                let inserted = sqlx::query(
                    "INSERT INTO login_links_used (nonce, person, used_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                )
                .bind(nonce)
                .bind(person)
                .bind(at)
                .execute(&self.pool)
                .await?
                .rows_affected();
                Ok(inserted == 1)
            }

            async fn prune_login_links(
                &self,
                before: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<u64> {
                Ok(sqlx::query("DELETE FROM login_links_used WHERE used_at < $1")
                    .bind(before)
                    .execute(&self.pool)
                    .await?
                    .rows_affected())
            }

            async fn create_api_token(
                &self,
                person: &str,
                name: &str,
                hash: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<i64> {
                Ok(sqlx::query_scalar(
                    "INSERT INTO api_tokens (person, name, hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                )
                .bind(person)
                .bind(name)
                .bind(hash)
                .bind(at)
                .fetch_one(&self.pool)
                .await?)
            }

            async fn api_tokens(&self) -> $crate::store::StoreResult<Vec<$crate::store::web::ApiToken>> {
                let rows: Vec<(
                    i64,
                    String,
                    String,
                    chrono::DateTime<chrono::Utc>,
                    Option<chrono::DateTime<chrono::Utc>>,
                )> = sqlx::query_as("SELECT id, person, name, created_at, revoked_at FROM api_tokens ORDER BY id")
                    .fetch_all(&self.pool)
                    .await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, person, name, created_at, revoked_at)| $crate::store::web::ApiToken {
                        id,
                        person,
                        name,
                        created_at,
                        revoked_at,
                    })
                    .collect())
            }

            async fn revoke_api_token(
                &self,
                id: i64,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<bool> {
                let changed = sqlx::query("UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
                    .bind(id)
                    .bind(at)
                    .execute(&self.pool)
                    .await?
                    .rows_affected();
                Ok(changed == 1)
            }

            async fn api_token_person(&self, hash: &str) -> $crate::store::StoreResult<Option<String>> {
                Ok(sqlx::query_scalar("SELECT person FROM api_tokens WHERE hash = $1 AND revoked_at IS NULL")
                    .bind(hash)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn open_war_rooms(&self) -> $crate::store::StoreResult<Vec<$crate::domain::WarRoom>> {
                let sql = format!(
                    "SELECT {} FROM war_rooms WHERE archived_at IS NULL ORDER BY opened_at, ticket_id",
                    $crate::store::sql::WAR_ROOM_COLUMNS
                );
                let rows: Vec<$crate::store::sql::WarRoomRow> = sqlx::query_as(&sql).fetch_all(&self.pool).await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn open_ticket_counts(&self) -> $crate::store::StoreResult<Vec<$crate::store::web::OpenCount>> {
                let rows: Vec<(Option<String>, String, i64)> = sqlx::query_as(
                    "SELECT severity, tier, COUNT(*) FROM tickets WHERE status <> 'closed' \
                     GROUP BY severity, tier ORDER BY severity, tier",
                )
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(severity, tier, count)| $crate::store::web::OpenCount { severity, tier, count })
                    .collect())
            }

            async fn sla_breach_total(&self) -> $crate::store::StoreResult<i64> {
                // The event's data is serde's compact JSON, the same text on both backends.
                Ok(sqlx::query_scalar(
                    "SELECT COUNT(*) FROM events WHERE type = 'sla_alarm' AND data LIKE '%\"alarm\":\"breach\"%'",
                )
                .fetch_one(&self.pool)
                .await?)
            }

            async fn dead_letter_count(&self) -> $crate::store::StoreResult<i64> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND dead_at IS NOT NULL")
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn oldest_unsent_post_at(
                &self,
            ) -> $crate::store::StoreResult<Option<chrono::DateTime<chrono::Utc>>> {
                Ok(sqlx::query_scalar(
                    "SELECT created_at FROM outbox WHERE sent_at IS NULL AND dead_at IS NULL ORDER BY id LIMIT 1",
                )
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn job_last_ticks(
                &self,
            ) -> $crate::store::StoreResult<Vec<(String, chrono::DateTime<chrono::Utc>)>> {
                Ok(sqlx::query_as("SELECT job, MAX(tick) FROM scheduler_ticks GROUP BY job ORDER BY job")
                    .fetch_all(&self.pool)
                    .await?)
            }
        }
    };
}

pub(super) use sql_web_store;
