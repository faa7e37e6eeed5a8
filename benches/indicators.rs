//! The cockpit's four indicators over a year at 1,000,000 tickets, on SQLite and PostgreSQL, beside
//! one full scan of the events table (a count whose filter reads every event's data) in the same run.
//! Goal: the indicators in under 200 ms on each database.
//!
//! The history is loaded behind the store's back, so the rollups are then built from the timeline
//! (`Store::rebuild_indicator_rollups`, as start-up does for an existing database; its time is
//! printed) and `Store::indicators` reads them.
//!
//! The history is bulk-loaded with SQL (not through the engine), a statement per kind of event, in
//! timeline order: every ticket is created, classified, assigned and answered; 98% are resolved and
//! closed (confirmed or auto-confirmed) a few hours to a few days later, a quarter of those rated, one
//! in twenty reopened by the customer and resolved again; one in a hundred has a breach alarm; 2% stay
//! open. About 6.5 events a ticket, spread over 2025.
//!
//! cargo bench --bench indicators        RESOLVD_BENCH_TICKETS=N picks a smaller (or larger) size.
//! PostgreSQL: RESOLVD_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test).

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use resolvd::domain::indicators::{IndicatorFilter, IndicatorQuery};
use resolvd::store::{self, Store};
use sqlx::Connection;
use support::postgres::Schemas;

#[path = "support/mod.rs"]
mod support;

/// 2025-01-01T00:00:00Z.
const YEAR_START: i64 = 1_735_689_600;
const YEAR_SECS: i64 = 365 * 86400;

/// The backend's spelling of what the load needs.
struct Dialect {
    /// The numbers 1..=$1 as `seq(i)`, 64-bit.
    seq: &'static str,
    /// A timestamp from seconds since 1970 (`{}`), as the store writes it.
    ts: &'static str,
}

const SQLITE: Dialect = Dialect {
    seq: "WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $1) ",
    ts: "strftime('%Y-%m-%dT%H:%M:%S+00:00', {}, 'unixepoch')",
};

const POSTGRES: Dialect = Dialect { seq: "", ts: "to_timestamp({})" };

/// The statements of the load, each run with the ticket count as $1.
fn statements(d: &Dialect, postgres: bool) -> Vec<String> {
    let from = if postgres {
        "FROM generate_series(CAST(1 AS BIGINT), CAST($1 AS BIGINT)) AS seq(i)"
    } else {
        "FROM seq"
    };
    // A ticket's creation, spread over the year, and its (first) resolution a few hours to days later.
    let created = format!("({YEAR_START} + i * {YEAR_SECS} / $1 + (i * 7919) % 3600)");
    let resolved = format!("({created} + 3600 + (i * 37) % 200000)");
    let reopened = format!("({resolved} + 3600)");
    let resolved_again = format!("({resolved} + 7200)");
    let closed = format!("({resolved} + 7200 + (i * 13) % 259200 + 60)");
    let ts = |expr: &str| d.ts.replace("{}", expr);
    let open = "i % 50 = 0";
    let reopens = "i % 20 = 0 AND i % 50 <> 0";
    let event = |actor: &str, at: &str, kind: &str, data: &str, condition: &str| {
        format!(
            "{seq}INSERT INTO events (ticket_id, actor, at, type, data) \
             SELECT i, {actor}, {at}, '{kind}', {data} {from} WHERE {condition}",
            seq = d.seq,
            at = ts(at),
        )
    };
    vec![
        format!(
            "{seq}INSERT INTO tickets (id, status, close_reason, kind, domain, severity, tier, assignee, customer, \
             conversation, title, created_at, updated_at) \
             SELECT i, CASE WHEN {open} THEN 'open' ELSE 'closed' END, \
                    CASE WHEN {open} THEN NULL WHEN i % 3 = 1 THEN 'auto_confirmed' ELSE 'confirmed' END, \
                    CASE i % 4 WHEN 0 THEN 'fault' WHEN 1 THEN 'consult' WHEN 2 THEN 'query' ELSE 'request' END, \
                    CASE i % 5 WHEN 0 THEN 'screen' WHEN 1 THEN 'rf' WHEN 2 THEN 'antenna' WHEN 3 THEN 'id' ELSE NULL END, \
                    CASE i % 3 WHEN 0 THEN 'P1' WHEN 1 THEN 'P2' ELSE 'P3' END, 'L1', 'bob', \
                    'customer' || (i % 5000), 'direct:customer' || (i % 5000), 'bench ticket', {at}, {at} {from}",
            seq = d.seq,
            at = ts(&created),
        ),
        event(
            "'customer' || (i % 5000)",
            &created,
            "created",
            "'{\"type\":\"created\",\"customer\":\"customer' || (i % 5000) || '\",\"text\":\"my phone has a problem\",\"message_id\":null}'",
            "1 = 1",
        ),
        event(
            "'bob'",
            &format!("({created} + 60)"),
            "classified",
            "'{\"type\":\"classified\",\"kind\":\"fault\"}'",
            "1 = 1",
        ),
        event(
            "'bob'",
            &format!("({created} + 120)"),
            "assigned",
            "'{\"type\":\"assigned\",\"assignee\":\"carol\",\"via\":\"routing\"}'",
            "1 = 1",
        ),
        event(
            "'carol'",
            &format!("({created} + 600 + i % 1800)"),
            "staff_reply",
            "'{\"type\":\"staff_reply\",\"text\":\"we are looking at it\",\"relayed\":false}'",
            "1 = 1",
        ),
        event(
            "'resolvd'",
            &format!("({created} + 3000)"),
            "sla_alarm",
            "'{\"type\":\"sla_alarm\",\"clock\":\"response\",\"alarm\":\"breach\",\"due\":null}'",
            "i % 100 = 1",
        ),
        event(
            "'carol'",
            &resolved,
            "resolved",
            "'{\"type\":\"resolved\",\"resolution\":\"updated the firmware\",\"business_secs\":' || ((i * 37) % 100000) \
             || ',\"on_time\":' || CASE WHEN i % 10 = 0 THEN 'false' ELSE 'true' END || '}'",
            &format!("NOT ({open})"),
        ),
        event(
            "'customer' || (i % 5000)",
            &format!("({resolved} + 1800)"),
            "rated",
            "'{\"type\":\"rated\",\"score\":' || (i % 5 + 1) || '}'",
            &format!("NOT ({open}) AND i % 4 = 0"),
        ),
        event(
            "'customer' || (i % 5000)",
            &reopened,
            "reopened",
            "'{\"type\":\"reopened\",\"reason\":null}'",
            reopens,
        ),
        event(
            "'carol'",
            &resolved_again,
            "resolved",
            "'{\"type\":\"resolved\",\"resolution\":\"replaced the board\",\"business_secs\":' || ((i * 41) % 150000) \
             || ',\"on_time\":true}'",
            reopens,
        ),
        event(
            "CASE WHEN i % 3 = 1 THEN 'resolvd' ELSE 'customer' || (i % 5000) END",
            &closed,
            "closed",
            "CASE WHEN i % 3 = 1 THEN '{\"type\":\"closed\",\"reason\":\"auto_confirmed\",\"comment\":null}' \
             ELSE '{\"type\":\"closed\",\"reason\":\"confirmed\",\"comment\":null}' END",
            &format!("NOT ({open})"),
        ),
    ]
}

