//! The customer registry beside the core store: customers as `resolvd customers import` writes
//! them (each row in a transaction of its own), the names each is known by in chat
//! (`customer_handles`), and the reads the customer card, `ticket show` and the reader's language
//! make. Every `Store` is a `CustomerStore` and every `StoreTx` a `CustomerTx`; the queries are
//! written once, as the constants below, for both backends and for pool and transaction alike.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use super::{StoreError, StoreResult};
use crate::domain::{Customer, Locale, PastTicket, TicketRef};

/// What importing one customer did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Upsert {
    /// A new customer. `retiered`: their open tickets that took the registry's tier.
    Added { retiered: u64 },
    /// A customer already there, replaced by the row.
    Updated { retiered: u64 },
    /// Nothing written: one of the customer's chat names belongs to another customer.
    HandleTaken { handle: String, owner: String },
}

#[async_trait]
pub trait CustomerStore: Send + Sync {
    /// Inserts or replaces a customer (by id) with the names they are known by, in a transaction
    /// of its own, and gives their open tickets the tier, due at the SLA sweep at `at` so their
    /// deadlines follow it. Refused (nothing written) when a name is another customer's.
    async fn upsert_customer(&self, customer: &Customer, at: DateTime<Utc>) -> StoreResult<Upsert>;
    /// The customer with this id.
    async fn customer(&self, id: &str) -> StoreResult<Option<Customer>>;
    /// The customer a person in chat is (`alice`, `discord:1234`), if the registry knows them.
    async fn customer_of(&self, person: &str) -> StoreResult<Option<Customer>>;
    /// The customer's newest tickets under any of their names, at most `limit`, `except` left out.
    async fn customer_history(
        &self,
        customer: &str,
        except: Option<TicketRef>,
        limit: i64,
    ) -> StoreResult<Vec<PastTicket>>;
}

/// The same reads inside a transaction (intake's card, `/customer`, a customer's language).
#[async_trait]
pub trait CustomerTx: Send {
    async fn customer_of(&mut self, person: &str) -> StoreResult<Option<Customer>>;
    async fn customer_history(
        &mut self,
        customer: &str,
        except: Option<TicketRef>,
        limit: i64,
    ) -> StoreResult<Vec<PastTicket>>;
}

const CUSTOMER_COLUMNS: &str = "c.id, c.name, c.organisation, c.tier, c.warranty_until, c.discord_ids, \
     c.email, c.account_owner, c.locale";

/// `$1`: a customer id.
pub(super) fn by_id_sql() -> String {
    format!("SELECT {CUSTOMER_COLUMNS} FROM customers c WHERE c.id = $1")
}

/// `$1`: a person as chat names them.
pub(super) fn of_person_sql() -> String {
    format!(
        "SELECT {CUSTOMER_COLUMNS} FROM customer_handles h JOIN customers c ON c.id = h.customer_id \
         WHERE h.handle = $1"
    )
}

/// `$1`: a customer id, `$2`: a ticket to leave out (0: none), `$3`: how many. Each ticket's
/// latest rating is read through the index of events by ticket and type.
pub(super) const HISTORY_SQL: &str = "SELECT t.id, t.title, t.status, t.close_reason, \
     (SELECT e.data FROM events e WHERE e.ticket_id = t.id AND e.type = 'rated' ORDER BY e.id DESC LIMIT 1) \
     FROM tickets t WHERE t.customer IN (SELECT h.handle FROM customer_handles h WHERE h.customer_id = $1) \
     AND t.id <> $2 ORDER BY t.id DESC LIMIT $3";

pub(super) const HANDLE_OWNER_SQL: &str = "SELECT customer_id FROM customer_handles WHERE handle = $1";

pub(super) const UPSERT_SQL: &str = "INSERT INTO customers (id, name, organisation, tier, warranty_until, \
     discord_ids, email, account_owner, locale, imported_at, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) \
     ON CONFLICT (id) DO UPDATE SET name = $2, organisation = $3, tier = $4, warranty_until = $5, \
     discord_ids = $6, email = $7, account_owner = $8, locale = $9, updated_at = $10";

