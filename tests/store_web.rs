//! What the web layer keeps and reads, through the store's traits, on SQLite and PostgreSQL: the
//! queue's filters, the signing key, spent sign-in links, API tokens and the counts `/metrics`
//! and the war-room board show.

mod common;

use chrono::Duration;
use common::{TestDb, t0};
use resolvd::domain::{Audience, Event, EventKind, Kind, Post, Severity, Status, Ticket, Tier, WarRoom};
use resolvd::store::{AfterFailure, NewMessage, NewTicket, StatusFilter, TicketFilter};

on_both_databases!(
    the_queue_filters_by_severity_risk_and_words_anywhere_in_the_ticket,
    the_signing_key_is_made_once_and_a_link_is_spent_once,
    tokens_are_found_by_their_hash_until_revoked,
    the_counts_of_the_metrics_and_the_open_war_rooms,
);

fn new_ticket(customer: &str, title: &str, severity: Option<Severity>) -> NewTicket {
    NewTicket {
        kind: Some(Kind::Fault),
        domain: Some("screen".into()),
        severity,
        tier: Tier::L1,
        assignee: Some("bob".into()),
        customer: customer.into(),
        conversation: format!("direct:{customer}"),
        title: title.into(),
        at: t0(),
    }
}

async fn insert(db: &TestDb, customer: &str, title: &str, severity: Option<Severity>) -> Ticket {
    let mut tx = db.store.begin().await.unwrap();
    let ticket = tx.insert_ticket(&new_ticket(customer, title, severity)).await.unwrap();
    tx.commit().await.unwrap();
    ticket
}

async fn the_queue_filters_by_severity_risk_and_words_anywhere_in_the_ticket(db: &TestDb) {
    let flicker = insert(db, "alice", "Screen FLICKERS after update", Some(Severity::P2)).await;
    let calls = insert(db, "mallory", "calls drop", Some(Severity::P1)).await;
    let percent = insert(db, "zoe_x", "battery at 100% then 5_%", None).await;
    let mut closed = insert(db, "alice", "old flicker", Some(Severity::P2)).await;
    let mut tx = db.store.begin().await.unwrap();
    let message = NewMessage {
        source_id: "m-1".into(),
        conversation: "direct:mallory".into(),
        author: "mallory".into(),
        text: "It happens in the LIFT only".into(),
        received_at: t0(),
        attachments: vec![],
    };
    tx.insert_message(&message, calls.reference).await.unwrap();
    tx.set_next_alarm(calls.reference, Some(t0() + Duration::minutes(30))).await.unwrap();
    tx.set_next_alarm(flicker.reference, Some(t0() + Duration::hours(5))).await.unwrap();
    closed.status = Status::Closed;
    tx.update_ticket(&closed).await.unwrap();
    tx.commit().await.unwrap();

    let find = |filter: TicketFilter| {
        let store = db.store.clone();
        async move { store.queue(&filter).await.unwrap().iter().map(|(t, _)| t.reference).collect::<Vec<_>>() }
    };
    let open = || TicketFilter { status: Some(StatusFilter::NotClosed), ..TicketFilter::default() };
    assert_eq!(find(open()).await, [flicker.reference, calls.reference, percent.reference]);
    assert_eq!(find(TicketFilter { severity: Some(Severity::P1), ..open() }).await, [calls.reference]);
    let at_risk = TicketFilter { alarm_before: Some(t0() + Duration::hours(1)), ..open() };
    assert_eq!(find(at_risk).await, [calls.reference]);
    let words = |text: &str| TicketFilter { text: Some(text.into()), ..open() };
    assert_eq!(find(words("flickers")).await, [flicker.reference], "any case, in the title");
    assert_eq!(find(words("lift")).await, [calls.reference], "in a message");
    assert_eq!(find(words("MALLORY")).await, [calls.reference], "the customer");
    assert_eq!(find(words("100%")).await, [percent.reference]);
    assert!(find(words("1%0")).await.is_empty(), "% is a character, not a wildcard");
    assert_eq!(find(words("5_%")).await, [percent.reference]);
    assert!(find(words("t_en")).await.is_empty(), "_ is a character, not a wildcard");
    assert!(find(words("' OR 1=1 --")).await.is_empty());
    let all = find(TicketFilter { text: Some("flicker".into()), ..TicketFilter::default() }).await;
    assert_eq!(all, [flicker.reference, closed.reference]);
    let rows = db.store.queue(&open()).await.unwrap();
    assert_eq!(rows[1].1, Some(t0() + Duration::minutes(30)), "each with its next alarm");
    assert_eq!(rows[2].1, None);
}

