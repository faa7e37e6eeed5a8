use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Pool, Postgres, Transaction};

use super::StoreResult;

/// PostgreSQL serves several instances: rows being changed are locked (`FOR UPDATE`) and the
/// outbox is drained with `SKIP LOCKED`, so two instances never send the same post.
pub struct PostgresStore {
    pool: Pool<Postgres>,
}

impl PostgresStore {
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let options = PgConnectOptions::from_str(url)?;
        let pool = PgPoolOptions::new().max_connections(8).connect_with(options).await?;
        Ok(PostgresStore { pool })
    }

    async fn begin_tx(&self) -> StoreResult<Transaction<'static, Postgres>> {
        Ok(self.pool.begin().await?)
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
}

super::discord::sql_discord_state! {
    store: PostgresStore,
}

super::storms::sql_storms! {
    tx: PostgresTx,
}

super::web::sql_web_store! {
    store: PostgresStore,
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
