//! The store's contract, through its trait, on SQLite and on PostgreSQL alike.

mod common;

use chrono::Duration;
use common::{TestDb, t0};
use resolvd::domain::{
    Attachment, Audience, CloseReason, Event, EventKind, IncidentReport, Kind, LinkRelation, Post, Severity,
    Status, TicketRef, Tier, WarRoom,
};
use resolvd::store::deliveries::{DeliveryFilter, NewDelivery};
use resolvd::store::discord::{DiscordChannel, DiscordChannelKind};
use resolvd::store::{
    AfterFailure, ConfirmationStep, ConfirmationTimer, MessageSlot, NewMessage, NewTicket, Resend, Schema,
    StatusFilter, StoreError, TicketFilter,
};

on_both_databases!(
    posts_are_marked_sent_and_leased_many_at_a_time,
    a_message_delivered_twice_is_stored_once,
    a_persons_latest_message_is_the_one_received_last,
    a_stored_but_untaken_message_is_found_again,
    tickets_round_trip_through_insert_update_and_read,
    the_open_ticket_of_a_conversation_skips_closed_ones,
    the_timeline_keeps_order_and_details_and_the_audit_log_holds_the_rest,
    a_handled_inbound_id_cannot_be_claimed_again,
    a_transaction_that_is_not_committed_leaves_nothing,
    queue_positions_advance_one_by_one_per_queue,
    posts_are_claimed_leased_sent_and_retried,
    a_dead_letter_is_kept_with_its_error_never_claimed_and_sent_again_on_request,
    links_are_unique_and_seen_from_both_sides,
    tickets_are_listed_by_status,
    text_with_sql_metacharacters_is_stored_verbatim,
    discord_channels_are_recorded_once_and_their_cursor_only_moves_forward,
    discord_state_is_set_and_overwritten,
    a_war_room_round_trips_and_is_found_when_its_reminder_is_due,
    a_confirmation_timer_is_replaced_found_when_due_and_cleared,
    messages_are_counted_by_author_from_an_instant,
    tickets_are_found_by_status_or_open_assignee_and_domain,
    the_posts_of_one_instant_after_an_id_are_found_sent_or_not,
    a_read_refuses_a_schema_behind_and_migrates_nothing,
    a_read_refuses_a_blank_database_and_creates_nothing,
    open_tickets_come_most_recently_active_first,
    a_message_is_found_by_its_platform_id_and_moves_to_another_ticket,
    merged_tickets_are_found_from_both_ends,
    tickets_are_listed_a_page_at_a_time,
    retention_deletes_only_old_guards_and_keeps_open_tickets_notices,
);

fn message(source_id: &str, text: &str) -> NewMessage {
    NewMessage {
        source_id: source_id.into(),
        conversation: "direct:alice".into(),
        author: "alice".into(),
        text: text.into(),
        received_at: t0(),
        attachments: vec![],
    }
}

fn new_ticket(customer: &str) -> NewTicket {
    NewTicket {
        kind: Some(Kind::Fault),
        domain: Some("screen".into()),
        severity: Some(Severity::P2),
        tier: Tier::L1,
        assignee: Some("bob".into()),
        customer: customer.into(),
        conversation: format!("direct:{customer}"),
        title: "screen flickers".into(),
        at: t0(),
    }
}

fn post(ticket: TicketRef, text: &str) -> Post {
    Post::new(Audience::Staff { ticket }, Some(ticket), text.into())
}

async fn a_message_delivered_twice_is_stored_once(db: &TestDb) {
    let mut tx = db.store.begin().await.unwrap();
    assert_eq!(tx.message_slot("m-1").await.unwrap(), MessageSlot::New);
    let ticket = tx.insert_ticket(&new_ticket("alice")).await.unwrap();
    assert!(tx.insert_message(&message("m-1", "hello"), ticket.reference).await.unwrap().is_some());
    assert_eq!(tx.insert_message(&message("m-1", "hello"), ticket.reference).await.unwrap(), None);
    tx.commit().await.unwrap();

    let mut tx = db.store.begin().await.unwrap();
    assert_eq!(tx.message_slot("m-1").await.unwrap(), MessageSlot::Duplicate);
    tx.commit().await.unwrap();
    assert_eq!(db.store.messages_of(ticket.reference).await.unwrap().len(), 1);
}

async fn a_stored_but_untaken_message_is_found_again(db: &TestDb) {
    let photo = Attachment {
        filename: "screen 'O'Brien'.png".into(),
        content_type: Some("image/png".into()),
        size: 4_000_000_000,
        url: "https://cdn.example/a.png?x=1&y=2".into(),
    };
    let with_photo = NewMessage { attachments: vec![photo.clone()], ..message("m-7", "lost?") };
    db.store.keep_untaken_message(&with_photo).await.unwrap();
    db.store.keep_untaken_message(&with_photo).await.unwrap();
    let untaken = db.store.untaken_messages().await.unwrap();
    assert_eq!(untaken.len(), 1);
    assert_eq!(untaken[0].message.text, "lost?");
    assert_eq!(untaken[0].message.attachments, [photo], "the files come back with the message");

    let mut tx = db.store.begin().await.unwrap();
    assert_eq!(tx.message_slot("m-7").await.unwrap(), MessageSlot::Untaken(untaken[0].id));
    let ticket = tx.insert_ticket(&new_ticket("alice")).await.unwrap();
    assert!(tx.attach_message(untaken[0].id, ticket.reference).await.unwrap());
    tx.commit().await.unwrap();
    assert!(db.store.untaken_messages().await.unwrap().is_empty());

    // A second retry of the same message (a redelivery racing the job) attaches nothing.
    let mut tx = db.store.begin().await.unwrap();
    let other = tx.insert_ticket(&new_ticket("alice")).await.unwrap();
    assert!(!tx.attach_message(untaken[0].id, other.reference).await.unwrap());
    tx.commit().await.unwrap();
    let attached = db.store.messages_of(ticket.reference).await.unwrap();
    assert_eq!(attached.len(), 1, "still on the first ticket");
    assert!(db.store.messages_of(other.reference).await.unwrap().is_empty());
}

