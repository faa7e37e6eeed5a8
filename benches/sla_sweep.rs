//! The SLA sweep at scale: 1,000 due tickets among 10,000 and among 1,000,000 open ones, on SQLite and
//! PostgreSQL. The open tickets are bulk-loaded with SQL (not through the engine), each with a
//! realistic timeline of 20 events as `domain::event` serializes them (created, classified, then the
//! customer's messages, staff notes and replies); the due ones are P1 tickets whose L1 OLA ran out,
//! so the sweep escalates each (a batch of tickets per transaction, `engine/jobs.rs`).
//!
//! Two figures per size: finding the due tickets (the indexed read the sweep starts with) and the
//! whole sweep, beside the goals (issue 12: 1,000 due among 1,000,000 under 100 ms on SQLite and
//! 200 ms on PostgreSQL; large / small under 1.5). Both should follow the number due, not the number
//! open.
//!
//! Then the daily digest over the same tickets (every one open, its SLA marks loaded with it, one in
//! a hundred breached and one in fifty due that day): the stored marks' read beside the goal
//! (100 ms at 1,000,000) and, at the small size, the old way (every ticket's timeline read).
//!
//! Beside it, the confirmation job on the same scale: as many resolved tickets as open ones, each with
//! a resolution card waiting, of which 1,000 are due a reminder; the job's due read and whole run are
//! timed the same way.
//!
//! cargo bench --bench sla_sweep [-- --due N --small N --large N]
//! PostgreSQL: RESOLVD_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test).

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use resolvd::config::{Config, ConfigSource};
use resolvd::engine::Engine;
use resolvd::store::{self, Store};
use sqlx::Connection;
use support::postgres::Schemas;

#[path = "support/mod.rs"]
mod support;

struct Args {
    due: i64,
    small: i64,
    large: i64,
}

fn args() -> Args {
    let mut args = Args { due: 1_000, small: 10_000, large: 1_000_000 };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("{flag} N"));
        match flag.as_str() {
            "--due" => args.due = value(),
            "--small" => args.small = value(),
            "--large" => args.large = value(),
            _ => {} // cargo bench passes --bench
        }
    }
    args
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().to_utc()
}

/// Tickets 1..=due are due at `now`; the rest have their next alarm ten days out. Their SLA marks
/// (migration 0025): one in a hundred breached since the morning, one in fifty due at `$5 - 10 days
/// + 1 hour`, the rest due in ten days. One statement.
const LOAD: &str = "INSERT INTO tickets (status, kind, domain, severity, tier, assignee, customer, conversation, \
     title, created_at, updated_at, next_alarm_at, sla_breach_at, resolution_due_at, sla_marked) \
     SELECT 'open', 'fault', 'screen', 'P1', 'L1', 'bob', 'customer' || i, 'direct:customer' || i, \
     'bench ticket', $1, $1, CASE WHEN i <= $3 THEN $4 ELSE $5 END, \
     CASE WHEN i % 100 = 7 THEN $1 ELSE NULL END, \
     CASE WHEN i % 50 = 3 THEN $4 ELSE $5 END, TRUE FROM ";

/// Twenty events a ticket, at its opening: created, classified, then the customer's
/// messages, staff notes and replies in turn (none pauses a clock, so the due tickets' OLA stays
/// spent). One statement over the tickets and a series of 20.
const LOAD_EVENTS: &str = "INSERT INTO events (ticket_id, actor, at, type, data) \
     SELECT t.id, CASE WHEN k = 1 OR k % 3 = 0 THEN t.customer ELSE 'bob' END, \
     t.created_at, \
     CASE WHEN k = 1 THEN 'created' WHEN k = 2 THEN 'classified' WHEN k % 3 = 0 THEN 'message' \
          WHEN k % 3 = 1 THEN 'note' ELSE 'staff_reply' END, \
     CASE WHEN k = 1 THEN '{\"type\":\"created\",\"customer\":\"' || t.customer || '\",\"text\":\"my screen flickers after the update\",\"message_id\":' || t.id || ',\"domain\":\"screen\",\"kind\":\"fault\",\"severity\":\"P2\",\"assignee\":\"bob\",\"suggested\":[\"screen-flicker-en\",\"screen-touch-unresponsive-en\"]}' \
          WHEN k = 2 THEN '{\"type\":\"classified\",\"severity\":\"P1\"}' \
          WHEN k % 3 = 0 THEN '{\"type\":\"message\",\"text\":\"it happens every few minutes, even in safe mode\",\"message_id\":' || (t.id * 100 + k) || '}' \
          WHEN k % 3 = 1 THEN '{\"type\":\"note\",\"text\":\"checking the panel logs\"}' \
          ELSE '{\"type\":\"staff_reply\",\"text\":\"please try safe mode and tell us\",\"relayed\":true}' END \
     FROM tickets t CROSS JOIN ";

