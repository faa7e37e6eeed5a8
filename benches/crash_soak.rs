//! Crash soak: `resolvd run` (the release binary) on the fake Discord while customers write 500
//! messages in bursts; SIGKILL in the middle of a burst, more messages while it is down, a
//! restart. Prints how many messages were written, stored, on a ticket, missing and doubled, and
//! how long the restarted bot took to catch up, beside the baseline every message must meet:
//! stored exactly once, on a ticket.
//!
//! With `--restart-postgres`, also PostgreSQL restarted (`pg_ctlcluster … restart`) while customers
//! write to the running bot, which must take every message in by itself within 10 s.
//!
//! With `--all`, the fault harness of issue 12 in one report: (a) a storm of 10,000 direct messages
//! from 2,000 customers over 10 s, the instance killed with SIGKILL in the middle and started again
//! (lost messages, duplicate tickets, duplicate posts beside the outbox's in-flight window, recovery
//! time), on SQLite and PostgreSQL; (b) PostgreSQL restarted while customers write (recovery within
//! 10 s); (c) two instances on one PostgreSQL, the one that ran the latest scheduler tick killed,
//! the time until the other runs a later one (goal < 30 s).
//!
//! cargo bench --bench crash_soak [-- --messages N --customers N --kill-after N --restart-postgres]
//! cargo bench --bench crash_soak -- --all [--storm-messages N --storm-customers N --storm-seconds N --tick-seconds N --drain-seconds N]
//!   [--only storm-sqlite,storm-postgres,restart,failover]
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
    /// The fault harness: storm, PostgreSQL restart and scheduler failover.
    all: bool,
    storm_messages: usize,
    storm_customers: usize,
    storm_seconds: u64,
    tick_seconds: u32,
    /// How long the storm waits for the outbox to empty after the restart.
    drain_seconds: u64,
    /// With `--all`, only these parts (`--only storm-sqlite,storm-postgres,restart,failover`).
    only: Option<String>,
}

impl Args {
    fn runs(&self, part: &str) -> bool {
        self.only.as_deref().is_none_or(|only| only.split(',').any(|p| p == part))
    }
}

