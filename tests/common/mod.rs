//! Shared test set-up: a fresh database of each backend per test, and the sample config.
#![allow(dead_code, reason = "each test binary uses a different part of this module")]

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::{DateTime, Duration, Utc};
use resolvd::command::Invocation;
use resolvd::config::{Config, ConfigSource};
use resolvd::engine::{
    Engine, Inbound, InboundButton, InboundCommand, InboundMessage, Outcome, direct_conversation,
};
use resolvd::store::Store;
use resolvd::store::discord::{DiscordState, open_with_discord_state};
use sqlx::Connection;

/// The PostgreSQL the tests use; on this project's machines it is always there.
pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

pub fn postgres_url() -> String {
    std::env::var("RESOLVD_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_owned())
}

/// CI sets this, so that a PostgreSQL test can fail but never quietly skip.
pub fn postgres_required() -> bool {
    std::env::var("RESOLVD_REQUIRE_POSTGRES").is_ok_and(|v| v == "1")
}

/// A database of its own for one test; PostgreSQL tests get a schema of their own.
pub struct TestDb {
    pub url: String,
    pub store: Arc<dyn Store>,
    /// The Discord channel's memory, over the same database.
    pub discord: Arc<dyn DiscordState>,
    _dir: Option<tempfile::TempDir>,
    schema: Option<String>,
}

static SCHEMA_COUNTER: AtomicU32 = AtomicU32::new(0);

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let (store, discord) = open_with_discord_state(&url).await.unwrap();
        TestDb { url, store, discord, _dir: Some(dir), schema: None }
    }

    /// `None` when PostgreSQL cannot be reached and is not required.
    pub async fn postgres() -> Option<TestDb> {
        let base = postgres_url();
        let mut admin = match sqlx::PgConnection::connect(&base).await {
            Ok(conn) => conn,
            Err(e) if !postgres_required() => {
                eprintln!(
                    "SKIPPED: PostgreSQL at {base} is not reachable ({e}); set RESOLVD_REQUIRE_POSTGRES=1 to fail instead"
                );
                return None;
            }
            Err(e) => panic!("PostgreSQL is required but {base} is not reachable: {e}"),
        };
        let schema = format!(
            "rt_{}_{}_{}",
            std::process::id(),
            SCHEMA_COUNTER.fetch_add(1, Ordering::Relaxed),
            Utc::now().timestamp_micros() % 1_000_000
        );
        sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(&mut admin).await.unwrap();
        let separator = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{separator}options[search_path]={schema}");
        let (store, discord) = open_with_discord_state(&url).await.unwrap();
        Some(TestDb { url, store, discord, _dir: None, schema: Some(schema) })
    }

    /// Drops a PostgreSQL test schema; a test that panics leaves its schema for inspection.
    pub async fn finish(self) {
        if let Some(schema) = self.schema {
            drop(self.store);
            drop(self.discord);
            let mut admin = sqlx::PgConnection::connect(&postgres_url()).await.unwrap();
            sqlx::query(&format!("DROP SCHEMA {schema} CASCADE")).execute(&mut admin).await.unwrap();
        }
    }
}

/// A database of a test's backend that nobody migrated: a SQLite path with no file there, or a
/// new empty PostgreSQL schema.
pub struct BlankDb {
    pub url: String,
    /// The SQLite file the URL names (not there until someone creates it).
    pub path: Option<PathBuf>,
    _dir: Option<tempfile::TempDir>,
    schema: Option<String>,
}

impl TestDb {
    /// A blank database on this test's backend, beside the test's own.
    pub async fn blank(&self) -> BlankDb {
        if self.schema.is_none() {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("blank.db");
            let url = format!("sqlite://{}", path.display());
            return BlankDb { url, path: Some(path), _dir: Some(dir), schema: None };
        }
        let base = postgres_url();
        let mut admin = sqlx::PgConnection::connect(&base).await.unwrap();
        let schema =
            format!("rt_{}_blank_{}", std::process::id(), SCHEMA_COUNTER.fetch_add(1, Ordering::Relaxed));
        sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(&mut admin).await.unwrap();
        let separator = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{separator}options[search_path]={schema}");
        BlankDb { url, path: None, _dir: None, schema: Some(schema) }
    }
}

/// Runs one statement on a test database, outside the store (to put it in a state the store would
/// never leave it in).
pub async fn execute(url: &str, sql: &str) {
    if url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    } else {
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
}