/// Runs the bulk load `sql` (its parameters: opened, open, due, due_at, later) on `$conn`; a
/// macro because SQLite's and PostgreSQL's connections share no type to write a function over.
macro_rules! bulk_load {
    ($conn:ident, $sql:expr, $opened:expr, $open:expr, $due:expr, $due_at:expr, $later:expr) => {
        sqlx::query(&$sql)
            .bind($opened)
            .bind($open)
            .bind($due)
            .bind($due_at)
            .bind($later)
            .execute(&mut $conn)
            .await
            .unwrap()
    };
}

async fn load(url: &str, open: i64, due: i64, opened: DateTime<Utc>, due_at: DateTime<Utc>) {
    let later = due_at + chrono::Duration::days(10);
    if url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        let sql = format!(
            "WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $2) {LOAD} seq"
        );
        bulk_load!(conn, sql, opened, open, due, due_at, later);
        let events = format!(
            "WITH RECURSIVE seq(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM seq WHERE k < 20) {LOAD_EVENTS} seq"
        );
        sqlx::query(&events).execute(&mut conn).await.unwrap();
        sqlx::query("ANALYZE").execute(&mut conn).await.unwrap();
    } else {
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        let sql = format!("{LOAD} generate_series(1, $2::bigint) AS i");
        bulk_load!(conn, sql, opened, open, due, due_at, later);
        let events = format!("{LOAD_EVENTS} generate_series(1, 20) AS k");
        sqlx::query(&events).execute(&mut conn).await.unwrap();
        sqlx::query("VACUUM ANALYZE tickets").execute(&mut conn).await.unwrap();
        sqlx::query("VACUUM ANALYZE events").execute(&mut conn).await.unwrap();
    }
}

/// Resolved tickets after the open ones, each with its card's timer; the first `due` are due at `now`.
const LOAD_CARDS: &str = "INSERT INTO tickets (status, kind, domain, severity, tier, assignee, customer, \
     conversation, title, created_at, updated_at) \
     SELECT 'resolved', 'fault', 'screen', 'P2', 'L1', 'bob', 'customer' || i, 'direct:customer' || i, \
     'bench ticket', $1, $1 FROM ";
const LOAD_TIMERS: &str = "INSERT INTO confirmation_timers (ticket_id, asked_at, step, due_at) \
     SELECT id, $1, 'remind', CASE WHEN id <= $2 + $3 THEN $4 ELSE $5 END FROM tickets WHERE status = 'resolved'";

async fn load_cards(url: &str, open: i64, due: i64, resolved: DateTime<Utc>, due_at: DateTime<Utc>) {
    let later = due_at + chrono::Duration::days(10);
    if url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        let sql = format!(
            "WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $2) {LOAD_CARDS} seq"
        );
        sqlx::query(&sql).bind(resolved).bind(open).execute(&mut conn).await.unwrap();
        bulk_load!(conn, LOAD_TIMERS, resolved, open, due, due_at, later);
        sqlx::query("ANALYZE").execute(&mut conn).await.unwrap();
    } else {
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        let sql = format!("{LOAD_CARDS} generate_series(1, $2::bigint) AS i");
        sqlx::query(&sql).bind(resolved).bind(open).execute(&mut conn).await.unwrap();
        bulk_load!(conn, LOAD_TIMERS, resolved, open, due, due_at, later);
        sqlx::query("ANALYZE").execute(&mut conn).await.unwrap();
    }
}

struct Figures {
    find: Duration,
    sweep: Duration,
    digest: Duration,
    /// The old way, every ticket's timeline read; only at the small size.
    digest_by_timelines: Option<Duration>,
    find_cards: Duration,
    confirm: Duration,
}