async fn the_signing_key_is_made_once_and_a_link_is_spent_once(db: &TestDb) {
    let store = &db.store;
    let key = store.web_key("signing", "first").await.unwrap();
    assert_eq!(key, "first");
    assert_eq!(store.web_key("signing", "second").await.unwrap(), "first", "every instance signs alike");
    assert!(store.spend_login_link("nonce-1", "frank", t0()).await.unwrap());
    assert!(!store.spend_login_link("nonce-1", "frank", t0()).await.unwrap(), "once");
    assert!(store.spend_login_link("nonce-2", "frank", t0() + Duration::days(2)).await.unwrap());
    assert_eq!(store.prune_login_links(t0() + Duration::days(1)).await.unwrap(), 1);
    assert!(!store.spend_login_link("nonce-2", "frank", t0()).await.unwrap());
}

async fn tokens_are_found_by_their_hash_until_revoked(db: &TestDb) {
    let store = &db.store;
    let id = store.create_api_token("frank", "grafana", "hash-1", t0()).await.unwrap();
    store.create_api_token("bob", "cli", "hash-2", t0()).await.unwrap();
    assert_eq!(store.api_token_person("hash-1").await.unwrap().as_deref(), Some("frank"));
    assert_eq!(store.api_token_person("hash-x").await.unwrap(), None);
    assert!(store.revoke_api_token(id, t0()).await.unwrap());
    assert!(!store.revoke_api_token(id, t0()).await.unwrap(), "revoked already");
    assert!(!store.revoke_api_token(999, t0()).await.unwrap());
    assert_eq!(store.api_token_person("hash-1").await.unwrap(), None);
    let tokens = store.api_tokens().await.unwrap();
    assert_eq!(tokens.len(), 2);
    assert_eq!((tokens[0].name.as_str(), tokens[0].revoked_at), ("grafana", Some(t0())));
    assert_eq!(tokens[1].revoked_at, None);
}

async fn the_counts_of_the_metrics_and_the_open_war_rooms(db: &TestDb) {
    let store = &db.store;
    let s = insert(db, "alice", "down", Some(Severity::S)).await;
    insert(db, "mallory", "slow", Some(Severity::P2)).await;
    insert(db, "zoe", "new", None).await;
    let mut tx = store.begin().await.unwrap();
    for alarm in ["breach", "warning", "breach"] {
        let kind = EventKind::SlaAlarm {
            clock: "response".into(),
            alarm: alarm.into(),
            threshold: None,
            due: Some(t0()),
        };
        tx.append_event(&Event { ticket: Some(s.reference), actor: "resolvd".into(), at: t0(), kind })
            .await
            .unwrap();
    }
    let room = WarRoom {
        ticket: s.reference,
        name: WarRoom::name_for(s.reference),
        opened_at: t0(),
        leader: Some("erin".into()),
        roster: vec!["erin".into()],
        impact: "all down".into(),
        remind_at: None,
        archived_at: None,
        report: None,
        card: None,
    };
    tx.save_war_room(&room).await.unwrap();
    let post =
        |text: &str| Post::new(Audience::Staff { ticket: s.reference }, Some(s.reference), text.into());
    tx.enqueue_post(&post("first"), t0()).await.unwrap();
    tx.enqueue_post(&post("second"), t0() + Duration::minutes(1)).await.unwrap();
    tx.commit().await.unwrap();
    assert!(store.claim_tick("sla_sweep", t0(), t0()).await.unwrap());
    assert!(store.claim_tick("sla_sweep", t0() + Duration::minutes(1), t0()).await.unwrap());

    let counts: Vec<(Option<String>, String, i64)> = store
        .open_ticket_counts()
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.severity, c.tier, c.count))
        .collect();
    assert!(counts.contains(&(Some("S".into()), "L1".into(), 1)), "{counts:?}");
    assert!(counts.contains(&(Some("P2".into()), "L1".into(), 1)), "{counts:?}");
    assert!(counts.contains(&(None, "L1".into(), 1)), "{counts:?}");
    assert_eq!(store.sla_breach_total().await.unwrap(), 2);
    assert_eq!(store.oldest_unsent_post_at().await.unwrap(), Some(t0()));
    let first = store.claim_posts(t0() + Duration::hours(1), t0() + Duration::hours(2), 1).await.unwrap();
    store.mark_post_failed(first[0].id, "403", AfterFailure::Dead(t0())).await.unwrap();
    assert_eq!(store.dead_letter_count().await.unwrap(), 1);
    assert_eq!(
        store.oldest_unsent_post_at().await.unwrap(),
        Some(t0() + Duration::minutes(1)),
        "dead letters aside"
    );
    assert_eq!(
        store.job_last_ticks().await.unwrap(),
        [("sla_sweep".to_owned(), t0() + Duration::minutes(1))]
    );
    assert_eq!(store.open_war_rooms().await.unwrap(), std::slice::from_ref(&room));
    let mut tx = store.begin().await.unwrap();
    tx.save_war_room(&WarRoom { archived_at: Some(t0()), ..room }).await.unwrap();
    tx.commit().await.unwrap();
    assert!(store.open_war_rooms().await.unwrap().is_empty());
}