/// The versions recorded in a test database's `_sqlx_migrations`, in order.
pub async fn applied_migrations(url: &str) -> Vec<i64> {
    const SQL: &str = "SELECT version FROM _sqlx_migrations ORDER BY version";
    if url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::query_scalar(SQL).fetch_all(&mut conn).await.unwrap()
    } else {
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query_scalar(SQL).fetch_all(&mut conn).await.unwrap()
    }
}

impl BlankDb {
    /// Whether anything was created: the SQLite file, or any table in the PostgreSQL schema.
    pub async fn is_untouched(&self) -> bool {
        match (&self.path, &self.schema) {
            (Some(path), _) => !path.exists(),
            (None, Some(schema)) => {
                let mut admin = sqlx::PgConnection::connect(&postgres_url()).await.unwrap();
                let tables: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = $1",
                )
                .bind(schema)
                .fetch_one(&mut admin)
                .await
                .unwrap();
                tables == 0
            }
            (None, None) => unreachable!("a blank database is a file or a schema"),
        }
    }

    /// Applies every migration of this build but the last, as an older resolvd would have left
    /// the database (the SQLite file is created).
    pub async fn migrate_all_but_last(&self) {
        let folder = if self.path.is_some() { "migrations/sqlite" } else { "migrations/postgres" };
        let mut migrator = sqlx::migrate::Migrator::new(repo_path(folder)).await.unwrap();
        let mut migrations = migrator.migrations.to_vec();
        migrations.pop();
        migrator.migrations = migrations.into();
        if let Some(path) = &self.path {
            let options = sqlx::sqlite::SqliteConnectOptions::new().filename(path).create_if_missing(true);
            let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
            migrator.run(&pool).await.unwrap();
            pool.close().await;
        } else {
            let pool = sqlx::PgPool::connect(&self.url).await.unwrap();
            migrator.run(&pool).await.unwrap();
            pool.close().await;
        }
    }

    pub async fn finish(self) {
        if let Some(schema) = self.schema {
            let mut admin = sqlx::PgConnection::connect(&postgres_url()).await.unwrap();
            sqlx::query(&format!("DROP SCHEMA {schema} CASCADE")).execute(&mut admin).await.unwrap();
        }
    }
}

/// Runs each named `async fn(TestDb)` as a test on SQLite and as one on PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let db = $crate::common::TestDb::sqlite().await;
                    super::$name(&db).await;
                    db.finish().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let Some(db) = $crate::common::TestDb::postgres().await else { return };
                    super::$name(&db).await;
                    db.finish().await;
                }
            )*
        }
    };
}

pub fn repo_path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// Copies the files (not subfolders) of `from` into `to`.
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
        }
    }
}

/// A copy of the sample config, commands and knowledge base: for runs that write articles.
pub fn config_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo_path("config"), &dir.path().join("config"));
    copy_dir(&repo_path("config/kb"), &dir.path().join("config/kb"));
    copy_dir(&repo_path("commands"), &dir.path().join("commands"));
    dir
}

pub fn sample_config() -> Config {
    Config::load(ConfigSource::Dir(repo_path("config")), std::iter::empty()).unwrap()
}

pub fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-20T15:00:00Z").unwrap().to_utc()
}

/// Drives an engine the way a channel does, with ids and times of its own.
pub struct Driver {
    pub engine: Engine,
    next_id: AtomicU32,
    /// Events happen at `base` + their number in seconds; `set_time` moves it.
    base: std::sync::Mutex<DateTime<Utc>>,
}

impl Driver {
    pub fn new(db: &TestDb) -> Driver {
        Driver {
            engine: Engine::new(db.store.clone(), Arc::new(sample_config())),
            next_id: AtomicU32::new(1),
            base: std::sync::Mutex::new(t0()),
        }
    }

    /// Drives an engine built by the test.
    pub fn with_engine(engine: Engine) -> Driver {
        Driver { engine, next_id: AtomicU32::new(1), base: std::sync::Mutex::new(t0()) }
    }

    /// An engine that answers from a copy of the sample knowledge base (publishing writes
    /// article files, which must not land in the repository).
    pub fn with_knowledge_base(db: &TestDb) -> (Driver, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let articles = dir.path().join("kb");
        copy_dir(&repo_path("config/kb"), &articles);
        let kb = resolvd::kb::KnowledgeBase::open(&articles, &dir.path().join("index")).unwrap();
        let engine =
            Engine::new(db.store.clone(), Arc::new(sample_config())).with_knowledge_base(Arc::new(kb));
        (Driver { engine, next_id: AtomicU32::new(1), base: std::sync::Mutex::new(t0()) }, dir)
    }