async fn measure(url: &str, open: i64, due: i64) -> Figures {
    let store: Arc<dyn Store> = store::open(url).await.unwrap();
    // Opened Monday 10:00 in Shanghai; the L1 OLA (4h48m of working time) ran out at 14:48.
    let opened = at("2026-11-23T10:00:00+08:00");
    let now = at("2026-11-23T15:00:00+08:00");
    let started = Instant::now();
    load(url, open, due, opened, now).await;
    eprintln!("  loaded {open} open tickets in {:.1} s", started.elapsed().as_secs_f64());

    let started = Instant::now();
    let found = store.due_tickets(now, due).await.unwrap();
    let find = started.elapsed();
    assert_eq!(found.len() as i64, due);

    let config = Config::load(ConfigSource::Dir("config".into()), std::iter::empty()).unwrap();
    let engine = Engine::new(store.clone(), Arc::new(config));
    let started = Instant::now();
    let report = engine.sla_sweep(now).await.unwrap();
    let sweep = started.elapsed();
    assert_eq!(report.escalated as i64, due, "{report:?}");
    assert!(store.due_tickets(now, 1).await.unwrap().is_empty());

    let started = Instant::now();
    let digest = engine.sla_digest(now).await.unwrap();
    let digest_time = started.elapsed();
    assert_eq!(digest.open as i64, open, "{digest:?}");
    assert!(digest.breached > 0 && digest.due_today > 0, "{digest:?}");
    let digest_by_timelines = if open <= 100_000 {
        let started = Instant::now();
        let lists = engine.sla_digest_from_timelines(now).await.unwrap();
        assert_eq!(lists.open as i64, open);
        Some(started.elapsed())
    } else {
        None
    };

    let started = Instant::now();
    load_cards(url, open, due, opened, now).await;
    eprintln!("  loaded {open} resolved tickets with cards in {:.1} s", started.elapsed().as_secs_f64());
    let started = Instant::now();
    let found = store.due_confirmations(now, due).await.unwrap();
    let find_cards = started.elapsed();
    assert_eq!(found.len() as i64, due);
    let started = Instant::now();
    let report = engine.confirmation_sweep(now).await.unwrap();
    let confirm = started.elapsed();
    assert_eq!(report.reminded as i64, due, "{report:?}");
    assert!(store.due_confirmations(now, 1).await.unwrap().is_empty());
    Figures { find, sweep, digest: digest_time, digest_by_timelines, find_cards, confirm }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn report(backend: &str, args: &Args, small: &Figures, large: &Figures) {
    for (open, f) in [(args.small, small), (args.large, large)] {
        println!(
            "{backend:<9} {} due among {open:>9} open: find due {:>8.2} ms, whole sweep {:>9.1} ms",
            args.due,
            ms(f.find),
            ms(f.sweep)
        );
    }
    let find_ratio = large.find.as_secs_f64() / small.find.as_secs_f64();
    let sweep_ratio = large.sweep.as_secs_f64() / small.sweep.as_secs_f64();
    let verdict = |ok: bool| if ok { "met" } else { "NOT met" };
    for (open, f) in [(args.small, small), (args.large, large)] {
        println!(
            "{backend:<9} {} cards due among {open:>9} waiting: find due {:>8.2} ms, confirmation job {:>9.1} ms",
            args.due,
            ms(f.find_cards),
            ms(f.confirm)
        );
    }
    let confirm_ratio = large.confirm.as_secs_f64() / small.confirm.as_secs_f64();
    println!(
        "{backend:<9} cards large / small: find due {:.2}, confirmation job {confirm_ratio:.2} (goal < 2: {})",
        large.find_cards.as_secs_f64() / small.find_cards.as_secs_f64(),
        verdict(confirm_ratio < 2.0)
    );
    let goal = if backend == "sqlite" { 100.0 } else { 200.0 };
    println!(
        "{backend:<9} large / small: find due {find_ratio:.2}, whole sweep {sweep_ratio:.2} (goal < 1.5: {}); \
         whole sweep at {} open {:.1} ms (goal < {goal:.0} ms: {})",
        verdict(sweep_ratio < 1.5),
        args.large,
        ms(large.sweep),
        verdict(ms(large.sweep) < goal)
    );
    for (open, f) in [(args.small, small), (args.large, large)] {
        let old = f
            .digest_by_timelines
            .map_or_else(|| "not run at this size".to_owned(), |d| format!("{:.1} ms", ms(d)));
        println!(
            "{backend:<9} daily digest over {open:>9} open: {:>8.2} ms from the stored marks \
             (goal < 100 ms: {}); every timeline read (the old way): {old}",
            ms(f.digest),
            verdict(ms(f.digest) < 100.0)
        );
    }
}

#[tokio::main]
async fn main() {
    let args = args();

    let dir = tempfile::tempdir().unwrap();
    let url = |name: &str| format!("sqlite://{}?mode=rwc", dir.path().join(format!("{name}.db")).display());
    let small = measure(&url("small"), args.small, args.due).await;
    let large = measure(&url("large"), args.large, args.due).await;
    report("sqlite", &args, &small, &large);

    let Some(schemas) = Schemas::create(&["small", "large"]).await else { return };
    let small = measure(&schemas.url("small"), args.small, args.due).await;
    let large = measure(&schemas.url("large"), args.large, args.due).await;
    report("postgres", &args, &small, &large);
    schemas.drop_all().await;
}