async fn tickets_round_trip_through_insert_update_and_read(db: &TestDb) {
    let mut tx = db.store.begin().await.unwrap();
    let mut ticket = tx.insert_ticket(&new_ticket("alice")).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(ticket.status, Status::New);
    assert_eq!(ticket.created_at, t0());

    ticket.status = Status::Closed;
    ticket.close_reason = Some(CloseReason::AutoConfirmed);
    ticket.tier = Tier::RnD;
    ticket.severity = Some(Severity::S);
    ticket.kind = Some(Kind::Inquiry);
    ticket.assignee = None;
    ticket.updated_at = t0() + Duration::minutes(5);
    let mut tx = db.store.begin().await.unwrap();
    tx.update_ticket(&ticket).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(db.store.ticket(ticket.reference).await.unwrap(), Some(ticket));
    assert_eq!(db.store.ticket(TicketRef(999)).await.unwrap(), None);
}

async fn the_open_ticket_of_a_conversation_skips_closed_ones(db: &TestDb) {
    let mut tx = db.store.begin().await.unwrap();
    let mut first = tx.insert_ticket(&new_ticket("alice")).await.unwrap();
    first.status = Status::Closed;
    tx.update_ticket(&first).await.unwrap();
    assert_eq!(tx.open_ticket_of("direct:alice", "alice").await.unwrap(), None);
    let second = tx.insert_ticket(&new_ticket("alice")).await.unwrap();
    tx.insert_ticket(&new_ticket("mallory")).await.unwrap();
    assert_eq!(
        tx.open_ticket_of("direct:alice", "alice").await.unwrap().map(|t| t.reference),
        Some(second.reference)
    );
    assert_eq!(
        tx.ticket_of_conversation("direct:alice").await.unwrap().map(|t| t.reference),
        Some(second.reference)
    );
    assert_eq!(tx.open_ticket_of("direct:alice", "mallory").await.unwrap(), None);
    tx.commit().await.unwrap();
}

async fn the_timeline_keeps_order_and_details_and_the_audit_log_holds_the_rest(db: &TestDb) {
    let mut tx = db.store.begin().await.unwrap();
    let ticket = tx.insert_ticket(&new_ticket("alice")).await.unwrap();
    let events = [
        EventKind::Note { text: "first".into() },
        EventKind::Escalated {
            from: Tier::L1,
            to: Tier::L2,
            reason: "why".into(),
            assignee: Some("carol".into()),
        },
        EventKind::Closed { reason: CloseReason::Merged, comment: None, article: None },
    ];
    for (i, kind) in events.iter().enumerate() {
        let at = t0() + Duration::seconds(i as i64);
        tx.append_event(&Event {
            ticket: Some(ticket.reference),
            actor: "bob".into(),
            at,
            kind: kind.clone(),
        })
        .await
        .unwrap();
    }
    let refused = EventKind::Refused { command: "assign".into(), reason: "no".into() };
    tx.append_event(&Event { ticket: None, actor: "mallory".into(), at: t0(), kind: refused.clone() })
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let timeline = db.store.timeline(ticket.reference).await.unwrap();
    assert_eq!(timeline.iter().map(|e| e.kind.clone()).collect::<Vec<_>>(), events);
    assert_eq!(timeline[1].at, t0() + Duration::seconds(1));
    let audit = db.store.audit_log().await.unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].kind, refused);
    assert_eq!(audit[0].actor, "mallory");
}

async fn a_handled_inbound_id_cannot_be_claimed_again(db: &TestDb) {
    let mut tx = db.store.begin().await.unwrap();
    assert!(tx.claim_inbound("interaction-1", t0()).await.unwrap());
    tx.commit().await.unwrap();
    let mut tx = db.store.begin().await.unwrap();
    assert!(!tx.claim_inbound("interaction-1", t0()).await.unwrap());
    assert!(tx.claim_inbound("interaction-2", t0()).await.unwrap());
    tx.commit().await.unwrap();
}

async fn a_transaction_that_is_not_committed_leaves_nothing(db: &TestDb) {
    {
        let mut tx = db.store.begin().await.unwrap();
        let ticket = tx.insert_ticket(&new_ticket("alice")).await.unwrap();
        tx.enqueue_post(&post(ticket.reference, "never"), t0()).await.unwrap();
        tx.insert_message(&message("m-9", "gone"), ticket.reference).await.unwrap();
        // Dropped without commit: rolled back.
    }
    assert!(db.store.tickets(None).await.unwrap().is_empty());
    assert_eq!(db.store.unsent_post_count().await.unwrap(), 0);
    let mut tx = db.store.begin().await.unwrap();
    assert_eq!(tx.message_slot("m-9").await.unwrap(), MessageSlot::New);
}

