//! Crash soak: `resolvd run` (the release binary) on the fake Discord while customers write 500
//! messages in bursts; SIGKILL in the middle of a burst, more messages while it is down, a
//! restart. Prints how many messages were written, stored, on a ticket, missing and doubled, and
//! how long the restarted bot took to catch up, beside the baseline every message must meet:
//! stored exactly once, on a ticket.
//!
//! With `--restart-postgres`, also PostgreSQL restarted (`pg_ctlcluster … restart`) while customers
//! write to the running bot, which must take every message in by itself within 10 s.
//!
//! cargo bench --bench crash_soak [-- --messages N --customers N --kill-after N --restart-postgres]
//! PostgreSQL: RESOLVD_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test).

use std::path::PathBuf;
use std::time::Duration;

use support::postgres::Schemas;

#[path = "support/mod.rs"]
mod support;

#[path = "../tests/fake_discord/mod.rs"]
mod fake_discord;

struct Args {
    messages: usize,
    customers: usize,
    kill_after: Option<usize>,
    /// Also restart this machine's PostgreSQL while customers write (it disturbs anything else
    /// using it, so it is asked for).
    restart_postgres: bool,
}

fn args() -> Args {
    let mut args = Args { messages: 500, customers: 25, kill_after: None, restart_postgres: false };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value =
            || it.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("{flag} takes a number"));
        if flag == "--restart-postgres" {
            args.restart_postgres = true;
            continue;
        }
        match flag.as_str() {
            "--messages" => args.messages = value(),
            "--customers" => args.customers = value(),
            "--kill-after" => args.kill_after = Some(value()),
            _ => {} // cargo bench passes --bench
        }
    }
    args
}

async fn soak(name: &str, database_url: String, args: &Args) -> bool {
    let data = tempfile::tempdir().unwrap();
    let store = resolvd::store::open(&database_url).await.unwrap();
    // Mid-burst: a burst is 25 messages, the kill falls 12 into one.
    let kill_after = args.kill_after.unwrap_or(args.messages / 2 + 12);
    let scenario = fake_discord::crash::Scenario {
        binary: env!("CARGO_BIN_EXE_resolvd"),
        repo: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
        database_url,
        store,
        data_dir: data.path(),
        customers: args.customers,
        messages: args.messages,
        burst: 25,
        kill_after,
        settle: Duration::from_secs(120),
    };
    let r = fake_discord::crash::run(&scenario).await;
    let exact = r.missing == 0 && r.duplicates == 0 && r.on_a_ticket == r.written;
    println!(
        "{name:<9} written {} ({} first messages, {} delivered before the kill, {} while down) | stored {} | on a ticket {} | missing {} | doubled {} | caught up in {:.2} s | baseline: {} stored once, 0 missing, 0 doubled → {}",
        r.written,
        args.customers,
        r.dispatched_before_kill,
        r.written_while_down,
        r.stored,
        r.on_a_ticket,
        r.missing,
        r.duplicates,
        r.catch_up.as_secs_f64(),
        r.written,
        if exact { "exactly once" } else { "FAILED" }
    );
    exact
}

/// PostgreSQL restarted (`pg_ctlcluster … restart`) while customers write to the running bot:
/// every message must be on a ticket within 10 s of the database answering again.
async fn database_restart(database_url: String, args: &Args) -> bool {
    let data = tempfile::tempdir().unwrap();
    let store = resolvd::store::open(&database_url).await.unwrap();
    let scenario = fake_discord::crash::Scenario {
        binary: env!("CARGO_BIN_EXE_resolvd"),
        repo: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
        database_url,
        store,
        data_dir: data.path(),
        customers: args.customers,
        messages: args.messages,
        burst: 25,
        kill_after: args.kill_after.unwrap_or(args.messages / 3),
        settle: Duration::from_secs(60),
    };
    let restart = || {
        let version = std::fs::read_dir("/etc/postgresql")
            .ok()
            .and_then(|mut d| d.next())
            .and_then(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .expect("a PostgreSQL cluster under /etc/postgresql");
        let status = std::process::Command::new("pg_ctlcluster")
            .args(["--skip-systemctl-redirect", &version, "main", "restart"])
            .status()
            .expect("pg_ctlcluster runs");
        assert!(status.success(), "PostgreSQL restarted");
    };
    let r = fake_discord::crash::run_through_database_restart(&scenario, restart).await;
    let met = r.missing == 0
        && r.duplicates == 0
        && r.not_on_a_ticket == 0
        && r.recovery <= Duration::from_secs(10);
    println!(
        "postgres restarted ({:.1} s away): written {} ({} while it restarted) | missing {} | doubled {} | not on a ticket {} | all on a ticket {:.2} s after it answered again | goal: 0 lost, 0 doubled, within 10 s → {}",
        r.restart_took.as_secs_f64(),
        r.written,
        r.written_during_restart,
        r.missing,
        r.duplicates,
        r.not_on_a_ticket,
        r.recovery.as_secs_f64(),
        if met { "met" } else { "NOT MET" }
    );
    met
}

#[tokio::main]
async fn main() {
    let args = args();
    let sqlite_dir = tempfile::tempdir().unwrap();
    let sqlite = format!("sqlite://{}", sqlite_dir.path().join("soak.db").display());
    let mut ok = soak("sqlite", sqlite, &args).await;
    if let Some(schemas) = Schemas::create(&["soak", "restart"]).await {
        ok &= soak("postgres", schemas.url("soak"), &args).await;
        if args.restart_postgres {
            ok &= database_restart(schemas.url("restart"), &args).await;
        }
        schemas.drop_all().await;
    }
    if !ok {
        std::process::exit(1);
    }
}
