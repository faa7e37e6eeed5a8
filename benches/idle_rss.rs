//! Idle memory: `resolvd run` (the release binary, on the console with its standard input kept
//! open, the web cockpit serving) over a database holding 1,000,000 tickets, each with its first
//! message and three timeline events, loaded by SQL. Once start-up work is done (the process has
//! used no CPU for a few seconds) its resident set (`VmRSS` of /proc/PID/status) is printed
//! beside the goal (< 40 MB) and beside the same binary's over an empty database (the baseline).
//!
//! cargo bench --bench idle_rss [-- --tickets N]; RESOLVD_BENCH_BINARY=PATH measures another build.
//! PostgreSQL: RESOLVD_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test).

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use resolvd::domain::{CloseReason, EventKind};
use sqlx::Connection;
use support::postgres::Schemas;

#[path = "support/mod.rs"]
mod support;

/// The goal: idle RSS below this many MB at 1,000,000 tickets.
const GOAL_MB: f64 = 40.0;

fn tickets_arg() -> i64 {
    let mut tickets = 1_000_000;
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--tickets" {
            tickets = it.next().and_then(|v| v.parse().ok()).expect("--tickets N");
        }
    }
    tickets
}

/// One in twenty tickets is open, the rest closed (confirmed), as in a desk that has run a while.
const LOAD_TICKETS: &str = "INSERT INTO tickets (id, status, close_reason, kind, domain, severity, tier, \
     assignee, customer, conversation, title, created_at, updated_at, next_alarm_at) \
     SELECT i, CASE WHEN i % 20 = 0 THEN 'open' ELSE 'closed' END, \
     CASE WHEN i % 20 = 0 THEN NULL ELSE 'confirmed' END, 'fault', 'screen', 'P3', 'L1', 'bob', \
     'customer' || i, 'direct:customer' || i, 'My screen keeps flickering after the update', $1, $1, \
     CASE WHEN i % 20 = 0 THEN $2 ELSE NULL END FROM ";
const LOAD_MESSAGES: &str = "INSERT INTO messages (source_id, conversation, author, text, received_at, \
     ticket_id, attachments) \
     SELECT 'bench:' || i, 'direct:customer' || i, 'customer' || i, \
     'My screen keeps flickering after the update', $1, i, '[]' FROM ";
/// Created, a second message, then closed (or a third message for an open ticket).
const LOAD_EVENTS: &str = "INSERT INTO events (ticket_id, actor, at, type, data) \
     SELECT i, 'customer' || i, $1, 'created', $2 FROM {seq} \
     UNION ALL SELECT i, 'customer' || i, $1, 'message', $3 FROM {seq} \
     UNION ALL SELECT i, CASE WHEN i % 20 = 0 THEN 'customer' || i ELSE 'bob' END, $1, \
     CASE WHEN i % 20 = 0 THEN 'message' ELSE 'closed' END, \
     CASE WHEN i % 20 = 0 THEN $3 ELSE $4 END FROM {seq}";

fn event_json(kind: &EventKind) -> String {
    serde_json::to_string(kind).unwrap()
}

/// The rows `1..=$n` to select from: (a prefix before the statement, the source it selects from).
fn series(sqlite: bool, n: usize) -> (String, String) {
    if sqlite {
        (
            format!("WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ${n}) "),
            "seq".into(),
        )
    } else {
        (String::new(), format!("generate_series(1, ${n}::bigint) AS s(i)"))
    }
}

/// The three load statements for a backend, their parameters as the comments above them say.
fn statements(sqlite: bool) -> [String; 3] {
    let (prefix, seq) = series(sqlite, 3);
    let tickets = format!("{prefix}{LOAD_TICKETS}{seq}");
    let (prefix, seq) = series(sqlite, 2);
    let messages = format!("{prefix}{LOAD_MESSAGES}{seq}");
    let (prefix, seq) = series(sqlite, 5);
    let events = format!("{prefix}{}", LOAD_EVENTS.replace("{seq}", &seq));
    [tickets, messages, events]
}

/// Runs the load on `$conn`; a macro because SQLite's and PostgreSQL's connections share no type
/// to write a function over.
macro_rules! load_on {
    ($conn:ident, $sqlite:expr, $count:expr) => {{
        let at: DateTime<Utc> = Utc::now() - chrono::Duration::days(30);
        let alarm = Utc::now() + chrono::Duration::days(10);
        let created = event_json(&EventKind::Created {
            customer: "customer".into(),
            text: "My screen keeps flickering after the update".into(),
            message_id: None,
            attachments: vec![],
            domain: Some("screen".into()),
            kind: None,
            severity: None,
            assignee: Some("bob".into()),
            suggested: vec![],
        });
        let message = event_json(&EventKind::Message {
            text: "It flickers again this morning".into(),
            message_id: 0,
            attachments: vec![],
        });
        let closed =
            event_json(&EventKind::Closed { reason: CloseReason::Confirmed, comment: None, article: None });
        let [tickets, messages, events] = statements($sqlite);
        // $1 opened at, $2 an open ticket's next alarm, $3 how many.
        sqlx::query(&tickets).bind(at).bind(alarm).bind($count).execute(&mut $conn).await.unwrap();
        // $1 received at, $2 how many.
        sqlx::query(&messages).bind(at).bind($count).execute(&mut $conn).await.unwrap();
        // $1 at, $2..$4 the events' data, $5 how many.
        sqlx::query(&events)
            .bind(at)
            .bind(created)
            .bind(message)
            .bind(closed)
            .bind($count)
            .execute(&mut $conn)
            .await
            .unwrap();
    }};
}