async fn queue_positions_advance_one_by_one_per_queue(db: &TestDb) {
    let mut tx = db.store.begin().await.unwrap();
    assert_eq!(tx.advance_queue("screen/L1").await.unwrap(), 1);
    assert_eq!(tx.advance_queue("screen/L1").await.unwrap(), 2);
    assert_eq!(tx.advance_queue("rf/L1").await.unwrap(), 1);
    tx.commit().await.unwrap();
    let mut tx = db.store.begin().await.unwrap();
    assert_eq!(tx.advance_queue("screen/L1").await.unwrap(), 3);
    tx.commit().await.unwrap();
}

async fn posts_are_marked_sent_and_leased_many_at_a_time(db: &TestDb) {
    let mut tx = db.store.begin().await.unwrap();
    let ticket = tx.insert_ticket(&new_ticket("alice")).await.unwrap();
    // More than one statement's worth of ids.
    for n in 0..1_200 {
        tx.enqueue_post(&post(ticket.reference, &format!("post {n}")), t0()).await.unwrap();
    }
    tx.commit().await.unwrap();
    let lease = t0() + Duration::seconds(30);
    let claimed = db.store.claim_posts(t0(), lease, 1_200).await.unwrap();
    let ids: Vec<i64> = claimed.iter().map(|p| p.id).collect();
    db.store.mark_posts_sent(&ids[..1_100], t0()).await.unwrap();
    assert_eq!(db.store.unsent_post_count().await.unwrap(), 100);
    // A renewed lease keeps the rest from other drainers past the first lease; a sent post is
    // not leased again.
    let later = t0() + Duration::seconds(60);
    db.store.lease_posts(&ids, later + Duration::seconds(30)).await.unwrap();
    assert!(db.store.claim_posts(later, later, 2_000).await.unwrap().is_empty());
    let after = later + Duration::seconds(30);
    let again = db.store.claim_posts(after, after, 2_000).await.unwrap();
    assert_eq!(again.len(), 100);
    assert_eq!(again[0].post.text, "post 1100");
}

async fn posts_are_claimed_leased_sent_and_retried(db: &TestDb) {
    let mut tx = db.store.begin().await.unwrap();
    let ticket = tx.insert_ticket(&new_ticket("alice")).await.unwrap();
    for text in ["one", "two", "three"] {
        tx.enqueue_post(&post(ticket.reference, text), t0()).await.unwrap();
    }
    tx.commit().await.unwrap();

    let lease = t0() + Duration::seconds(30);
    let claimed = db.store.claim_posts(t0(), lease, 2).await.unwrap();
    assert_eq!(claimed.iter().map(|p| p.post.text.as_str()).collect::<Vec<_>>(), ["one", "two"]);
    // Leased posts are not claimed again before the lease runs out.
    let rest = db.store.claim_posts(t0(), lease, 10).await.unwrap();
    assert_eq!(rest.iter().map(|p| p.post.text.as_str()).collect::<Vec<_>>(), ["three"]);

    db.store.mark_post_sent(claimed[0].id, t0()).await.unwrap();
    db.store
        .mark_post_failed(claimed[1].id, "429", AfterFailure::RetryAt(t0() + Duration::seconds(5)))
        .await
        .unwrap();
    db.store.mark_post_sent(rest[0].id, t0()).await.unwrap();
    assert_eq!(db.store.unsent_post_count().await.unwrap(), 1);
    assert!(db.store.claim_posts(t0() + Duration::seconds(4), lease, 10).await.unwrap().is_empty());
    let retried = db.store.claim_posts(t0() + Duration::seconds(5), lease, 10).await.unwrap();
    assert_eq!(retried.len(), 1);
    assert_eq!(retried[0].post.text, "two");
    assert_eq!(retried[0].attempts, 1);
}

async fn a_dead_letter_is_kept_with_its_error_never_claimed_and_sent_again_on_request(db: &TestDb) {
    let mut tx = db.store.begin().await.unwrap();
    let ticket = tx.insert_ticket(&new_ticket("alice")).await.unwrap();
    for text in ["blocked", "flaky", "fine"] {
        tx.enqueue_post(&post(ticket.reference, text), t0()).await.unwrap();
    }
    tx.commit().await.unwrap();
    let lease = t0() + Duration::seconds(30);
    let claimed = db.store.claim_posts(t0(), lease, 10).await.unwrap();
    let [blocked, flaky, fine] = [&claimed[0], &claimed[1], &claimed[2]];
    db.store
        .mark_post_failed(blocked.id, "HTTP 403: Cannot send messages to this user", AfterFailure::Dead(t0()))
        .await
        .unwrap();
    db.store.mark_post_failed(flaky.id, "HTTP 502", AfterFailure::RetryAt(t0())).await.unwrap();
    db.store.mark_post_sent(fine.id, t0()).await.unwrap();

    let later = t0() + Duration::hours(1);
    let claimable = db.store.claim_posts(later, later, 10).await.unwrap();
    assert_eq!(
        claimable.iter().map(|p| p.id).collect::<Vec<_>>(),
        [flaky.id],
        "a dead letter is not claimed"
    );
    assert_eq!(db.store.unsent_post_count().await.unwrap(), 1, "dead letters are not a backlog");

    let dead = db.store.unsent_posts(true, 100).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(
        (dead[0].id, dead[0].post.text.as_str(), dead[0].attempts, dead[0].dead_at),
        (blocked.id, "blocked", 1, Some(t0()))
    );
    assert_eq!(dead[0].last_error.as_deref(), Some("HTTP 403: Cannot send messages to this user"));
    let unsent = db.store.unsent_posts(false, 100).await.unwrap();
    assert_eq!(unsent.iter().map(|p| p.id).collect::<Vec<_>>(), [blocked.id, flaky.id]);

    assert_eq!(
        db.store.resend_posts(Resend::One(fine.id), later).await.unwrap(),
        0,
        "a sent post stays sent"
    );
    assert_eq!(db.store.resend_posts(Resend::AllDead, later).await.unwrap(), 1);
    let again = db.store.claim_posts(later, later + Duration::seconds(30), 10).await.unwrap();
    let again: Vec<(i64, i32)> = again.iter().map(|p| (p.id, p.attempts)).collect();
    assert!(again.contains(&(blocked.id, 0)), "resent, its attempts counted from zero: {again:?}");
    assert!(db.store.unsent_posts(true, 100).await.unwrap().is_empty());
}

