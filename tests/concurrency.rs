//! Two instances on one database (issue 12, point 2): two `Engine`s, each over a pool of its own,
//! given the same customers' messages at the same time, on SQLite (two pools on one file) and on
//! PostgreSQL (two pools on one schema). What the database guarantees: one ticket intake opened per
//! customer and conversation, a message on one ticket, one acknowledgement, one SLA notice, and a
//! job's runs never overlapping across instances.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use common::{TestDb, sample_config, t0};
use futures_util::future::join_all;
use resolvd::domain::EventKind;
use resolvd::engine::{Engine, Inbound, InboundMessage, direct_conversation};
use resolvd::store::{IntakeTicket, NewTicket, Store};

const CUSTOMERS: usize = 20;
const MESSAGES: usize = 5;

/// Two engines over two pools of one database, as two instances would be.
async fn two_engines(db: &TestDb) -> [Arc<Engine>; 2] {
    let config = Arc::new(sample_config());
    let other_pool = resolvd::store::open(&db.url).await.unwrap();
    [Arc::new(Engine::new(db.store.clone(), config.clone())), Arc::new(Engine::new(other_pool, config))]
}

fn customer(n: usize) -> String {
    format!("cust{n:02}")
}

fn message(author: &str, source_id: String, text: String, at: DateTime<Utc>) -> Inbound {
    Inbound::Message(InboundMessage {
        source_id,
        conversation: direct_conversation(author),
        author: author.to_owned(),
        text,
        at,
        attachments: vec![],
        reply_to: None,
    })
}

/// Every customer's messages, each delivered to both engines at once: `same_ids` as one platform
/// message both instances received, otherwise as two messages (each instance its own id and text).
async fn deliver_to_both(engines: &[Arc<Engine>; 2], same_ids: bool) {
    let mut deliveries = Vec::new();
    for n in 0..CUSTOMERS {
        let who = customer(n);
        for m in 0..MESSAGES {
            let at = t0() + Duration::seconds((m * 7) as i64);
            for (e, engine) in engines.iter().enumerate() {
                let (id, text) = if same_ids {
                    (format!("{who}:{m}"), format!("my screen flickers ({who}, message {m})"))
                } else {
                    (format!("{who}:{m}:via{e}"), format!("my screen flickers ({who}, message {m} via {e})"))
                };
                let inbound = message(&who, id, text, at);
                let engine = engine.clone();
                deliveries.push(async move { engine.handle(inbound).await });
            }
        }
    }
    for outcome in join_all(deliveries).await {
        assert!(outcome.reply.is_none(), "a message was refused or failed: {outcome:?}");
    }
}

/// The tickets per customer, each with the platform ids of its messages.
async fn tickets_by_customer(store: &Arc<dyn Store>) -> BTreeMap<String, Vec<(i64, Vec<String>)>> {
    let mut by_customer: BTreeMap<String, Vec<(i64, Vec<String>)>> = BTreeMap::new();
    for ticket in store.tickets(None).await.unwrap() {
        let ids = store
            .messages_of(ticket.reference)
            .await
            .unwrap()
            .into_iter()
            .map(|m| m.message.source_id)
            .collect();
        by_customer.entry(ticket.customer.clone()).or_default().push((ticket.reference.0, ids));
    }
    by_customer
}

/// Every post enqueued, as (ticket, audience, text), sent or not.
async fn posts(store: &Arc<dyn Store>) -> Vec<(Option<i64>, String, String)> {
    store
        .unsent_posts(false, 100_000)
        .await
        .unwrap()
        .into_iter()
        .map(|p| (p.post.ticket.map(|t| t.0), format!("{:?}", p.post.audience), p.post.text))
        .collect()
}

/// One ticket per customer holding every message once, and no post twice.
async fn assert_one_ticket_each(store: &Arc<dyn Store>, messages_each: usize) {
    let tickets = tickets_by_customer(store).await;
    assert_eq!(tickets.len(), CUSTOMERS, "customers with tickets: {tickets:?}");
    let mut seen = BTreeSet::new();
    for (who, theirs) in &tickets {
        assert_eq!(theirs.len(), 1, "{who} has {} tickets: {theirs:?}", theirs.len());
        let ids = &theirs[0].1;
        assert_eq!(ids.len(), messages_each, "{who}'s ticket holds {ids:?}");
        for id in ids {
            assert!(seen.insert(id.clone()), "message {id} is on two tickets");
        }
    }
    let all = posts(store).await;
    let distinct: BTreeSet<_> = all.iter().collect();
    assert_eq!(distinct.len(), all.len(), "a post was enqueued twice");
    let acks = all
        .iter()
        .filter(|(_, audience, text)| audience.starts_with("Customer") && text.contains("we opened"))
        .count();
    assert_eq!(acks, CUSTOMERS, "one acknowledgement per customer");
}

