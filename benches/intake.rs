//! Intake throughput: customer messages through the engine (stored, ticket opened or appended to,
//! timeline event and outbox posts written, one transaction each), beside the raw rate of
//! single-row inserts on the same database with the same durability settings.
//!
//! cargo bench --bench intake [-- --messages N --customers N]
//! The indicators' rollups are built first and kept by every write, as `resolvd run` does;
//! RESOLVD_BENCH_ROLLUPS=0 leaves them unbuilt (nothing kept), to see what keeping them costs.
//! PostgreSQL: RESOLVD_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test).

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use resolvd::config::{Config, ConfigSource};
use resolvd::engine::{Engine, Inbound, InboundMessage, direct_conversation};
use resolvd::store::{self, Store};
use sqlx::Connection;
use support::postgres::Schemas;

#[path = "support/mod.rs"]
mod support;

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

/// Starts the clock, then inserts `count` rows one statement (one transaction) each; written as
/// a macro because SQLite's and PostgreSQL's connections share no type to write a function over.
macro_rules! timed_inserts {
    ($conn:ident, $count:expr) => {{
        let start = Instant::now();
        for i in 0..$count {
            sqlx::query("INSERT INTO raw_inserts (source_id, text, at) VALUES ($1, $2, $3)")
                .bind(format!("raw:{i}"))
                .bind(TEXTS[i % TEXTS.len()])
                .bind(Utc::now())
                .execute(&mut $conn)
                .await
                .unwrap();
        }
        start
    }};
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
        start = timed_inserts!(conn, count);
    } else {
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query("CREATE TABLE raw_inserts (id BIGSERIAL PRIMARY KEY, source_id TEXT NOT NULL UNIQUE, text TEXT NOT NULL, at TIMESTAMPTZ NOT NULL)")
            .execute(&mut conn)
            .await
            .unwrap();
        start = timed_inserts!(conn, count);
    }
    count as f64 / start.elapsed().as_secs_f64()
}

/// Feeds `messages` messages from `customers` customers through the engine, `in_flight` at a time
/// (1: one after another; more: as a busy chat gateway delivers them).
async fn engine_rate(
    store: Arc<dyn Store>,
    messages: usize,
    customers: usize,
    in_flight: usize,
) -> (f64, Duration) {
    let config = Config::load(ConfigSource::Dir("config".into()), std::iter::empty()).unwrap();
    if std::env::var("RESOLVD_BENCH_ROLLUPS").map_or(true, |v| v != "0") {
        store::prepare_indicator_rollups(store.as_ref(), config.digest.time_zone).await.unwrap();
    }
    let engine = Arc::new(Engine::new(store.clone(), Arc::new(config)));
    let start = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for worker in 0..in_flight {
        let engine = engine.clone();
        workers.spawn(async move {
            for i in (worker..messages).step_by(in_flight) {
                let customer = format!("customer{}", i % customers);
                let message = InboundMessage {
                    source_id: format!("bench:{i}"),
                    conversation: direct_conversation(&customer),
                    author: customer,
                    text: TEXTS[i % TEXTS.len()].to_owned(),
                    at: Utc::now(),
                    attachments: vec![],
                    reply_to: None,
                };
                let outcome = engine.handle(Inbound::Message(message)).await;
                assert!(outcome.ticket.is_some(), "message {i} was not taken in: {outcome:?}");
            }
        });
    }
    workers.join_all().await;
    let elapsed = start.elapsed();
    let tickets = store.tickets(None).await.unwrap().len();
    assert_eq!(tickets, customers.min(messages), "one ticket per customer");
    (messages as f64 / elapsed.as_secs_f64(), elapsed)
}

struct Figures {
    sequential: f64,
    sequential_messages: usize,
    concurrent: f64,
    concurrent_elapsed: Duration,
    raw: f64,
}

fn report(backend: &str, args: &Args, f: &Figures, goal: Option<f64>) {
    println!(
        "{backend:<9} engine intake, {IN_FLIGHT} in flight: {:>7.0} msg/s ({} messages, {} customers, {:.1} s)",
        f.concurrent,
        args.messages,
        args.customers,
        f.concurrent_elapsed.as_secs_f64()
    );
    println!(
        "{backend:<9} engine intake, one at a time: {:>7.0} msg/s ({} messages)",
        f.sequential, f.sequential_messages
    );
    println!("{backend:<9} baseline: raw single-row inserts: {:>7.0} rows/s", f.raw);
    let ratio = f.concurrent / f.raw;
    let one_by_one = f.sequential / f.raw;
    match goal {
        Some(goal) => println!(
            "{backend:<9} engine / raw = {ratio:.2} (goal ≥ {goal:.2}: {}); one at a time / raw = {one_by_one:.2}",
            if ratio >= goal { "met" } else { "NOT met" }
        ),
        None => println!("{backend:<9} engine / raw = {ratio:.2}; one at a time / raw = {one_by_one:.2}"),
    }
}

/// Issue 12's goals: engine intake (64 in flight) against the raw single-row insert rate.
const SQLITE_GOAL: f64 = 0.9;
const POSTGRES_GOAL: f64 = 0.8;

/// Messages in flight at once for the throughput figure.
const IN_FLIGHT: usize = 64;

async fn measure(url_for: impl Fn(&str) -> String, args: &Args) -> Figures {
    let sequential_messages = (args.messages / 10).max(1);
    let store = store::open(&url_for("sequential")).await.unwrap();
    let (sequential, _) = engine_rate(store, sequential_messages, (args.customers / 10).max(1), 1).await;
    let store = store::open(&url_for("concurrent")).await.unwrap();
    let (concurrent, concurrent_elapsed) = engine_rate(store, args.messages, args.customers, IN_FLIGHT).await;
    let raw = raw_insert_rate(&url_for("raw"), args.messages.min(20_000)).await;
    Figures { sequential, sequential_messages, concurrent, concurrent_elapsed, raw }
}

#[tokio::main]
async fn main() {
    let args = args();

    let dir = tempfile::tempdir().unwrap();
    let figures = measure(
        |name| format!("sqlite://{}?mode=rwc", dir.path().join(format!("{name}.db")).display()),
        &args,
    )
    .await;
    report("sqlite", &args, &figures, Some(SQLITE_GOAL));

    let Some(schemas) = Schemas::create(&["sequential", "concurrent", "raw"]).await else { return };
    let figures = measure(|name| schemas.url(name), &args).await;
    report("postgres", &args, &figures, Some(POSTGRES_GOAL));
    schemas.drop_all().await;
}