async fn links_are_unique_and_seen_from_both_sides(db: &TestDb) {
    let mut tx = db.store.begin().await.unwrap();
    let a = tx.insert_ticket(&new_ticket("alice")).await.unwrap().reference;
    let b = tx.insert_ticket(&new_ticket("mallory")).await.unwrap().reference;
    assert!(tx.insert_link(a, b, LinkRelation::Duplicate).await.unwrap());
    assert!(!tx.insert_link(a, b, LinkRelation::Related).await.unwrap());
    tx.commit().await.unwrap();
    let from_b = db.store.links(b).await.unwrap();
    assert_eq!(from_b.len(), 1);
    assert_eq!(from_b[0].other, a);
    assert_eq!(from_b[0].relation, LinkRelation::Duplicate);
}

async fn tickets_are_listed_by_status(db: &TestDb) {
    let mut tx = db.store.begin().await.unwrap();
    let mut open = tx.insert_ticket(&new_ticket("alice")).await.unwrap();
    open.status = Status::Open;
    tx.update_ticket(&open).await.unwrap();
    tx.insert_ticket(&new_ticket("mallory")).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(db.store.tickets(None).await.unwrap().len(), 2);
    let only_open = db.store.tickets(Some(Status::Open)).await.unwrap();
    assert_eq!(only_open.iter().map(|t| t.reference).collect::<Vec<_>>(), [open.reference]);
    assert!(db.store.tickets(Some(Status::Resolved)).await.unwrap().is_empty());
}

async fn text_with_sql_metacharacters_is_stored_verbatim(db: &TestDb) {
    let nasty = "Robert'); DROP TABLE tickets;-- \"quoted\" \\ 100% _ $1 ?1 屏幕";
    let mut tx = db.store.begin().await.unwrap();
    let mut ticket = tx.insert_ticket(&new_ticket(nasty)).await.unwrap();
    ticket.title = nasty.into();
    tx.update_ticket(&ticket).await.unwrap();
    tx.insert_message(&message(nasty, nasty), ticket.reference).await.unwrap();
    assert_eq!(tx.message_slot(nasty).await.unwrap(), MessageSlot::Duplicate);
    tx.commit().await.unwrap();
    let stored = db.store.ticket(ticket.reference).await.unwrap().unwrap();
    assert_eq!(stored.title, nasty);
    assert_eq!(stored.customer, nasty);
    assert_eq!(db.store.messages_of(ticket.reference).await.unwrap()[0].message.text, nasty);
}

async fn discord_channels_are_recorded_once_and_their_cursor_only_moves_forward(db: &TestDb) {
    let mut tx = db.store.begin().await.unwrap();
    let ticket = tx.insert_ticket(&new_ticket("alice")).await.unwrap();
    tx.commit().await.unwrap();
    let store = &db.discord;
    let big = 1_234_567_890_123_456_789_i64;
    let staff = DiscordChannel {
        channel_id: big,
        kind: DiscordChannelKind::StaffThread,
        ticket: Some(ticket.reference),
        owner: None,
        last_message_id: Some(big),
    };
    assert!(store.record_discord_channel(&staff).await.unwrap());
    assert!(!store.record_discord_channel(&staff).await.unwrap(), "the same channel twice");
    let second = DiscordChannel { channel_id: big + 1, ..staff.clone() };
    assert!(!store.record_discord_channel(&second).await.unwrap(), "a second staff thread for one ticket");
    assert_eq!(store.discord_staff_thread(ticket.reference).await.unwrap(), Some(big));
    assert_eq!(store.discord_channel(big).await.unwrap(), Some(staff.clone()));

    let customer = DiscordChannel {
        channel_id: 77,
        kind: DiscordChannelKind::CustomerThread,
        ticket: None,
        owner: Some("5:9".into()),
        last_message_id: None,
    };
    assert!(store.record_discord_channel(&customer).await.unwrap());
    assert_eq!(store.discord_customer_thread("5:9").await.unwrap(), Some(77));
    assert_eq!(store.discord_customer_thread("5:10").await.unwrap(), None);

    store.discord_saw_message(77, 1000).await.unwrap();
    store.discord_saw_message(77, 999).await.unwrap();
    store.discord_saw_message(big, big + 5).await.unwrap();
    let channels = store.discord_channels().await.unwrap();
    let cursors: Vec<(i64, Option<i64>)> =
        channels.iter().map(|c| (c.channel_id, c.last_message_id)).collect();
    assert_eq!(cursors, [(77, Some(1000)), (big, Some(big + 5))]);
}