fn args() -> Args {
    let mut args = Args {
        messages: 500,
        customers: 25,
        kill_after: None,
        restart_postgres: false,
        all: false,
        storm_messages: 10_000,
        storm_customers: 2_000,
        storm_seconds: 10,
        tick_seconds: 5,
        drain_seconds: 600,
        only: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value =
            || it.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("{flag} takes a number"));
        if flag == "--restart-postgres" {
            args.restart_postgres = true;
            continue;
        }
        if flag == "--only" {
            args.only = it.next();
            continue;
        }
        if flag == "--all" {
            args.all = true;
            args.restart_postgres = true;
            continue;
        }
        match flag.as_str() {
            "--messages" => args.messages = value(),
            "--customers" => args.customers = value(),
            "--kill-after" => args.kill_after = Some(value()),
            "--storm-messages" => args.storm_messages = value(),
            "--storm-customers" => args.storm_customers = value(),
            "--storm-seconds" => args.storm_seconds = value() as u64,
            "--tick-seconds" => args.tick_seconds = value() as u32,
            "--drain-seconds" => args.drain_seconds = value() as u64,
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

/// The outbox's in-flight window, the allowance for posts sent twice after a kill: the posts one
/// claim takes (`BATCH` in `src/chat/discord/outbox.rs`), since a batch's sent posts are all marked
/// before the next claim. Within it, sent posts are marked every 25 (`MARK_EVERY`) with up to 64
/// channels (`CHANNELS_AT_ONCE`) sending at once, so about 25 + 64 are expected at most.
const IN_FLIGHT_WINDOW: usize = 200;

/// (a) The storm with a SIGKILL in the middle.
async fn storm(name: &str, database_url: String, args: &Args) -> bool {
    let data = tempfile::tempdir().unwrap();
    let store = resolvd::store::open(&database_url).await.unwrap();
    let scenario = fake_discord::crash::Storm {
        binary: env!("CARGO_BIN_EXE_resolvd"),
        repo: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
        database_url,
        store,
        data_dir: data.path(),
        customers: args.storm_customers,
        messages: args.storm_messages,
        period: Duration::from_secs(args.storm_seconds),
        kill_at: args.storm_messages / 2 + 7,
        settle: Duration::from_secs(300),
        drain: Duration::from_secs(args.drain_seconds),
    };
    let r = fake_discord::crash::storm(&scenario).await;
    let met = r.lost == 0
        && r.doubled_messages == 0
        && r.duplicate_tickets == 0
        && r.duplicate_posts <= IN_FLIGHT_WINDOW;
    println!(
        "(a) storm {name:<8} {} messages from {} customers dispatched in {:.1} s ({:.0}/s; {} over the gateway, {} while no instance was connected), SIGKILL after {} and restarted | lost {} | doubled messages {} | duplicate tickets {} | duplicate posts {} of {} sent | every message on a ticket {:.1} s after the restart | outbox empty {} | goal: 0 lost, 0 duplicate tickets, duplicate posts <= {IN_FLIGHT_WINDOW} (one outbox claim) → {}",
        r.written,
        args.storm_customers,
        r.dispatch_took.as_secs_f64(),
        r.written as f64 / r.dispatch_took.as_secs_f64(),
        r.delivered_over_gateway,
        r.written_while_down,
        scenario.kill_at,
        r.lost,
        r.doubled_messages,
        r.duplicate_tickets,
        r.duplicate_posts,
        r.posts_sent,
        r.recovery.as_secs_f64(),
        r.drained.map_or(format!("not within {} s", args.drain_seconds), |d| format!(
            "{:.1} s after the restart",
            d.as_secs_f64()
        )),
        if met { "met" } else { "NOT MET" }
    );
    met
}

/// (c) Two instances on one PostgreSQL, the one that ran the latest tick killed.
async fn failover(database_url: String, args: &Args) -> bool {
    let one = tempfile::tempdir().unwrap();
    let two = tempfile::tempdir().unwrap();
    let store = resolvd::store::open(&database_url).await.unwrap();
    let scenario = fake_discord::crash::Failover {
        binary: env!("CARGO_BIN_EXE_resolvd"),
        repo: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
        database_url,
        store,
        data_dirs: vec![one.path(), two.path()],
        tick_seconds: args.tick_seconds,
        settle: Duration::from_secs(60),
    };
    let r = fake_discord::crash::failover(&scenario).await;
    let met = r.survivor.is_some() && r.claimed_by_the_dead == 0 && r.failover < Duration::from_secs(30);
    println!(
        "(c) scheduler failover, 2 instances on PostgreSQL (ticks every {} s): killed {} after its tick {} ({} left unfinished) | next tick {} run by {} {:.1} s after the kill | ticks claimed by the dead {} | goal: another instance runs the next tick < 30 s → {}",
        args.tick_seconds,
        r.killed,
        r.killed_last_tick.format("%H:%M:%S"),
        r.killed_unfinished,
        r.next_tick.map_or("none".to_owned(), |t| t.format("%H:%M:%S").to_string()),
        r.survivor.as_deref().unwrap_or("nobody"),
        r.failover.as_secs_f64(),
        r.claimed_by_the_dead,
        if met { "met" } else { "NOT MET" }
    );
    met
}

#[tokio::main]
async fn main() {
    let args = args();
    let sqlite_dir = tempfile::tempdir().unwrap();
    let sqlite = format!("sqlite://{}", sqlite_dir.path().join("soak.db").display());
    if args.all {
        println!("fault harness (issue 12): storm, PostgreSQL restart, scheduler failover");
        let mut ok = true;
        if args.runs("storm-sqlite") {
            ok &= storm("sqlite", sqlite, &args).await;
        }
        if let Some(schemas) = Schemas::create(&["storm", "restart", "failover"]).await {
            if args.runs("storm-postgres") {
                ok &= storm("postgres", schemas.url("storm"), &args).await;
            }
            if args.runs("restart") {
                print!("(b) ");
                ok &= database_restart(schemas.url("restart"), &args).await;
            }
            if args.runs("failover") {
                ok &= failover(schemas.url("failover"), &args).await;
            }
            schemas.drop_all().await;
        } else {
            println!("PostgreSQL unreachable: (a) on PostgreSQL, (b) and (c) not run");
            ok = false;
        }
        if !ok {
            std::process::exit(1);
        }
        return;
    }
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