async fn two_engines_given_the_same_messages_store_each_once_on_one_ticket(db: &TestDb) {
    let engines = two_engines(db).await;
    deliver_to_both(&engines, true).await;
    assert_one_ticket_each(&db.store, MESSAGES).await;
}

async fn two_engines_given_different_messages_of_the_same_customers_open_one_ticket_each(db: &TestDb) {
    let engines = two_engines(db).await;
    deliver_to_both(&engines, false).await;
    assert_one_ticket_each(&db.store, 2 * MESSAGES).await;

    // A sweep run by both instances at once, long after every SLA ran out: each notice once.
    let later = t0() + Duration::days(30);
    let sweeps = engines.iter().map(|engine| engine.sla_sweep(later));
    for report in join_all(sweeps).await {
        report.unwrap();
    }
    let mut alarms = 0;
    for ticket in db.store.tickets(None).await.unwrap() {
        let mut keys = BTreeSet::new();
        for event in db.store.timeline(ticket.reference).await.unwrap() {
            if let EventKind::SlaAlarm { clock, alarm, threshold, due } = event.kind {
                alarms += 1;
                let key = format!("{clock}:{alarm}:{threshold:?}:{due:?}");
                assert!(keys.insert(key.clone()), "{} has alarm {key} twice", ticket.reference);
            }
        }
    }
    assert!(alarms >= CUSTOMERS, "the sweep raised {alarms} alarms");
    let all = posts(&db.store).await;
    let distinct: BTreeSet<_> = all.iter().collect();
    assert_eq!(distinct.len(), all.len(), "a notice was enqueued twice");
    let staff_notices = all.iter().filter(|(_, audience, _)| audience.starts_with("Staff")).count();
    assert!(staff_notices > CUSTOMERS * 2 * MESSAGES, "the sweep's notices are in the outbox");
}

/// One instance, many customers writing at once (intake's parallel writers on PostgreSQL, one on
/// SQLite), each customer's messages one after another, about several domains (so openings meet in
/// several round-robin queues): one ticket each, its messages in the order they were written.
async fn one_engine_takes_in_many_customers_at_once_each_in_order(db: &TestDb) {
    let engine = Arc::new(Engine::new(db.store.clone(), Arc::new(sample_config())));
    let texts = [
        "my screen flickers",
        "no signal since yesterday",
        "the battery drains fast",
        "a scratch on the cover",
    ];
    let customers = (0..CUSTOMERS).map(|n| {
        let engine = engine.clone();
        async move {
            let who = customer(n);
            for m in 0..MESSAGES {
                let at = t0() + Duration::seconds((m * 7) as i64);
                let text = format!("{} ({who}, message {m})", texts[(n + m) % texts.len()]);
                let outcome = engine.handle(message(&who, format!("{who}:{m}"), text, at)).await;
                assert!(outcome.reply.is_none(), "a message was refused or failed: {outcome:?}");
            }
        }
    });
    join_all(customers).await;
    assert_one_ticket_each(&db.store, MESSAGES).await;
    for (who, theirs) in tickets_by_customer(&db.store).await {
        let expected: Vec<String> = (0..MESSAGES).map(|m| format!("{who}:{m}")).collect();
        assert_eq!(theirs[0].1, expected, "{who}'s messages in the order written");
    }
}

fn new_ticket(customer: &str, conversation: &str) -> NewTicket {
    NewTicket {
        kind: None,
        domain: None,
        severity: None,
        tier: resolvd::domain::Tier::L1,
        assignee: None,
        customer: customer.to_owned(),
        conversation: conversation.to_owned(),
        title: "screen".to_owned(),
        at: t0(),
    }
}

/// The store alone: while one transaction has opened intake's ticket, another (on another pool)
/// that tries gets that ticket once the first commits, and a ticket staff open is not counted.
async fn a_second_intake_ticket_in_a_conversation_is_the_first_one(db: &TestDb) {
    let other = resolvd::store::open(&db.url).await.unwrap();
    let mut first = db.store.begin().await.unwrap();
    let IntakeTicket::Opened(opened) = first.open_intake_ticket(&new_ticket("alice", "dm:1")).await.unwrap()
    else {
        panic!("the first ticket is opened")
    };
    let racer = tokio::spawn(async move {
        let mut tx = other.begin().await.unwrap();
        let found = tx.open_intake_ticket(&new_ticket("alice", "dm:1")).await.unwrap();
        tx.commit().await.unwrap();
        found
    });
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    first.commit().await.unwrap();
    assert_eq!(racer.await.unwrap(), IntakeTicket::AlreadyOpen(opened.clone()));

    let mut tx = db.store.begin().await.unwrap();
    // Another customer, or another conversation, is another ticket; so is one staff open.
    assert!(matches!(
        tx.open_intake_ticket(&new_ticket("bob", "dm:1")).await.unwrap(),
        IntakeTicket::Opened(_)
    ));
    assert!(matches!(
        tx.open_intake_ticket(&new_ticket("alice", "dm:2")).await.unwrap(),
        IntakeTicket::Opened(_)
    ));
    let staffs = tx.insert_ticket(&new_ticket("alice", "dm:1")).await.unwrap();
    assert_ne!(staffs.reference, opened.reference);
    // Closing intake's ticket frees the conversation for the next one.
    let mut closed = tx.ticket_for_update(opened.reference).await.unwrap().unwrap();
    closed.close(resolvd::domain::CloseReason::ClosedByStaff).unwrap_or_else(|e| panic!("{e}"));
    tx.update_ticket(&closed).await.unwrap();
    let IntakeTicket::Opened(next) = tx.open_intake_ticket(&new_ticket("alice", "dm:1")).await.unwrap()
    else {
        panic!("a closed ticket leaves room for a new one")
    };
    assert_ne!(next.reference, opened.reference);
    tx.commit().await.unwrap();
}