async fn discord_state_is_set_and_overwritten(db: &TestDb) {
    let store = &db.discord;
    assert_eq!(store.discord_state("commands:global").await.unwrap(), None);
    store.set_discord_state("commands:global", "a").await.unwrap();
    store.set_discord_state("commands:global", "b").await.unwrap();
    assert_eq!(store.discord_state("commands:global").await.unwrap().as_deref(), Some("b"));
}

async fn a_war_room_round_trips_and_is_found_when_its_reminder_is_due(db: &TestDb) {
    let mut tx = db.store.begin().await.unwrap();
    let ticket = tx.insert_ticket(&new_ticket("alice")).await.unwrap().reference;
    let mut room = WarRoom {
        ticket,
        name: WarRoom::name_for(ticket),
        opened_at: t0(),
        leader: Some("erin".into()),
        roster: vec!["erin".into(), "grace".into()],
        impact: "a fleet 'down'; DROP TABLE war_rooms; --".into(),
        remind_at: Some(t0() + Duration::minutes(60)),
        archived_at: None,
        report: None,
        card: Some("INCIDENT …".into()),
    };
    tx.save_war_room(&room).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(db.store.war_room(ticket).await.unwrap(), Some(room.clone()));
    assert!(db.store.war_rooms_to_remind(t0() + Duration::minutes(59), 10).await.unwrap().is_empty());
    assert_eq!(db.store.war_rooms_to_remind(t0() + Duration::minutes(60), 10).await.unwrap(), [ticket]);

    room.admit("dave");
    room.remind_at = None;
    room.archived_at = Some(t0() + Duration::hours(5));
    room.report = Some(IncidentReport {
        problem: "p".into(),
        root_cause: "r".into(),
        containment: "c".into(),
        corrective: "k".into(),
        preventive: "v".into(),
    });
    let mut tx = db.store.begin().await.unwrap();
    tx.save_war_room(&room).await.unwrap();
    assert_eq!(tx.war_room_for_update(ticket).await.unwrap(), Some(room.clone()));
    tx.commit().await.unwrap();
    assert_eq!(db.store.war_room(ticket).await.unwrap().unwrap().roster, ["erin", "grace", "dave"]);
    assert!(db.store.war_rooms_to_remind(t0() + Duration::days(30), 10).await.unwrap().is_empty());
    assert_eq!(db.store.war_room(TicketRef(99)).await.unwrap(), None);
}

async fn a_confirmation_timer_is_replaced_found_when_due_and_cleared(db: &TestDb) {
    let mut tx = db.store.begin().await.unwrap();
    let ticket = tx.insert_ticket(&new_ticket("alice")).await.unwrap().reference;
    let remind = ConfirmationTimer {
        ticket,
        asked_at: t0(),
        step: ConfirmationStep::Remind,
        due_at: t0() + Duration::hours(24),
    };
    tx.set_confirmation_timer(&remind).await.unwrap();
    let close = ConfirmationTimer {
        step: ConfirmationStep::AutoConfirm,
        due_at: t0() + Duration::days(3),
        ..remind.clone()
    };
    tx.set_confirmation_timer(&close).await.unwrap();
    assert_eq!(tx.confirmation_timer(ticket).await.unwrap(), Some(close.clone()));
    tx.commit().await.unwrap();
    assert!(db.store.due_confirmations(t0() + Duration::hours(30), 10).await.unwrap().is_empty());
    assert_eq!(db.store.due_confirmations(t0() + Duration::days(3), 10).await.unwrap(), [ticket]);

    let mut tx = db.store.begin().await.unwrap();
    tx.clear_confirmation_timer(ticket).await.unwrap();
    assert_eq!(tx.confirmation_timer(ticket).await.unwrap(), None);
    tx.commit().await.unwrap();
    assert!(db.store.due_confirmations(t0() + Duration::days(30), 10).await.unwrap().is_empty());
}

async fn messages_are_counted_by_author_from_an_instant(db: &TestDb) {
    let mut tx = db.store.begin().await.unwrap();
    let ticket = tx.insert_ticket(&new_ticket("alice")).await.unwrap();
    for (n, seconds) in [0, 30, 59, 90].into_iter().enumerate() {
        let at = t0() + chrono::Duration::seconds(seconds);
        let m = NewMessage { received_at: at, ..message(&format!("rate-{n}"), "hi") };
        tx.insert_message(&m, ticket.reference).await.unwrap();
    }
    let bob = NewMessage { author: "bob".into(), ..message("rate-bob", "hi") };
    tx.insert_message(&bob, ticket.reference).await.unwrap();
    assert_eq!(tx.messages_from_since("alice", t0()).await.unwrap(), 4);
    assert_eq!(tx.messages_from_since("alice", t0() + chrono::Duration::seconds(30)).await.unwrap(), 3);
    assert_eq!(tx.messages_from_since("alice", t0() + chrono::Duration::seconds(91)).await.unwrap(), 0);
    assert_eq!(tx.messages_from_since("bob", t0()).await.unwrap(), 1);
    tx.commit().await.unwrap();
}

