//! The REST API at scale: `GET /api/v1/tickets?status=open` through the served router (axum on
//! 127.0.0.1, a real HTTP client, a bearer token checked per request) with 1,000,000 tickets in the
//! database, 2% of them open; its p50/p99 beside the store's query alone on the same database, in
//! the same run. Goal: p99 < 20 ms. SQLite and PostgreSQL.
//!
//! cargo bench --bench web_api [-- --tickets N --requests N]
//! PostgreSQL: RESOLVD_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test).

use std::sync::Arc;
use std::time::{Duration, Instant};

use resolvd::config::{Config, ConfigSource};
use resolvd::engine::Engine;
use resolvd::store::{self, StatusFilter, TicketFilter};
use sqlx::Connection;
use support::postgres::Schemas;

#[path = "support/mod.rs"]
mod support;

struct Args {
    tickets: i64,
    requests: usize,
}

fn args() -> Args {
    let mut args = Args { tickets: 1_000_000, requests: 400 };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{flag} N"));
        match flag.as_str() {
            "--tickets" => args.tickets = value().parse().unwrap(),
            "--requests" => args.requests = value().parse().unwrap(),
            _ => {} // cargo bench passes --bench
        }
    }
    args
}

/// The newest 2% are open, the rest closed, as a year of tickets leaves them. One statement.
const LOAD: &str = "INSERT INTO tickets (status, close_reason, kind, domain, severity, tier, assignee, customer, \
     conversation, title, created_at, updated_at, next_alarm_at) \
     SELECT CASE WHEN i > $1 * 98 / 100 THEN 'open' ELSE 'closed' END, \
            CASE WHEN i > $1 * 98 / 100 THEN NULL ELSE 'confirmed' END, \
            'fault', 'screen', 'P2', 'L1', 'bob', 'customer' || i, 'direct:customer' || i, \
            'bench ticket ' || i, $2, $2, CASE WHEN i > $1 * 98 / 100 THEN $2 ELSE NULL END FROM ";

async fn load(url: &str, tickets: i64) {
    let at = chrono::Utc::now();
    if url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        let sql = format!(
            "WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $1) {LOAD} seq"
        );
        sqlx::query(&sql).bind(tickets).bind(at).execute(&mut conn).await.unwrap();
        sqlx::query("ANALYZE").execute(&mut conn).await.unwrap();
    } else {
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        let sql = format!("{LOAD} generate_series(1, $1::bigint) AS i");
        sqlx::query(&sql).bind(tickets).bind(at).execute(&mut conn).await.unwrap();
        sqlx::query("ANALYZE tickets").execute(&mut conn).await.unwrap();
    }
}

fn percentile(samples: &mut [Duration], p: f64) -> f64 {
    samples.sort();
    let rank = ((p * samples.len() as f64).ceil() as usize).clamp(1, samples.len());
    samples[rank - 1].as_secs_f64() * 1000.0
}

async fn measure(backend: &str, url: &str, args: &Args) {
    let store = store::open(url).await.unwrap();
    let started = Instant::now();
    load(url, args.tickets).await;
    let loaded = started.elapsed();
    let config = Config::load(ConfigSource::Embedded, std::iter::empty()).unwrap();
    let engine = Arc::new(Engine::new(store.clone(), Arc::new(config)));
    let (token, hash) = resolvd::access::new_api_token();
    store.create_api_token("frank", "bench", &hash, chrono::Utc::now()).await.unwrap();

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let web = resolvd::web::Web::new(engine, format!("http://{address}"), false).await.unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, resolvd::web::router(web)).await });
    let client = reqwest::Client::new();
    let endpoint = format!("http://{address}/api/v1/tickets?status=open");

    let mut api = Vec::with_capacity(args.requests);
    for i in 0..args.requests + 20 {
        let started = Instant::now();
        let response = client.get(&endpoint).bearer_auth(&token).send().await.unwrap();
        assert!(response.status().is_success(), "{}", response.status());
        let body = response.bytes().await.unwrap();
        if i >= 20 {
            api.push(started.elapsed());
        }
        assert!(body.len() > 1000, "a page of open tickets");
    }
    let filter =
        TicketFilter { status: Some(StatusFilter::NotClosed), limit: Some(50), ..TicketFilter::default() };
    let mut query = Vec::with_capacity(args.requests);
    for i in 0..args.requests + 20 {
        let started = Instant::now();
        let rows = store.queue(&filter).await.unwrap();
        if i >= 20 {
            query.push(started.elapsed());
        }
        assert_eq!(rows.len(), 50);
    }
    server.abort();
    let (api50, api99) = (percentile(&mut api, 0.5), percentile(&mut api, 0.99));
    let (q50, q99) = (percentile(&mut query, 0.5), percentile(&mut query, 0.99));
    println!(
        "{backend}: {} tickets ({} open), loaded in {:.1} s; GET /api/v1/tickets?status=open: p50 {api50:.2} ms, \
         p99 {api99:.2} ms (goal < 20 ms) beside the store's query alone p50 {q50:.2} ms, p99 {q99:.2} ms",
        args.tickets,
        args.tickets - args.tickets * 98 / 100,
        loaded.as_secs_f64()
    );
}

#[tokio::main]
async fn main() {
    let args = args();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("web.db").display());
    measure("sqlite", &url, &args).await;
    let Some(schemas) = Schemas::create(&["web"]).await else { return };
    measure("postgres", &schemas.url("web"), &args).await;
    schemas.drop_all().await;
}