/// A job's lock: on PostgreSQL another instance cannot take it while it is held, and can once it
/// is dropped; SQLite serves one instance and always grants it.
async fn a_job_lock_is_held_across_instances_until_dropped(db: &TestDb) {
    let other = resolvd::store::open(&db.url).await.unwrap();
    let held = db.store.lock_job("sla_sweep").await.unwrap().expect("a free lock is taken");
    let meanwhile = other.lock_job("sla_sweep").await.unwrap();
    match db.store.backend() {
        resolvd::store::Backend::Postgres => assert!(meanwhile.is_none(), "the lock is held elsewhere"),
        resolvd::store::Backend::Sqlite => assert!(meanwhile.is_some(), "one instance: nothing to lock"),
    }
    if let Some(lock) = meanwhile {
        lock.release().await;
    }
    // Another job's lock is another lock.
    assert!(other.lock_job("confirmations").await.unwrap().is_some());
    held.release().await;
    assert!(other.lock_job("sla_sweep").await.unwrap().is_some(), "a dropped lock is free");
}

/// Two instances' schedulers ticking at once: while one runs a job, the other's run of it waits
/// (it reports the job busy and claims no tick), so it runs once.
async fn two_schedulers_never_run_a_job_at_once(db: &TestDb) {
    use resolvd::scheduler::{BUSY, Job, Scheduler};
    use std::sync::atomic::{AtomicUsize, Ordering};
    // Counted per backend: the SQLite and PostgreSQL tests run side by side.
    static RUNNING: [AtomicUsize; 2] = [AtomicUsize::new(0), AtomicUsize::new(0)];
    static MOST: [AtomicUsize; 2] = [AtomicUsize::new(0), AtomicUsize::new(0)];
    fn slot(store: &Arc<dyn Store>) -> usize {
        usize::from(store.backend() == resolvd::store::Backend::Postgres)
    }
    fn slow(engine: &Engine, _now: DateTime<Utc>) -> resolvd::scheduler::JobFuture<'_> {
        Box::pin(async move {
            let slot = slot(engine.store());
            let now = RUNNING[slot].fetch_add(1, Ordering::SeqCst) + 1;
            MOST[slot].fetch_max(now, Ordering::SeqCst);
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            RUNNING[slot].fetch_sub(1, Ordering::SeqCst);
            Ok("slept".to_owned())
        })
    }
    let slot = slot(&db.store);
    let engines = two_engines(db).await;
    let job =
        || Job { name: "slow", cron: "0 * * * * *".to_owned(), time_zone: chrono_tz::Tz::UTC, run: slow };
    let schedulers: Vec<Scheduler> =
        engines.iter().map(|e| Scheduler::with_jobs(e.clone(), vec![job()]).unwrap()).collect();
    // Different ticks, so the tick claim alone would let both run.
    let runs =
        join_all([schedulers[0].run_due(t0()), schedulers[1].run_due(t0() + Duration::minutes(1))]).await;
    let runs: Vec<_> = runs.into_iter().flat_map(Result::unwrap).collect();
    let ran = runs.iter().filter(|run| run.summary.is_some()).count();
    match db.store.backend() {
        resolvd::store::Backend::Postgres => {
            assert_eq!(MOST[slot].load(Ordering::SeqCst), 1, "the job never ran twice at once: {runs:?}");
            assert_eq!(ran, 1, "{runs:?}");
            assert!(runs.iter().any(|run| run.failed.as_deref() == Some(BUSY)), "{runs:?}");
        }
        // One instance per SQLite file: the two "instances" here run one after the other anyway.
        resolvd::store::Backend::Sqlite => assert_eq!(ran, 2, "{runs:?}"),
    }
}

on_both_databases!(
    one_engine_takes_in_many_customers_at_once_each_in_order,
    two_engines_given_the_same_messages_store_each_once_on_one_ticket,
    two_engines_given_different_messages_of_the_same_customers_open_one_ticket_each,
    a_second_intake_ticket_in_a_conversation_is_the_first_one,
    a_job_lock_is_held_across_instances_until_dropped,
    two_schedulers_never_run_a_job_at_once,
);