async fn a_persons_latest_message_is_the_one_received_last(db: &TestDb) {
    assert_eq!(db.store.latest_message_of("alice").await.unwrap(), None);
    let mut tx = db.store.begin().await.unwrap();
    let ticket = tx.insert_ticket(&new_ticket("alice")).await.unwrap();
    for (n, (seconds, text)) in
        [(60, "屏幕一直闪"), (0, "hello"), (30, "still there")].into_iter().enumerate()
    {
        let m = NewMessage {
            received_at: t0() + chrono::Duration::seconds(seconds),
            ..message(&format!("l-{n}"), text)
        };
        tx.insert_message(&m, ticket.reference).await.unwrap();
    }
    let bob = NewMessage {
        author: "bob".into(),
        received_at: t0() + chrono::Duration::hours(1),
        ..message("l-bob", "hi")
    };
    tx.insert_message(&bob, ticket.reference).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(db.store.latest_message_of("alice").await.unwrap().as_deref(), Some("屏幕一直闪"));
    assert_eq!(db.store.latest_message_of("bob").await.unwrap().as_deref(), Some("hi"));
}

async fn tickets_are_found_by_status_or_open_assignee_and_domain(db: &TestDb) {
    let mut tx = db.store.begin().await.unwrap();
    let mut refs = Vec::new();
    for (status, assignee, domain) in [
        (Status::New, Some("bob"), Some("screen")),
        (Status::Open, Some("bob"), Some("rf")),
        (Status::WaitingCustomer, Some("carol"), Some("screen")),
        (Status::Resolved, Some("bob"), Some("screen")),
        (Status::Closed, Some("bob"), Some("screen")),
        (Status::Open, None, None),
    ] {
        let mut ticket = tx
            .insert_ticket(&NewTicket {
                assignee: assignee.map(Into::into),
                domain: domain.map(Into::into),
                ..new_ticket("alice")
            })
            .await
            .unwrap();
        ticket.status = status;
        tx.update_ticket(&ticket).await.unwrap();
        refs.push(ticket.reference.0);
    }
    tx.commit().await.unwrap();
    let find = |filter: TicketFilter| {
        let store = db.store.clone();
        async move { store.find_tickets(&filter).await.unwrap().iter().map(|t| t.reference.0).collect::<Vec<_>>() }
    };
    let [new, open, waiting, resolved, closed, unassigned] = refs[..] else { unreachable!() };
    assert_eq!(find(TicketFilter::default()).await, refs);
    assert_eq!(
        find(TicketFilter { status: Some(StatusFilter::NotClosed), ..TicketFilter::default() }).await,
        [new, open, waiting, resolved, unassigned],
        "open, as staff read it, is every status but closed"
    );
    assert_eq!(
        find(TicketFilter { status: Some(StatusFilter::Is(Status::Open)), ..TicketFilter::default() }).await,
        [open, unassigned]
    );
    assert_eq!(
        find(TicketFilter {
            status: Some(StatusFilter::NotClosed),
            assignee: Some("bob".into()),
            domain: Some("screen".into()),
            ..TicketFilter::default()
        })
        .await,
        [new, resolved]
    );
    assert_eq!(
        find(TicketFilter { assignee: Some("carol".into()), ..TicketFilter::default() }).await,
        [waiting]
    );
    assert_eq!(find(TicketFilter { domain: Some("rf".into()), ..TicketFilter::default() }).await, [open]);
    assert_eq!(
        find(TicketFilter { status: Some(StatusFilter::Is(Status::Closed)), ..TicketFilter::default() })
            .await,
        [closed]
    );
    // Values are bound, never formatted in: a quote is a name like any other.
    assert!(
        find(TicketFilter { assignee: Some("bob' OR '1'='1".into()), ..TicketFilter::default() })
            .await
            .is_empty()
    );
    assert_eq!("open".parse::<StatusFilter>(), Ok(StatusFilter::NotClosed));
    assert_eq!("waiting_customer".parse::<StatusFilter>(), Ok(StatusFilter::Is(Status::WaitingCustomer)));
    assert!("lost".parse::<StatusFilter>().unwrap_err().contains("`lost` is not a status"));
}

async fn the_posts_of_one_instant_after_an_id_are_found_sent_or_not(db: &TestDb) {
    assert_eq!(db.store.last_post_id().await.unwrap(), 0, "an empty outbox");
    let mut tx = db.store.begin().await.unwrap();
    let ticket = tx.insert_ticket(&new_ticket("alice")).await.unwrap().reference;
    tx.enqueue_post(&post(ticket, "before the run"), t0()).await.unwrap();
    tx.commit().await.unwrap();
    let before = db.store.last_post_id().await.unwrap();
    assert!(before > 0);

    let run = t0() + Duration::milliseconds(1_234);
    let mut tx = db.store.begin().await.unwrap();
    tx.enqueue_post(&post(ticket, "first notice"), run).await.unwrap();
    tx.enqueue_post(&post(ticket, "meanwhile, by someone else"), run + Duration::seconds(1)).await.unwrap();
    tx.enqueue_post(&post(ticket, "second notice"), run).await.unwrap();
    tx.commit().await.unwrap();
    let first = db.store.claim_posts(run + Duration::days(1), run + Duration::days(1), 10).await.unwrap();
    db.store.mark_post_sent(first[1].id, run).await.unwrap();

    let posts = db.store.posts_enqueued_at(before, run).await.unwrap();
    let texts: Vec<&str> = posts.iter().map(|p| p.post.text.as_str()).collect();
    assert_eq!(texts, ["first notice", "second notice"], "sent or not, in order");
    assert!(posts.iter().all(|p| p.created_at == run && p.id > before));
    assert!(
        db.store.posts_enqueued_at(db.store.last_post_id().await.unwrap(), run).await.unwrap().is_empty()
    );
}

