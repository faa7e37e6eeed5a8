//! What a deployed support desk relies on, through the engine's events on SQLite and PostgreSQL:
//! a customer who writes after the resolution reopens it, and a late S-level is not born breached.

mod common;

use chrono::Duration;
use common::{Driver, TestDb, reply, t0};
use resolvd::domain::{EventKind, Status, TicketRef};

on_both_databases!(
    a_customer_who_writes_after_the_resolution_reopens_it_to_the_same_assignee,
    a_ticket_raised_to_s_late_counts_its_s_targets_from_the_confirmation,
    a_customer_who_floods_the_bot_is_asked_once_to_slow_down_and_loses_nothing,
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
