//! Intake throughput: customer messages through the engine (stored, ticket opened or appended to,
//! timeline event and outbox posts written, one transaction each), beside the raw rate of
//! single-row inserts on the same database with the same durability settings.
//!
//! cargo bench --bench intake [-- --messages N --customers N]
//! PostgreSQL: RESOLVD_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test).

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use resolvd::config::{Config, ConfigSource};
use resolvd::engine::{Engine, Inbound, InboundMessage, direct_conversation};
use resolvd::store::{self, Store};
use sqlx::Connection;

const TEXTS: &[&str] = &[
    "My screen keeps flickering after the update",
    "No signal at home since yesterday, calls drop",
    "The back cover has a scratch out of the box",
    "手机屏幕一直闪，怎么办",
    "信号很差，经常掉线",
    "How do I move my contacts to the new phone?",
    "Antenna reception is weak in the car",
    "I would like a quote for 200 phones",
];

struct Args {
    messages: usize,
    customers: usize,
}

fn args() -> Args {
    let mut args = Args { messages: 100_000, customers: 10_000 };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--messages" => args.messages = it.next().and_then(|v| v.parse().ok()).expect("--messages N"),
            "--customers" => args.customers = it.next().and_then(|v| v.parse().ok()).expect("--customers N"),
            _ => {} // cargo bench passes --bench
        }
    }
    args
}

/// The raw rate: `count` single-row inserts, each its own transaction, into a table shaped like
/// the message store, through the same store settings (SQLite WAL + synchronous=FULL; PostgreSQL
/// defaults, fsync on).
async fn raw_insert_rate(url: &str, count: usize) -> f64 {
    let start;
    if url.starts_with("sqlite:") {
        let options: sqlx::sqlite::SqliteConnectOptions = url.parse().unwrap();
        let options = options
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
            .synchronous(sqlx::sqlite::SqliteSynchronous::Full);
        let mut conn = sqlx::SqliteConnection::connect_with(&options).await.unwrap();
        sqlx::query("CREATE TABLE raw_inserts (id INTEGER PRIMARY KEY, source_id TEXT NOT NULL UNIQUE, text TEXT NOT NULL, at TEXT NOT NULL)")
            .execute(&mut conn)
            .await
            .unwrap();
        start = Instant::now();
        for i in 0..count {
            sqlx::query("INSERT INTO raw_inserts (source_id, text, at) VALUES ($1, $2, $3)")
                .bind(format!("raw:{i}"))
                .bind(TEXTS[i % TEXTS.len()])
                .bind(Utc::now())
                .execute(&mut conn)
                .await
                .unwrap();
        }
    } else {
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query("CREATE TABLE raw_inserts (id BIGSERIAL PRIMARY KEY, source_id TEXT NOT NULL UNIQUE, text TEXT NOT NULL, at TIMESTAMPTZ NOT NULL)")
            .execute(&mut conn)
            .await
            .unwrap();
        start = Instant::now();
        for i in 0..count {
            sqlx::query("INSERT INTO raw_inserts (source_id, text, at) VALUES ($1, $2, $3)")
                .bind(format!("raw:{i}"))
                .bind(TEXTS[i % TEXTS.len()])
                .bind(Utc::now())
                .execute(&mut conn)
                .await
                .unwrap();
        }
    }
    count as f64 / start.elapsed().as_secs_f64()
}

async fn engine_rate(store: Arc<dyn Store>, args: &Args) -> (f64, Duration) {
    let config = Config::load(ConfigSource::Dir("config".into()), std::iter::empty()).unwrap();
    let engine = Engine::new(store.clone(), Arc::new(config));
    let start = Instant::now();
    for i in 0..args.messages {
        let customer = format!("customer{}", i % args.customers);
        let message = InboundMessage {
            source_id: format!("bench:{i}"),
            conversation: direct_conversation(&customer),
            author: customer,
            text: TEXTS[i % TEXTS.len()].to_owned(),
            at: Utc::now(),
        };
        let outcome = engine.handle(Inbound::Message(message)).await;
        assert!(outcome.ticket.is_some(), "message {i} was not taken in: {outcome:?}");
    }
    let elapsed = start.elapsed();
    let tickets = store.tickets(None).await.unwrap().len();
    assert_eq!(tickets, args.customers.min(args.messages), "one ticket per customer");
    (args.messages as f64 / elapsed.as_secs_f64(), elapsed)
}

fn report(backend: &str, args: &Args, engine: f64, elapsed: Duration, raw: f64, goal: Option<f64>) {
    println!(
        "{backend:<10} engine intake: {engine:>9.0} msg/s ({} messages, {} customers, {:.1} s)",
        args.messages,
        args.customers,
        elapsed.as_secs_f64()
    );
    println!("{backend:<10} baseline raw single-row inserts: {raw:>9.0} rows/s");
    let ratio = engine / raw;
    match goal {
        Some(goal) => println!(
            "{backend:<10} engine / raw = {ratio:.2} (goal ≥ {goal:.2}: {})",
            if ratio >= goal { "met" } else { "NOT met" }
        ),
        None => println!("{backend:<10} engine / raw = {ratio:.2}"),
    }
}

#[tokio::main]
async fn main() {
    let args = args();
    let raw_count = args.messages.min(20_000);

    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let store = store::open(&url).await.unwrap();
    let (engine, elapsed) = engine_rate(store, &args).await;
    let raw_url = format!("sqlite://{}?mode=rwc", dir.path().join("raw.db").display());
    let raw = raw_insert_rate(&raw_url, raw_count).await;
    report("sqlite", &args, engine, elapsed, raw, Some(0.5));

    let base = std::env::var("RESOLVD_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let Ok(mut admin) = sqlx::PgConnection::connect(&base).await else {
        println!("postgres   skipped: {base} is not reachable");
        return;
    };
    let schema = format!("bench_{}", std::process::id());
    sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(&mut admin).await.unwrap();
    let separator = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{separator}options[search_path]={schema}");
    let store = store::open(&url).await.unwrap();
    let (engine, elapsed) = engine_rate(store, &args).await;
    let raw = raw_insert_rate(&url, raw_count).await;
    report("postgres", &args, engine, elapsed, raw, None);
    sqlx::query(&format!("DROP SCHEMA {schema} CASCADE")).execute(&mut admin).await.unwrap();
}
