//! Outbound deliveries (webhooks, the VOC tracker, the sales hand-off): `DeliveryTx` writes one
//! in the transaction of the event it reports; `DeliveryStore` is what the sender and operators
//! use (claim due ones with a lease, mark them delivered or failed, list, resend) and where an
//! item's tracker issue is found again (`delivered_url`). Written once for both backends in
//! `sql_deliveries!`, as `sql.rs` does for the core store.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{AfterFailure, StoreResult};

/// A delivery to write: the body is made from the delivery's id (it carries it).
pub struct NewDelivery<'a> {
    pub target: &'a str,
    pub event: &'a str,
    pub subject: &'a str,
    pub at: DateTime<Utc>,
}

/// A delivery as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Delivery {
    pub id: i64,
    pub target: String,
    pub event: String,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub dead_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub response_url: Option<String>,
}

/// Which deliveries an operator lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryFilter {
    /// Not delivered yet: waiting for a try, and dead letters.
    Undelivered,
    /// Dead letters only.
    Dead,
    /// Every one, delivered or not.
    All,
}

pub(super) const DELIVERY_COLUMNS: &str = "id, target, event, subject, body, created_at, attempts, \
     next_attempt_at, delivered_at, dead_at, last_error, response_url";

#[async_trait]
pub trait DeliveryTx: Send {
    /// Writes a delivery due at once; `body` makes its JSON from its id. Returns the id.
    async fn insert_delivery(
        &mut self,
        delivery: &NewDelivery<'_>,
        body: &(dyn Fn(i64) -> String + Sync),
    ) -> StoreResult<i64>;
}