/// The customer's open tickets under any of their names take tier `$1` and are due at the sweep
/// at `$2`; those with the tier already are left alone.
pub(super) const RETIER_SQL: &str = "UPDATE tickets SET customer_tier = $1, next_alarm_at = $2 \
     WHERE status <> 'closed' AND (customer_tier IS NULL OR customer_tier <> $1) \
     AND customer IN (SELECT h.handle FROM customer_handles h WHERE h.customer_id = $3)";

/// A customer as stored.
#[derive(sqlx::FromRow)]
pub(super) struct CustomerRecord {
    id: String,
    name: String,
    organisation: Option<String>,
    tier: String,
    warranty_until: Option<NaiveDate>,
    discord_ids: String,
    email: Option<String>,
    account_owner: Option<String>,
    locale: Option<String>,
}

impl TryFrom<CustomerRecord> for Customer {
    type Error = StoreError;

    fn try_from(row: CustomerRecord) -> StoreResult<Customer> {
        let locale = match row.locale {
            Some(tag) => Some(
                Locale::parse(&tag)
                    .ok_or_else(|| StoreError::Corrupt(format!("customers.locale holds `{tag}`")))?,
            ),
            None => None,
        };
        Ok(Customer {
            discord_ids: Customer::split_discord_ids(&row.discord_ids),
            id: row.id,
            name: row.name,
            organisation: row.organisation,
            tier: row.tier,
            warranty_until: row.warranty_until,
            email: row.email,
            account_owner: row.account_owner,
            locale,
        })
    }
}

pub(super) type PastRow = (i64, String, String, Option<String>, Option<String>);

pub(super) fn past_ticket((id, title, status, close_reason, rated): PastRow) -> StoreResult<PastTicket> {
    let corrupt =
        |column: &str, value: &str| StoreError::Corrupt(format!("tickets.{column} holds `{value}`"));
    let score = match rated {
        Some(data) => match serde_json::from_str::<crate::domain::EventKind>(&data) {
            Ok(crate::domain::EventKind::Rated { score }) => Some(score),
            _ => return Err(StoreError::Corrupt(format!("rated event data `{data}`"))),
        },
        None => None,
    };
    Ok(PastTicket {
        reference: TicketRef(id),
        title,
        status: status.parse::<crate::domain::Status>().map_err(|_| corrupt("status", &status))?,
        close_reason: close_reason
            .map(|reason| {
                reason.parse::<crate::domain::CloseReason>().map_err(|_| corrupt("close_reason", &reason))
            })
            .transpose()?,
        score,
    })
}