    /// The next event happens at `at`, the ones after it a second apart.
    pub fn set_time(&self, at: DateTime<Utc>) {
        let n = self.next_id.load(Ordering::Relaxed);
        *self.base.lock().unwrap() = at - Duration::seconds(i64::from(n));
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        self.engine.store()
    }

    fn next(&self) -> (String, DateTime<Utc>) {
        let n = self.next_id.fetch_add(1, Ordering::Relaxed);
        (format!("test:{n}"), *self.base.lock().unwrap() + Duration::seconds(i64::from(n)))
    }

    pub async fn message(&self, author: &str, text: &str) -> Outcome {
        let (source_id, at) = self.next();
        self.message_with_id(author, text, &source_id, at).await
    }

    pub async fn message_with_id(
        &self,
        author: &str,
        text: &str,
        source_id: &str,
        at: DateTime<Utc>,
    ) -> Outcome {
        let message = InboundMessage {
            source_id: source_id.to_owned(),
            conversation: direct_conversation(author),
            author: author.to_owned(),
            text: text.to_owned(),
            at,
            attachments: vec![],
            reply_to: None,
        };
        self.engine.handle(Inbound::Message(message)).await
    }

    /// `line` as typed on the console after the `/`, e.g. `classify ticket:T-1 severity:P1`.
    pub async fn command(&self, actor: &str, line: &str) -> Outcome {
        let (source_id, _) = self.next();
        self.command_with_id(actor, line, &source_id).await
    }

    pub async fn command_with_id(&self, actor: &str, line: &str, source_id: &str) -> Outcome {
        let parsed = resolvd::chat::console::parse_line(&format!("{actor}: /{line}")).unwrap().unwrap();
        let resolvd::chat::console::Input::Command(invocation) = parsed.input else {
            panic!("not a command: {line}")
        };
        self.invoke(actor, invocation, source_id).await
    }

    pub async fn invoke(&self, actor: &str, invocation: Invocation, source_id: &str) -> Outcome {
        let (_, at) = self.next();
        let command = InboundCommand {
            source_id: source_id.to_owned(),
            conversation: direct_conversation(actor),
            actor: actor.to_owned(),
            invocation,
            at,
            locale: None,
        };
        self.engine.handle(Inbound::Command(command)).await
    }

    pub async fn press(&self, actor: &str, button_id: &str) -> Outcome {
        self.press_answering(actor, button_id, None).await
    }

    /// A press of a button that asks something, with the answer to its form.
    pub async fn press_answering(&self, actor: &str, button_id: &str, answer: Option<&str>) -> Outcome {
        let (source_id, at) = self.next();
        let press = InboundButton {
            source_id,
            conversation: direct_conversation(actor),
            actor: actor.to_owned(),
            button_id: button_id.to_owned(),
            answer: answer.map(str::to_owned),
            at,
            locale: None,
        };
        self.engine.handle(Inbound::Button(press)).await
    }
}

/// The reply text, or a panic saying there was none.
pub fn reply(outcome: &Outcome) -> &str {
    &outcome.reply.as_ref().unwrap_or_else(|| panic!("no reply in {outcome:?}")).text
}

/// The binary as an operator starts it on this test's database, with its own data dir.
pub fn resolvd(db: &TestDb, data_dir: &std::path::Path) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_resolvd"));
    command.current_dir(repo_path("")).env("RESOLVD_DATABASE_URL", &db.url).arg("--data-dir").arg(data_dir);
    // The cockpit is off unless a test serves it (tests/web.rs): tests run side by side.
    command.env("RESOLVD_WEB__LISTEN", "");
    command
}

/// What a command that must succeed printed.
pub fn ok(output: std::process::Output) -> String {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

/// `resolvd ticket show T-n --json`, read.
pub fn ticket_json(db: &TestDb, data_dir: &std::path::Path, reference: &str) -> serde_json::Value {
    let stdout = ok(resolvd(db, data_dir).args(["ticket", "show", reference, "--json"]).output().unwrap());
    serde_json::from_str(&stdout).unwrap()
}

/// Runs these console lines through `resolvd chat --script`.
pub fn script(db: &TestDb, data_dir: &std::path::Path, lines: &str) {
    let file = data_dir.join("script.txt");
    std::fs::write(&file, lines).unwrap();
    ok(resolvd(db, data_dir).args(["chat", "--script"]).arg(&file).output().unwrap());
}
