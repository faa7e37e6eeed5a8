//! Faults survived. A storm with a SIGKILL in it: no message lost, no second ticket, posts sent
//! twice no more than the outbox's in-flight window. Scheduler failover: a tick's lease (claimed, renewed, finished, taken over once its claimer
//! stopped renewing) through the store and the scheduler on both databases, and through the binary:
//! two `resolvd run` instances on one PostgreSQL, the one that ran the latest tick killed with
//! SIGKILL, the other runs the next ticks (on SQLite, which serves one instance, the killed
//! instance restarted runs them). The figures are the `crash_soak` bench's (`-- --all`).

mod common;
mod fake_discord;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use common::{TestDb, repo_path, sample_config, t0};
use resolvd::engine::Engine;
use resolvd::scheduler::{Job, JobFuture, Scheduler};
use resolvd::store::TickClaim;

on_both_databases!(
    a_claimed_tick_is_taken_over_only_when_its_lease_ran_out_unfinished,
    a_tick_whose_claimer_died_mid_job_runs_again_on_another_scheduler,
    the_scheduler_fails_over_when_the_instance_that_ran_the_last_tick_is_killed,
    a_storm_killed_in_the_middle_loses_no_message_and_opens_no_second_ticket,
);

/// The outbox's in-flight window: the posts one claim takes (`BATCH` in
/// `src/chat/discord/outbox.rs`); a batch's sent posts are all marked before the next claim, so a
/// kill sends again at most these.
const IN_FLIGHT_WINDOW: usize = 200;

/// The small version of `cargo bench --bench crash_soak -- --all`'s storm (10,000 messages).
async fn a_storm_killed_in_the_middle_loses_no_message_and_opens_no_second_ticket(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    let scenario = fake_discord::crash::Storm {
        binary: env!("CARGO_BIN_EXE_resolvd"),
        repo: repo_path(""),
        database_url: db.url.clone(),
        store: db.store.clone(),
        data_dir: data.path(),
        customers: 30,
        messages: 120,
        period: Duration::from_secs(2),
        kill_at: 70,
        settle: Duration::from_secs(60),
        drain: Duration::ZERO,
    };
    let report = fake_discord::crash::storm(&scenario).await;
    assert_eq!(report.written, 120, "{report:?}");
    assert!(report.delivered_over_gateway >= 70, "{report:?}");
    assert_eq!((report.lost, report.doubled_messages, report.duplicate_tickets), (0, 0, 0), "{report:?}");
    assert!(report.duplicate_posts <= IN_FLIGHT_WINDOW, "{report:?}");
}

fn secs(n: i64) -> chrono::Duration {
    chrono::Duration::seconds(n)
}

async fn a_claimed_tick_is_taken_over_only_when_its_lease_ran_out_unfinished(db: &TestDb) {
    let store = &db.store;
    let tick = t0();
    let claim = |by, at: DateTime<Utc>| TickClaim { by, at, lease_until: at + secs(20) };
    assert!(store.claim_tick_as("nightly", tick, &claim("a:1", tick)).await.unwrap());
    // Held: nobody else takes it while the lease runs, nor renews it.
    assert!(!store.claim_tick_as("nightly", tick, &claim("b:2", tick + secs(5))).await.unwrap());
    assert!(!store.renew_tick("nightly", tick, "b:2", tick + secs(40)).await.unwrap());
    // Its claimer renews it while its job runs.
    assert!(store.renew_tick("nightly", tick, "a:1", tick + secs(40)).await.unwrap());
    assert!(!store.claim_tick_as("nightly", tick, &claim("b:2", tick + secs(30))).await.unwrap());
    // Its claimer died: the lease runs out, another instance takes the tick over, and the dead
    // claimer (were it only slow) can no longer renew it.
    assert!(store.claim_tick_as("nightly", tick, &claim("b:2", tick + secs(41))).await.unwrap());
    assert!(!store.renew_tick("nightly", tick, "a:1", tick + secs(60)).await.unwrap());
    store.finish_tick("nightly", tick, tick + secs(42)).await.unwrap();
    // Finished: never claimed again, however old its lease.
    assert!(!store.claim_tick_as("nightly", tick, &claim("c:3", tick + secs(3600))).await.unwrap());
    let rows = store.ticks_claimed_since(tick).await.unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].claimed_by.as_deref(), Some("b:2"));
    assert_eq!(rows[0].finished_at, Some(tick + secs(42)));
    // The plain claim signs with this process and the default lease.
    assert!(store.claim_tick("nightly", tick + secs(86_400), tick).await.unwrap());
    let rows = store.ticks_claimed_since(tick).await.unwrap();
    let next = rows.iter().find(|r| r.tick == tick + secs(86_400)).unwrap();
    assert_eq!(next.claimed_by.as_deref(), Some(resolvd::store::instance_name()));
    assert_eq!(next.finished_at, None);
}