async fn a_read_refuses_a_schema_behind_and_migrates_nothing(db: &TestDb) {
    assert_eq!(db.store.schema().await.unwrap(), Schema::Current);
    let older = db.blank().await;
    older.migrate_all_but_last().await;
    let applied = common::applied_migrations(&older.url).await;

    let refused = resolvd::store::open_current(&older.url).await.err().expect("a schema behind is refused");
    assert!(matches!(refused, StoreError::SchemaBehind { pending: 1 }), "{refused:?}");
    assert_eq!(
        refused.to_string(),
        "the database schema is behind this resolvd (1 migration to apply); run `resolvd migrate`"
    );
    assert_eq!(common::applied_migrations(&older.url).await, applied, "nothing was migrated");

    let migrated = resolvd::store::open(&older.url).await.unwrap();
    assert_eq!(migrated.schema().await.unwrap(), Schema::Current);
    drop(migrated);
    assert!(resolvd::store::open_current(&older.url).await.is_ok());
    older.finish().await;

    // A migration a newer build applied is no reason to refuse a read.
    common::execute(
        &db.url,
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         SELECT 99999, 'a newer build', success, checksum, execution_time FROM _sqlx_migrations WHERE version = 1",
    )
    .await;
    assert_eq!(db.store.schema().await.unwrap(), Schema::Current);
}

async fn a_read_refuses_a_blank_database_and_creates_nothing(db: &TestDb) {
    let blank = db.blank().await;
    let refused = resolvd::store::open_current(&blank.url).await.err().expect("a blank database is refused");
    let text = refused.to_string();
    assert!(text.contains("run `resolvd migrate`"), "{text}");
    match db.store.backend() {
        resolvd::store::Backend::Sqlite => {
            assert!(matches!(refused, StoreError::NoDatabase(_)), "{refused:?}")
        }
        resolvd::store::Backend::Postgres => {
            assert!(matches!(refused, StoreError::NoSchema { pending } if pending > 1), "{refused:?}")
        }
    }
    assert!(blank.is_untouched().await, "a read created nothing");
    if let Some(path) = &blank.path {
        // A SQLite file with no tables in it is a database nobody migrated.
        std::fs::File::create(path).unwrap();
        let refused = resolvd::store::open_current(&blank.url).await.err().expect("an empty file is refused");
        assert!(matches!(refused, StoreError::NoSchema { pending } if pending > 1), "{refused:?}");
    }
    blank.finish().await;
}

async fn open_tickets_come_most_recently_active_first(db: &TestDb) {
    let mut tx = db.store.begin().await.unwrap();
    let older = tx.insert_ticket(&new_ticket("alice")).await.unwrap();
    let mut newer = tx.insert_ticket(&new_ticket("alice")).await.unwrap();
    let mut closed = tx.insert_ticket(&new_ticket("alice")).await.unwrap();
    closed.status = Status::Closed;
    tx.update_ticket(&closed).await.unwrap();
    newer.updated_at = t0() + Duration::minutes(1);
    tx.update_ticket(&newer).await.unwrap();
    let mut touched = older.clone();
    touched.updated_at = t0() + Duration::minutes(2);
    tx.update_ticket(&touched).await.unwrap();
    let open: Vec<TicketRef> =
        tx.open_tickets_of("direct:alice", "alice").await.unwrap().iter().map(|t| t.reference).collect();
    assert_eq!(open, [older.reference, newer.reference], "the one written to last comes first");
    assert_eq!(
        tx.open_ticket_of("direct:alice", "alice").await.unwrap().map(|t| t.reference),
        Some(older.reference)
    );
    assert!(tx.open_tickets_of("direct:alice", "mallory").await.unwrap().is_empty());
    tx.commit().await.unwrap();
}

async fn a_message_is_found_by_its_platform_id_and_moves_to_another_ticket(db: &TestDb) {
    let mut tx = db.store.begin().await.unwrap();
    let first = tx.insert_ticket(&new_ticket("alice")).await.unwrap().reference;
    let second = tx.insert_ticket(&new_ticket("alice")).await.unwrap().reference;
    let id = tx
        .insert_message(&message("discord:message:1'; DROP TABLE messages; --", "hi"), first)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        tx.ticket_of_message("discord:message:1'; DROP TABLE messages; --").await.unwrap(),
        Some(first)
    );
    assert_eq!(tx.ticket_of_message("discord:message:2").await.unwrap(), None);
    tx.move_message(id, second).await.unwrap();
    let stored = tx.message(id).await.unwrap().unwrap();
    assert_eq!((stored.ticket, stored.message.text.as_str()), (Some(second), "hi"));
    assert!(tx.message(id + 100).await.unwrap().is_none());
    tx.commit().await.unwrap();
    assert_eq!(db.store.messages_of(second).await.unwrap().len(), 1);
    assert!(db.store.messages_of(first).await.unwrap().is_empty());
}