async fn load(url: &str, tickets: i64) {
    let started = Instant::now();
    if url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        let mut tx = conn.begin().await.unwrap();
        for sql in statements(&SQLITE, false) {
            sqlx::query(&sql).bind(tickets).execute(&mut *tx).await.unwrap();
        }
        tx.commit().await.unwrap();
        sqlx::query("ANALYZE").execute(&mut conn).await.unwrap();
    } else {
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        let mut tx = conn.begin().await.unwrap();
        for sql in statements(&POSTGRES, true) {
            sqlx::query(&sql).bind(tickets).execute(&mut *tx).await.unwrap();
        }
        sqlx::query("SELECT setval(pg_get_serial_sequence('tickets', 'id'), $1)")
            .bind(tickets)
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        sqlx::query("VACUUM ANALYZE").execute(&mut conn).await.unwrap();
    }
    eprintln!("  loaded {tickets} tickets in {:.1} s", started.elapsed().as_secs_f64());
}

async fn full_scan(url: &str) -> (Duration, i64) {
    const SQL: &str = "SELECT COUNT(*) FROM events WHERE data LIKE '%no such text in any event%'";
    let started = Instant::now();
    let count: i64 = if url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::query_scalar(SQL).fetch_one(&mut conn).await.unwrap()
    } else {
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query_scalar(SQL).fetch_one(&mut conn).await.unwrap()
    };
    (started.elapsed(), count)
}

async fn events_count(store_url: &str) -> i64 {
    const SQL: &str = "SELECT COUNT(*) FROM events";
    if store_url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(store_url).await.unwrap();
        sqlx::query_scalar(SQL).fetch_one(&mut conn).await.unwrap()
    } else {
        let mut conn = sqlx::PgConnection::connect(store_url).await.unwrap();
        sqlx::query_scalar(SQL).fetch_one(&mut conn).await.unwrap()
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn measure(name: &str, url: &str, tickets: i64) {
    let store: std::sync::Arc<dyn Store> = store::open(url).await.unwrap();
    load(url, tickets).await;
    let events = events_count(url).await;
    let started = Instant::now();
    store.rebuild_indicator_rollups(chrono_tz::Asia::Shanghai).await.unwrap();
    let rebuild = started.elapsed();
    let year = IndicatorQuery {
        from: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
        to: NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(),
        time_zone: chrono_tz::Asia::Shanghai,
        filter: IndicatorFilter::default(),
    };
    let screen = IndicatorQuery {
        filter: IndicatorFilter { domain: Some("screen".into()), ..IndicatorFilter::default() },
        ..year.clone()
    };
    let mut times = Vec::new();
    let mut cards = 0;
    for _ in 0..3 {
        let started = Instant::now();
        let indicators = store.indicators(&year).await.unwrap();
        times.push(started.elapsed());
        cards = indicators.confirmation.cards;
        assert_eq!(indicators.inflow.len(), 365);
    }
    let mut filtered = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        store.indicators(&screen).await.unwrap();
        filtered.push(started.elapsed());
    }
    filtered.sort();
    let (scan, _) = full_scan(url).await;
    times.sort();
    println!(
        "{name:<9} {tickets} tickets, {events} events: indicators over the year {:.1} ms (best of 3; worst {:.1} ms), \
         domain screen {:.1} ms; full scan of events {:.0} ms; goal < 200 ms; rollups built in {:.1} s; {cards} cards",
        ms(times[0]),
        ms(times.iter().copied().max().unwrap_or_default()),
        ms(filtered[0]),
        ms(scan),
        rebuild.as_secs_f64(),
    );
}

#[tokio::main]
async fn main() {
    let tickets: i64 =
        std::env::var("RESOLVD_BENCH_TICKETS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    measure("sqlite", &url, tickets).await;
    if let Some(schemas) = Schemas::create(&["indicators"]).await {
        measure("postgres", &schemas.url("indicators"), tickets).await;
        schemas.drop_all().await;
    }
}
