use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Pool, Sqlite, Transaction};

use super::{JobLock, StoreError, StoreResult};

/// SQLite in WAL mode with `synchronous = FULL`: a customer message is on disk before the bot
/// answers it, even across a power cut, which `NORMAL` does not promise.
pub struct SqliteStore {
    pool: Pool<Sqlite>,
}

impl SqliteStore {
    /// Opens the database file, creating it when it is not there.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        Self::connect_with(SqliteConnectOptions::from_str(url)?.create_if_missing(true)).await
    }

    /// Opens a database file that is there already: an operator's read creates no file.
    pub async fn connect_existing(url: &str) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str(url)?.create_if_missing(false);
        let file = options.get_filename();
        if !file.exists() {
            return Err(StoreError::NoDatabase(file.display().to_string()));
        }
        Self::connect_with(options).await
    }

    async fn connect_with(options: SqliteConnectOptions) -> StoreResult<Self> {
        let options = options
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new().max_connections(4).connect_with(options).await?;
        Ok(SqliteStore { pool })
    }

    /// Writers take the write lock up front: a deferred transaction that reads and then writes can
    /// fail with SQLITE_BUSY when another writer got there first, whatever the busy timeout.
    async fn begin_tx(&self) -> StoreResult<Transaction<'static, Sqlite>> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// SQLite serves one instance, so a job never overlaps with another instance's: nothing to lock.
    async fn lock_job_here(&self, _job: &str) -> StoreResult<Option<JobLock>> {
        Ok(Some(JobLock::alone()))
    }
}

super::sql::sql_store! {
    store: SqliteStore,
    tx: SqliteTx,
    db: Sqlite,
    backend: crate::store::Backend::Sqlite,
    migrations: "migrations/sqlite",
    migrations_table: "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
    lock_row: "",
    skip_locked: "",
    // One writer at a time already (`BEGIN IMMEDIATE`).
    lock_openings: "",
}

super::discord::sql_discord_state! {
    store: SqliteStore,
}

super::storms::sql_storms! {
    tx: SqliteTx,
}

super::deliveries::sql_deliveries! {
    store: SqliteStore,
    tx: SqliteTx,
    skip_locked: "",
}

super::voc::sql_voc! {
    store: SqliteStore,
    tx: SqliteTx,
    lock_row: "",
}

super::web::sql_web_store! {
    store: SqliteStore,
}

super::customers::sql_customer_store! {
    store: SqliteStore,
    tx: SqliteTx,
    lock_row: "",
}

super::parts::sql_parts! {
    store: SqliteStore,
    tx: SqliteTx,
    lock_row: "",
}

super::revisits::sql_revisits! {
    store: SqliteStore,
    tx: SqliteTx,
    lock_row: "",
}

super::kb::sql_kb_store! {
    store: SqliteStore,
    tx: SqliteTx,
}

super::indicators::sql_indicators! {
    store: SqliteStore,
    db: Sqlite,
    dialect: super::indicators::Dialect {
        epoch: "unixepoch({})",
        json_int: "json_extract({}, '$.{key}')",
    },
}

super::rollup::sql_rollups! {
    store: SqliteStore,
    tx: SqliteTx,
    db: Sqlite,
    dialect: super::indicators::Dialect {
        epoch: "unixepoch({})",
        json_int: "json_extract({}, '$.{key}')",
    },
    lock_row: "",
    share_row: "",
}