fn hangs(_engine: &Engine, _now: DateTime<Utc>) -> JobFuture<'_> {
    Box::pin(std::future::pending())
}

fn finishes(_engine: &Engine, _now: DateTime<Utc>) -> JobFuture<'_> {
    Box::pin(async { Ok("ran".to_owned()) })
}

fn nightly(run: resolvd::scheduler::JobFn) -> Vec<Job> {
    vec![Job { name: "nightly", cron: "0 0 3 * * *".to_owned(), time_zone: chrono_tz::Tz::UTC, run }]
}

async fn a_tick_whose_claimer_died_mid_job_runs_again_on_another_scheduler(db: &TestDb) {
    let config = Arc::new(sample_config());
    let now = t0();
    let lease = secs(2);
    let dying = Arc::new(
        Scheduler::with_jobs(Arc::new(Engine::new(db.store.clone(), config.clone())), nightly(hangs))
            .unwrap()
            .with_lease(lease),
    );
    let running = tokio::spawn({
        let dying = dying.clone();
        async move { dying.run_due(now).await }
    });
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while db.store.ticks_claimed_since(now - secs(86_400)).await.unwrap().is_empty() {
        assert!(std::time::Instant::now() < deadline, "the tick was not claimed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The instance dies mid-job: its job stops, its lock goes with it, its tick stays claimed.
    running.abort();
    let _ = running.await;
    let tick = DateTime::parse_from_rfc3339("2026-11-20T03:00:00Z").unwrap().to_utc();
    let rows = db.store.ticks_claimed_since(now - secs(86_400)).await.unwrap();
    assert!(rows.len() == 1 && rows[0].tick == tick && rows[0].finished_at.is_none(), "{rows:?}");

    let survivor =
        Scheduler::with_jobs(Arc::new(Engine::new(db.store.clone(), config)), nightly(finishes)).unwrap();
    // While the lease runs the tick is still the dead instance's (a lock released a moment late
    // on PostgreSQL reads as busy: it does not run either way).
    let early = wait_unlocked(&survivor, now + secs(1)).await;
    assert_eq!(early[0].summary, None, "{early:?}");
    // After it, the survivor runs it, once.
    let runs = wait_unlocked(&survivor, now + lease + secs(1)).await;
    assert_eq!((runs[0].tick, runs[0].summary.as_deref()), (tick, Some("ran")), "{runs:?}");
    let again = survivor.run_due(now + secs(60)).await.unwrap();
    assert_eq!((again[0].summary.as_deref(), again[0].failed.as_deref()), (None, None), "{again:?}");
    let rows = db.store.ticks_claimed_since(now - secs(86_400)).await.unwrap();
    assert!(rows.len() == 1 && rows[0].finished_at.is_some(), "{rows:?}");
}

/// `run_due` at `now`, again while the dead run's lock is still on its way back (PostgreSQL).
async fn wait_unlocked(scheduler: &Scheduler, now: DateTime<Utc>) -> Vec<resolvd::scheduler::JobRun> {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let runs = scheduler.run_due(now).await.unwrap();
        if runs[0].failed.as_deref() != Some(resolvd::scheduler::BUSY) || std::time::Instant::now() > deadline
        {
            return runs;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The small version of `cargo bench --bench crash_soak -- --all`'s scheduler failover.
async fn the_scheduler_fails_over_when_the_instance_that_ran_the_last_tick_is_killed(db: &TestDb) {
    let one = tempfile::tempdir().unwrap();
    let two = tempfile::tempdir().unwrap();
    // SQLite serves one instance: killed, it is started again.
    let data_dirs =
        if db.url.starts_with("sqlite:") { vec![one.path()] } else { vec![one.path(), two.path()] };
    let scenario = fake_discord::crash::Failover {
        binary: env!("CARGO_BIN_EXE_resolvd"),
        repo: repo_path(""),
        database_url: db.url.clone(),
        store: db.store.clone(),
        data_dirs,
        tick_seconds: 1,
        settle: Duration::from_secs(30),
    };
    let report = fake_discord::crash::failover(&scenario).await;
    let survivor = report.survivor.as_deref().unwrap_or_else(|| panic!("no later tick ran: {report:?}"));
    assert_ne!(survivor, report.killed, "{report:?}");
    assert!(report.next_tick.unwrap() > report.killed_last_tick, "{report:?}");
    assert_eq!(report.claimed_by_the_dead, 0, "{report:?}");
}