/// Implements `CustomerStore` for `$store` (with a `pool` field and `begin_tx()`) and
/// `CustomerTx` for `$tx` (with a `tx` field), over the queries above; `$lock` locks a row read
/// for change where the backend can.
macro_rules! sql_customer_store {
    (store: $store:ident, tx: $tx:ident, lock_row: $lock:literal $(,)?) => {
        #[async_trait::async_trait]
        impl $crate::store::customers::CustomerStore for $store {
            async fn upsert_customer(
                &self,
                customer: &$crate::domain::Customer,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<$crate::store::customers::Upsert> {
                use $crate::store::customers as c;
                let mut tx = self.begin_tx().await?;
                let handles = customer.handles();
                for handle in &handles {
                    let owner: Option<String> =
                        sqlx::query_scalar(c::HANDLE_OWNER_SQL).bind(handle).fetch_optional(&mut *tx).await?;
                    if let Some(owner) = owner.filter(|owner| *owner != customer.id) {
                        return Ok(c::Upsert::HandleTaken { handle: handle.clone(), owner });
                    }
                }
                let existed: Option<String> =
                    sqlx::query_scalar(&format!("SELECT id FROM customers WHERE id = $1{}", $lock))
                        .bind(&customer.id)
                        .fetch_optional(&mut *tx)
                        .await?;
                sqlx::query(c::UPSERT_SQL)
                    .bind(&customer.id)
                    .bind(&customer.name)
                    .bind(&customer.organisation)
                    .bind(&customer.tier)
                    .bind(customer.warranty_until)
                    .bind(customer.discord_ids_text())
                    .bind(&customer.email)
                    .bind(&customer.account_owner)
                    .bind(customer.locale.map(|l| l.tag()))
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM customer_handles WHERE customer_id = $1")
                    .bind(&customer.id)
                    .execute(&mut *tx)
                    .await?;
                for handle in &handles {
                    sqlx::query("INSERT INTO customer_handles (handle, customer_id) VALUES ($1, $2)")
                        .bind(handle)
                        .bind(&customer.id)
                        .execute(&mut *tx)
                        .await?;
                }
                let retiered = sqlx::query(c::RETIER_SQL)
                    .bind(&customer.tier)
                    .bind(at)
                    .bind(&customer.id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                tx.commit().await?;
                Ok(match existed {
                    Some(_) => c::Upsert::Updated { retiered },
                    None => c::Upsert::Added { retiered },
                })
            }

            async fn customer(
                &self,
                id: &str,
            ) -> $crate::store::StoreResult<Option<$crate::domain::Customer>> {
                $crate::store::customers::read_customer!(
                    &$crate::store::customers::by_id_sql(),
                    id,
                    &self.pool
                )
            }

            async fn customer_of(
                &self,
                person: &str,
            ) -> $crate::store::StoreResult<Option<$crate::domain::Customer>> {
                $crate::store::customers::read_customer!(
                    &$crate::store::customers::of_person_sql(),
                    person,
                    &self.pool
                )
            }

            async fn customer_history(
                &self,
                customer: &str,
                except: Option<$crate::domain::TicketRef>,
                limit: i64,
            ) -> $crate::store::StoreResult<Vec<$crate::domain::PastTicket>> {
                $crate::store::customers::read_history!(customer, except, limit, &self.pool)
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::customers::CustomerTx for $tx {
            async fn customer_of(
                &mut self,
                person: &str,
            ) -> $crate::store::StoreResult<Option<$crate::domain::Customer>> {
                $crate::store::customers::read_customer!(
                    &$crate::store::customers::of_person_sql(),
                    person,
                    &mut *self.tx
                )
            }

            async fn customer_history(
                &mut self,
                customer: &str,
                except: Option<$crate::domain::TicketRef>,
                limit: i64,
            ) -> $crate::store::StoreResult<Vec<$crate::domain::PastTicket>> {
                $crate::store::customers::read_history!(customer, except, limit, &mut *self.tx)
            }
        }
    };
}

/// A customer by the query `$sql` of one key, on a pool or in a transaction.
macro_rules! read_customer {
    ($sql:expr, $key:expr, $executor:expr) => {{
        let row: Option<$crate::store::customers::CustomerRecord> =
            sqlx::query_as($sql).bind($key).fetch_optional($executor).await?;
        row.map(TryInto::try_into).transpose()
    }};
}

/// A customer's newest tickets (`HISTORY_SQL`), on a pool or in a transaction.
macro_rules! read_history {
    ($customer:expr, $except:expr, $limit:expr, $executor:expr) => {{
        let rows: Vec<$crate::store::customers::PastRow> =
            sqlx::query_as($crate::store::customers::HISTORY_SQL)
                .bind($customer)
                .bind($except.map_or(0, |t: $crate::domain::TicketRef| t.0))
                .bind($limit)
                .fetch_all($executor)
                .await?;
        rows.into_iter().map($crate::store::customers::past_ticket).collect()
    }};
}

pub(super) use {read_customer, read_history, sql_customer_store};
