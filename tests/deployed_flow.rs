//! What a deployed support desk relies on, through the engine's events on SQLite and PostgreSQL:
//! a customer who writes after the resolution reopens it, and a late S-level is not born breached.

mod common;

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use common::{Driver, TestDb, reply, t0};
use resolvd::domain::{EventKind, Status, TicketRef};
use resolvd::engine::Engine;
use resolvd::scheduler::{Job, JobFuture, Scheduler, jobs};

on_both_databases!(
    a_customer_who_writes_after_the_resolution_reopens_it_to_the_same_assignee,
    a_ticket_raised_to_s_late_counts_its_s_targets_from_the_confirmation,
    a_customer_who_floods_the_bot_is_asked_once_to_slow_down_and_loses_nothing,
    a_failing_job_stops_no_other_and_its_tick_runs_again,
);

async fn a_customer_who_writes_after_the_resolution_reopens_it_to_the_same_assignee(db: &TestDb) {
    let d = Driver::new(db);
    d.message("alice", "my screen flickers").await;
    d.command("bob", "assign ticket:T-1 user:carol").await;
    d.command("carol", "resolve ticket:T-1 resolution:\"display driver 2.1.5\"").await;
    assert!(db.store.due_confirmations(t0() + Duration::days(30), 10).await.unwrap().contains(&TicketRef(1)));

    d.message("alice", "no, it still flickers at night").await;
    let ticket = d.store().ticket(TicketRef(1)).await.unwrap().unwrap();
    assert_eq!(ticket.status, Status::Open);
    assert_eq!(ticket.assignee.as_deref(), Some("carol"));
    let timeline = d.store().timeline(TicketRef(1)).await.unwrap();
    let reopened = timeline.iter().find_map(|e| match &e.kind {
        EventKind::Reopened { reason } => reason.clone(),
        _ => None,
    });
    assert_eq!(reopened.as_deref(), Some("the customer wrote after the resolution"));
    // No auto-confirmation is left waiting to close it.
    assert!(db.store.due_confirmations(t0() + Duration::days(30), 10).await.unwrap().is_empty());
    assert_eq!(d.engine.confirmation_sweep(t0() + Duration::days(30)).await.unwrap().auto_confirmed, 0);
    let far = t0() + Duration::days(3650);
    let posts = d.store().claim_posts(far, far, 100).await.unwrap();
    let told = posts.iter().any(|p| {
        p.post.mentions.contains(&"carol".to_owned()) && p.post.text.contains("it is open again, with carol")
    });
    assert!(told, "the assignee is told: {posts:#?}");
}

async fn a_ticket_raised_to_s_late_counts_its_s_targets_from_the_confirmation(db: &TestDb) {
    let d = Driver::new(db);
    d.message("alice", "every phone in our fleet shows a black screen").await;
    d.command("bob", "classify ticket:T-1 domain:screen kind:fault severity:P1").await;
    // Five days later (the S resolution target is 4h) it turns out to be an incident.
    let confirmed_at = t0() + Duration::days(5);
    d.set_time(confirmed_at);
    d.command("bob", "escalate ticket:T-1 to:S reason:\"a key account's fleet is down\"").await;
    let confirmed = d.press("erin", "sconfirm:T-1").await;
    assert_eq!(reply(&confirmed), "T-1 is S-level; war room war-room-t-1 is open");

    let sla = reply(&d.command("carol", "sla ticket:T-1").await).to_owned();
    assert!(sla.contains("S"), "{sla}");
    assert!(!sla.contains("BREACHED"), "a late S is not born breached: {sla}");
    let next = db.store.next_alarm(TicketRef(1)).await.unwrap().expect("an S ticket has an alarm");
    assert!(next > confirmed_at, "the next alarm {next} is after the confirmation {confirmed_at}");
    let report = d.engine.sla_sweep(confirmed_at + Duration::minutes(1)).await.unwrap();
    assert_eq!(report.notices, 0, "nothing is due a minute after the room opens");
}

async fn a_customer_who_floods_the_bot_is_asked_once_to_slow_down_and_loses_nothing(db: &TestDb) {
    let d = Driver::new(db);
    // Events are a second apart: 30 messages fall within the minute; the limit is 20.
    for n in 1..=30 {
        d.message("alice", &format!("message number {n}")).await;
    }
    assert_eq!(d.store().messages_of(TicketRef(1)).await.unwrap().len(), 30, "every message is stored");
    let far = t0() + Duration::days(3650);
    let posts: Vec<_> =
        d.store().claim_posts(far, far, 1000).await.unwrap().into_iter().map(|p| p.post).collect();
    let asked = posts.iter().filter(|p| p.text.contains("faster than we can read")).count();
    assert_eq!(asked, 1, "one slow-down notice");
    let per_message = posts.iter().filter(|p| p.text.starts_with("alice wrote on T-1")).count();
    assert_eq!(per_message, 19, "staff hear of messages 2 to 20 one by one, then once");
    assert_eq!(posts.iter().filter(|p| p.text.contains("sent more than 20 messages")).count(), 1);
}

/// A job that fails the first time it runs on a database and works after that (its memory is a
/// tick of its own, claimed on the first run).
fn flaky(engine: &Engine, now: DateTime<Utc>) -> JobFuture<'_> {
    Box::pin(async move {
        if engine.store().claim_tick("flaky-first-run", DateTime::UNIX_EPOCH, now).await? {
            anyhow::bail!("the tracker is down")
        }
        Ok("worked this time".to_owned())
    })
}

async fn a_failing_job_stops_no_other_and_its_tick_runs_again(db: &TestDb) {
    let config = Arc::new(common::sample_config());
    let engine = Arc::new(Engine::new(db.store.clone(), config.clone()));
    open_a_ticket_for_the_sweep(&engine).await;
    let mut all = jobs(&config);
    all.insert(
        0,
        Job { name: "flaky", cron: "0 * * * * *".into(), time_zone: chrono_tz::Tz::UTC, run: flaky },
    );
    let scheduler = Scheduler::with_jobs(engine.clone(), all).unwrap();
    let now = t0() + Duration::days(3);

    let first = scheduler.run_due(now).await.unwrap();
    let flaky_run = first.iter().find(|r| r.job == "flaky").unwrap();
    assert!(flaky_run.failed.as_deref().unwrap().contains("the tracker is down"));
    let sweep = first.iter().find(|r| r.job == "sla_sweep").unwrap();
    assert!(sweep.summary.as_deref().unwrap().starts_with("1 due ticket,"), "{first:?}");

    // The failed tick was given back: the next run runs it, and only it.
    let second = scheduler.run_due(now).await.unwrap();
    let flaky_run = second.iter().find(|r| r.job == "flaky").unwrap();
    assert_eq!(flaky_run.summary.as_deref(), Some("worked this time"));
    assert!(second.iter().filter(|r| r.job != "flaky").all(|r| r.summary.is_none() && r.failed.is_none()));
}

/// T-1, screen P1, opened at t0: by t0 + 3 days its clocks have alarms for the sweep.
async fn open_a_ticket_for_the_sweep(engine: &Arc<Engine>) {
    let d = Driver::with_engine(Engine::new(engine.store().clone(), Arc::new(common::sample_config())));
    d.message("alice", "my screen flickers").await;
    d.command("bob", "classify ticket:T-1 domain:screen kind:fault severity:P1").await;
}