/// Loads `count` tickets with their messages and events into the (migrated) database at `url`.
async fn load(url: &str, count: i64) {
    if url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        load_on!(conn, true, count);
        sqlx::query("ANALYZE").execute(&mut conn).await.unwrap();
    } else {
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        load_on!(conn, false, count);
        // Ids were given: the sequence follows them.
        sqlx::query("SELECT setval(pg_get_serial_sequence('tickets', 'id'), $1)")
            .bind(count)
            .execute(&mut conn)
            .await
            .unwrap();
        sqlx::query("ANALYZE").execute(&mut conn).await.unwrap();
    }
}

/// `resolvd run` as an operator starts it: the repository's config, the console on a standard
/// input kept open, the cockpit on a free port. Killed when dropped.
struct Bot(Child);

impl Drop for Bot {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(database_url: &str, data_dir: &Path) -> Bot {
    // Another build's binary (say main's, for a before-and-after) when RESOLVD_BENCH_BINARY names one.
    let binary =
        std::env::var("RESOLVD_BENCH_BINARY").unwrap_or_else(|_| env!("CARGO_BIN_EXE_resolvd").to_owned());
    let child = Command::new(binary)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("RESOLVD_DATABASE_URL", database_url)
        .env("RESOLVD_WEB__LISTEN", "127.0.0.1:0")
        .env_remove("DISCORD_TOKEN")
        .arg("--data-dir")
        .arg(data_dir)
        .arg("run")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    Bot(child)
}

/// A field of /proc/PID/status in kB.
fn status_kb(pid: u32, field: &str) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// CPU time used so far (user + system, in clock ticks).
fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // After the command name in parentheses: state is field 3, utime 14, stime 15.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

struct Idle {
    rss_mb: f64,
    peak_mb: f64,
    settled_after: Duration,
}

/// Waits until the process has used no CPU for three seconds in a row (start-up done), counted
/// from the scheduler's first tick on (the next minute: jobs it missed, a digest, run then), at
/// most five minutes, then reads its resident set.
fn idle_rss(bot: &mut Bot) -> Idle {
    let pid = bot.0.id();
    let started = Instant::now();
    let first_tick = Duration::from_secs(62 - Utc::now().timestamp().rem_euclid(60) as u64);
    let mut last = cpu_ticks(pid).expect("the bot runs");
    let mut quiet = Duration::ZERO;
    let step = Duration::from_millis(500);
    while quiet < Duration::from_secs(3) && started.elapsed() < Duration::from_secs(300) {
        std::thread::sleep(step);
        if let Ok(Some(status)) = bot.0.try_wait() {
            panic!("resolvd run stopped: {status}");
        }
        let now = cpu_ticks(pid).expect("the bot runs");
        // A tick or so in half a second is a timer waking, not work.
        if now - last <= 1 && started.elapsed() > first_tick {
            quiet += step
        } else {
            quiet = Duration::ZERO
        }
        last = now;
    }
    Idle {
        rss_mb: status_kb(pid, "VmRSS:").unwrap() / 1024.0,
        peak_mb: status_kb(pid, "VmHWM:").unwrap() / 1024.0,
        settled_after: started.elapsed(),
    }
}

async fn measure(backend: &str, url_for: impl Fn(&str) -> String, tickets: i64) -> bool {
    let data = tempfile::tempdir().unwrap();
    let empty_url = url_for("empty");
    let full_url = url_for("full");
    drop(resolvd::store::open(&empty_url).await.unwrap());
    let store = resolvd::store::open(&full_url).await.unwrap();
    let loading = Instant::now();
    load(&full_url, tickets).await;
    drop(store);
    let loaded = loading.elapsed();

    let mut bot = start(&empty_url, &data.path().join("empty"));
    let empty = idle_rss(&mut bot);
    drop(bot);
    let mut bot = start(&full_url, &data.path().join("full"));
    let full = idle_rss(&mut bot);
    drop(bot);

    let met = full.rss_mb < GOAL_MB;
    println!(
        "{backend:<9} idle RSS of resolvd run at {tickets} tickets: {:.1} MB (peak {:.1} MB, idle after {:.1} s; loaded in {:.0} s) | goal < {GOAL_MB:.0} MB: {} | baseline, empty database: {:.1} MB (peak {:.1} MB)",
        full.rss_mb,
        full.peak_mb,
        full.settled_after.as_secs_f64(),
        loaded.as_secs_f64(),
        if met { "met" } else { "NOT met" },
        empty.rss_mb,
        empty.peak_mb,
    );
    met
}

#[tokio::main]
async fn main() {
    let tickets = tickets_arg();
    let dir = tempfile::tempdir().unwrap();
    measure(
        "sqlite",
        |name| format!("sqlite://{}?mode=rwc", dir.path().join(format!("{name}.db")).display()),
        tickets,
    )
    .await;
    let Some(schemas) = Schemas::create(&["empty", "full"]).await else { return };
    measure("postgres", |name| schemas.url(name), tickets).await;
    // RESOLVD_BENCH_KEEP=1 keeps the loaded schema, to look into with the binary by hand.
    if std::env::var("RESOLVD_BENCH_KEEP").is_ok_and(|v| v == "1") {
        println!("postgres  kept: {}", schemas.url("full"));
        return;
    }
    schemas.drop_all().await;
}
