use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Pool, Postgres, Transaction};

use super::{HeldLock, JobLock, StoreResult, job_lock_key};

/// PostgreSQL serves several instances: rows being changed are locked (`FOR UPDATE`) and the
/// outbox is drained with `SKIP LOCKED`, so two instances never send the same post.
pub struct PostgresStore {
    pool: Pool<Postgres>,
    /// The schema this store's tables are in: part of its jobs' lock keys, since advisory locks
    /// are per database and two installations may live in two schemas of one.
    schema: String,
}

impl PostgresStore {
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let options = PgConnectOptions::from_str(url)?;
        let pool = PgPoolOptions::new().max_connections(8).connect_with(options).await?;
        let schema: Option<String> = sqlx::query_scalar("SELECT current_schema()").fetch_one(&pool).await?;
        Ok(PostgresStore { pool, schema: schema.unwrap_or_default() })
    }

    async fn begin_tx(&self) -> StoreResult<Transaction<'static, Postgres>> {
        Ok(self.pool.begin().await?)
    }

    /// A job's lock is a transaction-level advisory lock on the job's key, taken without waiting
    /// in a transaction of its own (on a connection of its own) that lasts as long as the job:
    /// dropping the lock ends the transaction, which releases it, however the job ended.
    async fn lock_job_here(&self, job: &str) -> StoreResult<Option<JobLock>> {
        let mut holder = self.pool.begin().await?;
        let locked: bool = sqlx::query_scalar("SELECT pg_try_advisory_xact_lock($1)")
            .bind(job_lock_key(&self.schema, job))
            .fetch_one(&mut *holder)
            .await?;
        Ok(locked.then(|| JobLock::held_by(holder)))
    }
}

super::sql::sql_store! {
    store: PostgresStore,
    tx: PostgresTx,
    db: Postgres,
    backend: crate::store::Backend::Postgres,
    migrations: "migrations/postgres",
    // Where an unqualified `_sqlx_migrations` is created and read: the first schema of the search path.
    migrations_table: "SELECT COUNT(*) FROM information_schema.tables \
                       WHERE table_schema = current_schema() AND table_name = '_sqlx_migrations'",
    lock_row: " FOR UPDATE",
    skip_locked: " FOR UPDATE SKIP LOCKED",
    // Per schema, like the jobs' locks; held until the transaction ends.
    lock_openings: "SELECT pg_advisory_xact_lock(hashtextextended('resolvd intake openings ' || current_schema(), 0))",
}

super::discord::sql_discord_state! {
    store: PostgresStore,
}

super::storms::sql_storms! {
    tx: PostgresTx,
}

super::deliveries::sql_deliveries! {
    store: PostgresStore,
    tx: PostgresTx,
    skip_locked: " FOR UPDATE SKIP LOCKED",
}

super::voc::sql_voc! {
    store: PostgresStore,
    tx: PostgresTx,
    lock_row: " FOR UPDATE",
}

super::web::sql_web_store! {
    store: PostgresStore,
}

super::customers::sql_customer_store! {
    store: PostgresStore,
    tx: PostgresTx,
    lock_row: " FOR UPDATE",
}

super::parts::sql_parts! {
    store: PostgresStore,
    tx: PostgresTx,
    lock_row: " FOR UPDATE",
}

super::revisits::sql_revisits! {
    store: PostgresStore,
    tx: PostgresTx,
    lock_row: " FOR UPDATE",
}

super::kb::sql_kb_store! {
    store: PostgresStore,
    tx: PostgresTx,
}

super::indicators::sql_indicators! {
    store: PostgresStore,
    db: Postgres,
    dialect: super::indicators::Dialect {
        epoch: "CAST(FLOOR(EXTRACT(EPOCH FROM {})) AS BIGINT)",
        json_int: "CAST(CAST({} AS json) ->> '{key}' AS BIGINT)",
    },
}

super::rollup::sql_rollups! {
    store: PostgresStore,
    tx: PostgresTx,
    db: Postgres,
    dialect: super::indicators::Dialect {
        epoch: "CAST(FLOOR(EXTRACT(EPOCH FROM {})) AS BIGINT)",
        json_int: "CAST(CAST({} AS json) ->> '{key}' AS BIGINT)",
    },
    lock_row: " FOR UPDATE",
    share_row: " FOR SHARE",
}

#[async_trait::async_trait]
impl HeldLock for Transaction<'static, Postgres> {
    async fn release(self: Box<Self>) -> StoreResult<()> {
        Ok(self.rollback().await?)
    }
}