async fn merged_tickets_are_found_from_both_ends(db: &TestDb) {
    let mut tx = db.store.begin().await.unwrap();
    let target = tx.insert_ticket(&new_ticket("alice")).await.unwrap();
    let mut merged = tx.insert_ticket(&new_ticket("mallory")).await.unwrap();
    let related = tx.insert_ticket(&new_ticket("zoe")).await.unwrap();
    merged.status = Status::Closed;
    merged.close_reason = Some(CloseReason::Merged);
    tx.update_ticket(&merged).await.unwrap();
    tx.insert_link(merged.reference, target.reference, LinkRelation::Duplicate).await.unwrap();
    tx.insert_link(related.reference, target.reference, LinkRelation::Related).await.unwrap();
    let into: Vec<TicketRef> =
        tx.merged_into(target.reference).await.unwrap().iter().map(|t| t.reference).collect();
    assert_eq!(into, [merged.reference], "a related ticket is not merged");
    assert_eq!(tx.merged_target(merged.reference).await.unwrap(), Some(target.reference));
    assert_eq!(tx.merged_target(related.reference).await.unwrap(), None);
    assert_eq!(tx.last_merged_ticket_of("direct:mallory", "mallory").await.unwrap(), Some(merged.reference));
    assert_eq!(tx.last_merged_ticket_of("direct:alice", "alice").await.unwrap(), None);
    // Reopened, it is merged no more.
    merged.status = Status::Open;
    merged.close_reason = None;
    tx.update_ticket(&merged).await.unwrap();
    assert!(tx.merged_into(target.reference).await.unwrap().is_empty());
    tx.commit().await.unwrap();
}

async fn tickets_are_listed_a_page_at_a_time(db: &TestDb) {
    let mut tx = db.store.begin().await.unwrap();
    let mut all = Vec::new();
    for customer in ["alice", "mallory", "zoe", "yan", "xu"] {
        all.push(tx.insert_ticket(&new_ticket(customer)).await.unwrap().reference);
    }
    tx.commit().await.unwrap();
    let page = |after: Option<TicketRef>| TicketFilter { after, limit: Some(2), ..TicketFilter::default() };
    let refs =
        |tickets: Vec<resolvd::domain::Ticket>| tickets.iter().map(|t| t.reference).collect::<Vec<_>>();
    let first = refs(db.store.find_tickets(&page(None)).await.unwrap());
    assert_eq!(first, all[..2]);
    let second = refs(db.store.find_tickets(&page(first.last().copied())).await.unwrap());
    assert_eq!(second, all[2..4]);
    let last = refs(db.store.find_tickets(&page(second.last().copied())).await.unwrap());
    assert_eq!(last, all[4..]);
    assert!(db.store.find_tickets(&page(last.last().copied())).await.unwrap().is_empty());
}

async fn retention_deletes_only_old_guards_and_keeps_open_tickets_notices(db: &TestDb) {
    let old = t0();
    let recent = t0() + Duration::days(100);
    let mut tx = db.store.begin().await.unwrap();
    let open = tx.insert_ticket(&new_ticket("alice")).await.unwrap();
    let mut closed = tx.insert_ticket(&new_ticket("mallory")).await.unwrap();
    closed.status = Status::Closed;
    closed.close_reason = Some(CloseReason::Confirmed);
    tx.update_ticket(&closed).await.unwrap();
    for (ticket, at) in [(open.reference, old), (closed.reference, old), (closed.reference, recent)] {
        tx.enqueue_post(&post(ticket, "hello"), at).await.unwrap();
        assert!(tx.record_notice(ticket, &format!("breach:{at}"), at).await.unwrap());
    }
    assert!(tx.claim_inbound("discord:old", old).await.unwrap());
    assert!(tx.claim_inbound("discord:recent", recent).await.unwrap());
    // Deliveries: one delivered long ago, one whose receiver answered where it lives (a tracker
    // issue, kept), one delivered recently, one never delivered.
    let mut deliveries = Vec::new();
    for subject in ["T-1", "V-1", "T-2", "T-3"] {
        let new = NewDelivery { target: "http://hook", event: "ticket.created", subject, at: old };
        deliveries.push(tx.insert_delivery(&new, &|_| "{}".to_owned()).await.unwrap());
    }
    tx.commit().await.unwrap();
    db.store.mark_delivered(deliveries[0], old, None).await.unwrap();
    db.store.mark_delivered(deliveries[1], old, Some("https://tracker/1")).await.unwrap();
    db.store.mark_delivered(deliveries[2], recent, None).await.unwrap();
    let posts = db.store.claim_posts(recent, recent, 10).await.unwrap();
    for p in &posts {
        let at = if p.post.ticket == Some(closed.reference) && p.id == posts.last().unwrap().id {
            recent
        } else {
            old
        };
        db.store.mark_post_sent(p.id, at).await.unwrap();
    }
    assert!(db.store.claim_tick("sla_sweep", old, old).await.unwrap());
    assert!(db.store.claim_tick("sla_sweep", recent, recent).await.unwrap());

    let pruned = db.store.prune_before(old + Duration::days(10)).await.unwrap();
    assert_eq!(
        pruned,
        resolvd::store::Pruned {
            sent_posts: 2,
            handled_inbound: 1,
            scheduler_ticks: 1,
            notices: 1,
            deliveries: 1
        },
        "the open ticket keeps its notice, so the sweep never sends it again"
    );
    let mut tx = db.store.begin().await.unwrap();
    assert!(!tx.record_notice(open.reference, &format!("breach:{old}"), recent).await.unwrap());
    assert!(!tx.claim_inbound("discord:recent", recent).await.unwrap(), "a recent id still guards");
    assert!(tx.claim_inbound("discord:old", recent).await.unwrap());
    tx.commit().await.unwrap();
    assert!(!db.store.claim_tick("sla_sweep", recent, recent).await.unwrap());
    assert_eq!(db.store.prune_before(old + Duration::days(10)).await.unwrap().sent_posts, 0);
    let left: Vec<String> =
        db.store.deliveries(DeliveryFilter::All, 10).await.unwrap().into_iter().map(|d| d.subject).collect();
    assert_eq!(left, ["V-1", "T-2", "T-3"], "the undelivered and the tracker's issue are kept");
}