#[async_trait]
pub trait DeliveryStore: Send + Sync {
    /// Takes up to `limit` deliveries due at `now` and leases them until `lease_until`, so that
    /// another instance's sender skips them (on PostgreSQL with `SKIP LOCKED`).
    async fn claim_deliveries(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<Delivery>>;
    /// The receiver took it; `response_url` is where it now is, when it said.
    async fn mark_delivered(&self, id: i64, at: DateTime<Utc>, response_url: Option<&str>)
    -> StoreResult<()>;
    async fn mark_delivery_failed(&self, id: i64, error: &str, then: AfterFailure) -> StoreResult<()>;
    /// Deliveries, oldest first, at most `limit`.
    async fn deliveries(&self, filter: DeliveryFilter, limit: i64) -> StoreResult<Vec<Delivery>>;
    /// Makes an undelivered delivery (dead or waiting) due at `at`, its tries counted from zero;
    /// false when there is no such delivery or it was delivered.
    async fn resend_delivery(&self, id: i64, at: DateTime<Utc>) -> StoreResult<bool>;
    /// Where the latest delivered `event` about `subject` went, as its receiver answered (the
    /// tracker issue of an accepted VOC item).
    async fn delivered_url(&self, subject: &str, event: &str) -> StoreResult<Option<String>>;
}

/// Implements `DeliveryTx` for `$tx` (its `tx` field) and `DeliveryStore` for `$store` (its
/// `pool`); `$skip` is the backend's lock clause for claiming.
macro_rules! sql_deliveries {
    (store: $store:ident, tx: $tx:ident, skip_locked: $skip:literal $(,)?) => {
        #[async_trait::async_trait]
        impl $crate::store::deliveries::DeliveryTx for $tx {
            async fn insert_delivery(
                &mut self,
                delivery: &$crate::store::deliveries::NewDelivery<'_>,
                body: &(dyn Fn(i64) -> String + Sync),
            ) -> $crate::store::StoreResult<i64> {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO deliveries (target, event, subject, body, created_at, next_attempt_at) \
                     VALUES ($1, $2, $3, '', $4, $4) RETURNING id",
                )
                .bind(delivery.target)
                .bind(delivery.event)
                .bind(delivery.subject)
                .bind(delivery.at)
                .fetch_one(&mut *self.tx)
                .await?;
                sqlx::query("UPDATE deliveries SET body = $1 WHERE id = $2")
                    .bind(body(id))
                    .bind(id)
                    .execute(&mut *self.tx)
                    .await?;
                Ok(id)
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::deliveries::DeliveryStore for $store {
            async fn claim_deliveries(
                &self,
                now: chrono::DateTime<chrono::Utc>,
                lease_until: chrono::DateTime<chrono::Utc>,
                limit: i64,
            ) -> $crate::store::StoreResult<Vec<$crate::store::deliveries::Delivery>> {
                let sql = format!(
                    "UPDATE deliveries SET next_attempt_at = $2 WHERE id IN (\
                     SELECT id FROM deliveries WHERE delivered_at IS NULL AND dead_at IS NULL \
                     AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $3{}) RETURNING {}",
                    $skip,
                    $crate::store::deliveries::DELIVERY_COLUMNS
                );
                let mut rows: Vec<$crate::store::deliveries::Delivery> =
                    sqlx::query_as(&sql).bind(now).bind(lease_until).bind(limit).fetch_all(&self.pool).await?;
                rows.sort_by_key(|d| d.id);
                Ok(rows)
            }

            async fn mark_delivered(
                &self,
                id: i64,
                at: chrono::DateTime<chrono::Utc>,
                response_url: Option<&str>,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query(
                    "UPDATE deliveries SET attempts = attempts + 1, delivered_at = $1, response_url = $2, \
                     last_error = NULL WHERE id = $3",
                )
                .bind(at)
                .bind(response_url)
                .bind(id)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn mark_delivery_failed(
                &self,
                id: i64,
                error: &str,
                then: $crate::store::AfterFailure,
            ) -> $crate::store::StoreResult<()> {
                let (sql, at) = match then {
                    $crate::store::AfterFailure::RetryAt(at) => (
                        "UPDATE deliveries SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2 \
                         WHERE id = $3",
                        at,
                    ),
                    $crate::store::AfterFailure::Dead(at) => (
                        "UPDATE deliveries SET attempts = attempts + 1, last_error = $1, dead_at = $2 WHERE id = $3",
                        at,
                    ),
                };
                sqlx::query(sql).bind(error).bind(at).bind(id).execute(&self.pool).await?;
                Ok(())
            }

            async fn deliveries(
                &self,
                filter: $crate::store::deliveries::DeliveryFilter,
                limit: i64,
            ) -> $crate::store::StoreResult<Vec<$crate::store::deliveries::Delivery>> {
                let clause = match filter {
                    $crate::store::deliveries::DeliveryFilter::Undelivered => " WHERE delivered_at IS NULL",
                    $crate::store::deliveries::DeliveryFilter::Dead => {
                        " WHERE delivered_at IS NULL AND dead_at IS NOT NULL"
                    }
                    $crate::store::deliveries::DeliveryFilter::All => "",
                };
                let sql = format!(
                    "SELECT {} FROM deliveries{clause} ORDER BY id LIMIT $1",
                    $crate::store::deliveries::DELIVERY_COLUMNS
                );
                Ok(sqlx::query_as(&sql).bind(limit).fetch_all(&self.pool).await?)
            }

            async fn resend_delivery(
                &self,
                id: i64,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<bool> {
                let done = sqlx::query(
                    "UPDATE deliveries SET dead_at = NULL, attempts = 0, next_attempt_at = $1 \
                     WHERE id = $2 AND delivered_at IS NULL",
                )
                .bind(at)
                .bind(id)
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn delivered_url(
                &self,
                subject: &str,
                event: &str,
            ) -> $crate::store::StoreResult<Option<String>> {
                Ok(sqlx::query_scalar(
                    "SELECT response_url FROM deliveries WHERE subject = $1 AND event = $2 \
                     AND response_url IS NOT NULL ORDER BY id DESC LIMIT 1",
                )
                .bind(subject)
                .bind(event)
                .fetch_optional(&self.pool)
                .await?)
            }
        }
    };
}

pub(super) use sql_deliveries;
