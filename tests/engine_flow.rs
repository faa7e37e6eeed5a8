//! The engine through its inbound events, on SQLite and on PostgreSQL.

mod common;

use chrono::Utc;
use common::{Driver, TestDb, reply, t0};
use resolvd::domain::{Audience, CloseReason, EventKind, Kind, Severity, Status, TicketRef, Tier};
use resolvd::engine::{Inbound, InboundStaffReply};
use resolvd::store::NewMessage;

on_both_databases!(
    the_life_cycle_leaves_one_timeline_event_per_step,
    a_message_delivered_twice_makes_one_ticket,
    follow_ups_append_until_the_ticket_is_closed,
    rules_classify_and_routing_takes_turns_in_each_queue,
    a_customer_typing_a_staff_command_is_refused_and_audited,
    a_replayed_command_changes_nothing,
    illegal_transitions_are_refused_with_the_rule_that_was_broken,
    malformed_commands_get_a_specific_reply,
    customers_see_only_their_own_tickets,
    waiting_for_the_customer_ends_when_they_write,
    the_customer_confirms_or_reopens_through_the_resolution_buttons,
    a_duplicate_is_merged_into_the_other_ticket,
    staff_open_tickets_on_behalf_of_customers,
    a_message_whose_intake_failed_is_taken_in_at_the_next_start,
    commands_default_to_the_ticket_of_their_conversation,
    escalation_needs_a_domain_and_stops_at_rnd,
    messages_arriving_together_are_taken_in_together_and_each_once,
    a_staff_reply_is_logged_and_relayed_once_unless_written_where_the_customer_reads,
);

async fn event_types(d: &Driver, ticket: TicketRef) -> Vec<&'static str> {
    d.store().timeline(ticket).await.unwrap().iter().map(|e| e.kind.type_name()).collect()
}

async fn ticket(d: &Driver, n: i64) -> resolvd::domain::Ticket {
    d.store().ticket(TicketRef(n)).await.unwrap().unwrap()
}

async fn drain_texts(d: &Driver) -> Vec<(Audience, String)> {
    let now = Utc::now() + chrono::Duration::days(1);
    let posts = d.store().claim_posts(now, now, 1000).await.unwrap();
    for p in &posts {
        d.store().mark_post_sent(p.id, now).await.unwrap();
    }
    posts.into_iter().map(|p| (p.post.audience, p.post.text)).collect()
}

async fn the_life_cycle_leaves_one_timeline_event_per_step(db: &TestDb) {
    let d = Driver::new(db);
    d.message("alice", "My phone's screen keeps flickering").await;
    d.command("bob", "classify ticket:T-1 domain:screen kind:fault severity:P1").await;
    let escalated = d.command("bob", "escalate ticket:T-1 to:L2 reason:\"needs panel diagnostics\"").await;
    assert_eq!(reply(&escalated), "T-1 escalated to L2, now with carol");
    // Erin works in L2 too: the ticket stays at L2 with her.
    let assigned = d.command("bob", "assign ticket:T-1 user:erin").await;
    assert_eq!(reply(&assigned), "T-1 assigned to erin (from carol, who is told)");
    d.command("carol", "resolve ticket:T-1 resolution:\"new display driver\"").await;
    d.command("carol", "close ticket:T-1").await;

    let t = ticket(&d, 1).await;
    assert_eq!(
        (t.status, t.close_reason, t.kind, t.domain.as_deref(), t.severity, t.tier, t.assignee.as_deref()),
        (
            Status::Closed,
            Some(CloseReason::ClosedByStaff),
            Some(Kind::Fault),
            Some("screen"),
            Some(Severity::P1),
            Tier::L2,
            Some("erin")
        )
    );
    assert_eq!(t.customer, "alice");
    assert_eq!(
        event_types(&d, t.reference).await,
        ["created", "classified", "escalated", "assigned", "resolved", "closed"]
    );
    let timeline = d.store().timeline(t.reference).await.unwrap();
    assert_eq!(
        timeline.iter().map(|e| e.actor.as_str()).collect::<Vec<_>>(),
        ["alice", "bob", "bob", "bob", "carol", "carol"]
    );
    assert!(
        matches!(&timeline[2].kind, EventKind::Escalated { reason, .. } if reason == "needs panel diagnostics")
    );
}

async fn a_message_delivered_twice_makes_one_ticket(db: &TestDb) {
    let d = Driver::new(db);
    let first = d.message_with_id("alice", "no signal at home", "discord:111", t0()).await;
    let again = d.message_with_id("alice", "no signal at home", "discord:111", t0()).await;
    assert!(!first.duplicate);
    assert!(again.duplicate);
    assert_eq!(d.store().tickets(None).await.unwrap().len(), 1);
    assert_eq!(event_types(&d, TicketRef(1)).await, ["created"]);
    assert_eq!(d.store().messages_of(TicketRef(1)).await.unwrap().len(), 1);
}

async fn follow_ups_append_until_the_ticket_is_closed(db: &TestDb) {
    let d = Driver::new(db);
    d.message("alice", "my screen flickers").await;
    d.message("alice", "also when charging").await;
    d.message("mallory", "my back cover is scratched").await;
    assert_eq!(event_types(&d, TicketRef(1)).await, ["created", "message"]);
    assert_eq!(d.store().messages_of(TicketRef(1)).await.unwrap().len(), 2);
    d.command("bob", "close ticket:T-1").await;
    let outcome = d.message("alice", "it's back").await;
    assert_eq!(outcome.ticket, Some(TicketRef(3)));
    assert_eq!(ticket(&d, 2).await.customer, "mallory");
}

async fn rules_classify_and_routing_takes_turns_in_each_queue(db: &TestDb) {
    let d = Driver::new(db);
    d.message("alice", "紧急：手机屏幕一直闪").await;
    let t = ticket(&d, 1).await;
    assert_eq!(
        (t.domain.as_deref(), t.kind, t.severity),
        (Some("screen"), Some(Kind::Fault), Some(Severity::P1))
    );
    assert_eq!(t.assignee.as_deref(), Some("bob"));

    d.message("mallory", "display has dead pixels").await;
    for n in [1, 2] {
        d.command("bob", &format!("escalate ticket:T-{n} reason:\"needs L2\"")).await;
    }
    // The screen L2 queue is carol, then erin.
    assert_eq!(ticket(&d, 1).await.assignee.as_deref(), Some("carol"));
    assert_eq!(ticket(&d, 2).await.assignee.as_deref(), Some("erin"));

    d.message("zoe", "hello?").await;
    let unknown = ticket(&d, 3).await;
    assert_eq!((unknown.domain, unknown.assignee.as_deref()), (None, Some("bob")));
}

async fn a_customer_typing_a_staff_command_is_refused_and_audited(db: &TestDb) {
    let d = Driver::new(db);
    d.message("alice", "my screen flickers").await;
    let refused = d.command("mallory", "assign ticket:T-1 user:mallory").await;
    assert_eq!(reply(&refused), "/assign is for engineers and managers; you are a customer");
    assert!(refused.reply.as_ref().unwrap().private);
    assert_eq!(ticket(&d, 1).await.assignee.as_deref(), Some("bob"));
    // Mallory is not T-1's customer: her refusal is audited, not written on alice's timeline.
    let timeline = d.store().timeline(TicketRef(1)).await.unwrap();
    assert!(!timeline.iter().any(|e| matches!(e.kind, EventKind::Refused { .. })), "{timeline:?}");
    let audit = d.store().audit_log().await.unwrap();
    assert!(matches!(&audit[0].kind, EventKind::Refused { command, .. } if command == "assign"));
    assert_eq!(audit[0].actor, "mallory");

    // Alice's own refusal goes on her ticket's timeline.
    d.command("alice", "assign ticket:T-1 user:alice").await;
    let timeline = d.store().timeline(TicketRef(1)).await.unwrap();
    assert!(
        matches!(&timeline.last().unwrap().kind, EventKind::Refused { command, .. } if command == "assign")
    );
    assert_eq!(timeline.last().unwrap().actor, "alice");

    d.command("mallory", "unassign").await;
    let audit = d.store().audit_log().await.unwrap();
    assert_eq!(audit.len(), 2, "a refusal naming no ticket goes to the audit log");
}

async fn a_replayed_command_changes_nothing(db: &TestDb) {
    let d = Driver::new(db);
    d.message("alice", "my screen flickers").await;
    let first = d.command_with_id("bob", "note ticket:T-1 text:\"called her\"", "interaction-9").await;
    let replay = d.command_with_id("bob", "note ticket:T-1 text:\"called her\"", "interaction-9").await;
    assert!(!first.duplicate);
    assert!(replay.duplicate);
    assert_eq!(replay.reply, None);
    assert_eq!(event_types(&d, TicketRef(1)).await, ["created", "note"]);
}

async fn illegal_transitions_are_refused_with_the_rule_that_was_broken(db: &TestDb) {
    let d = Driver::new(db);
    d.message("alice", "my screen flickers").await;
    assert_eq!(
        reply(&d.command("bob", "reopen ticket:T-1").await),
        "T-1 is new, not resolved or closed; there is nothing to reopen"
    );
    d.command("bob", "close ticket:T-1").await;
    assert_eq!(
        reply(&d.command("bob", "resolve ticket:T-1 resolution:done").await),
        "T-1 is closed; reopen it first"
    );
    assert_eq!(reply(&d.command("bob", "claim ticket:T-1").await), "T-1 is closed; reopen it first");
    assert_eq!(event_types(&d, TicketRef(1)).await, ["created", "closed"]);
}

async fn malformed_commands_get_a_specific_reply(db: &TestDb) {
    let d = Driver::new(db);
    d.message("alice", "my screen flickers").await;
    let cases = [
        ("frobnicate ticket:T-1", "there is no /frobnicate command; /help lists the commands"),
        (
            "resolve ticket:T-1",
            "/resolve needs resolution:… (What fixed it, in words the customer understands)",
        ),
        (
            "classify ticket:T-1 severity:P9",
            "`P9` is not a choice for severity in /classify; choose one of S, P1, P2, P3",
        ),
        (
            "classify ticket:T-1 sev:P1",
            "/classify has no option `sev`; its options are ticket, domain, kind, severity, reason, reroute",
        ),
        ("note ticket:T-99 text:x", "there is no ticket T-99"),
        ("note ticket:T1 text:x", "`T1` is not a ticket reference; write it as T-12"),
        ("assign ticket:T-1 user:mallory", "`mallory` is not an engineer; tickets go to engineers"),
        ("classify ticket:T-1", "give at least one of domain, kind or severity"),
        ("note ticket:T-1 ticket:T-1 text:x", "/note got `ticket` twice"),
        ("note text:x", "this conversation has no open ticket; name one with ticket:T-n"),
    ];
    for (line, expected) in cases {
        let outcome = d.command("bob", line).await;
        assert_eq!(reply(&outcome), expected, "for /{line}");
        assert!(outcome.reply.unwrap().private);
    }
    assert_eq!(event_types(&d, TicketRef(1)).await, ["created"]);
}

async fn customers_see_only_their_own_tickets(db: &TestDb) {
    let d = Driver::new(db);
    d.message("alice", "my screen flickers").await;
    let status = d.command("alice", "status").await;
    let status = reply(&status);
    assert!(
        status.starts_with("T-1 “my screen flickers”: we are working on it. Bob Li is helping you."),
        "{status}"
    );
    assert_eq!(reply(&d.command("mallory", "status ticket:T-1").await), "there is no ticket T-1");
    assert!(reply(&d.command("frank", "status ticket:T-1").await).starts_with("T-1"));
}

async fn waiting_for_the_customer_ends_when_they_write(db: &TestDb) {
    let d = Driver::new(db);
    d.message("alice", "my screen flickers").await;
    d.command("bob", "wait ticket:T-1 reason:\"which app shows it?\"").await;
    assert_eq!(ticket(&d, 1).await.status, Status::WaitingCustomer);
    let posts = drain_texts(&d).await;
    assert!(posts.iter().any(|(to, text)| matches!(to, Audience::Customer { user, .. } if user == "alice")
        && text.contains("which app shows it?")));
    d.message("alice", "the camera app").await;
    assert_eq!(ticket(&d, 1).await.status, Status::Open);
    assert_eq!(event_types(&d, TicketRef(1)).await, ["created", "waiting", "message", "resumed"]);
}

async fn the_customer_confirms_or_reopens_through_the_resolution_buttons(db: &TestDb) {
    let d = Driver::new(db);
    d.message("alice", "my screen flickers").await;
    d.command("bob", "resolve ticket:T-1 resolution:\"update to 2.1.4\"").await;
    let card = drain_texts(&d).await.into_iter().find(|(_, text)| text.contains("update to 2.1.4"));
    assert!(matches!(card, Some((Audience::Customer { .. }, _))));

    let refused = d.press("mallory", "confirm:T-1").await;
    assert_eq!(reply(&refused), "only the customer who reported it can confirm this ticket");
    assert_eq!(ticket(&d, 1).await.status, Status::Resolved);

    d.press("alice", "notfixed:T-1").await;
    let t = ticket(&d, 1).await;
    assert_eq!((t.status, t.assignee.as_deref()), (Status::Open, Some("bob")));

    d.command("bob", "resolve ticket:T-1 resolution:\"replaced the panel\"").await;
    d.press("alice", "confirm:T-1").await;
    let t = ticket(&d, 1).await;
    assert_eq!((t.status, t.close_reason), (Status::Closed, Some(CloseReason::Confirmed)));
    assert_eq!(
        reply(&d.press("alice", "explode:T-1").await),
        "`explode:T-1` is not a button: unknown action `explode`"
    );
    assert_eq!(
        event_types(&d, TicketRef(1)).await,
        ["created", "resolved", "reopened", "resolved", "closed"],
        "mallory's refused press is audited, not on alice's timeline"
    );
}

async fn a_duplicate_is_merged_into_the_other_ticket(db: &TestDb) {
    let d = Driver::new(db);
    d.message("alice", "my screen flickers").await;
    d.message("mallory", "screen flickering too").await;
    assert_eq!(
        reply(&d.command("bob", "link ticket:T-2 to:T-1 relation:duplicate").await),
        "T-2 merged into T-1"
    );
    let t2 = ticket(&d, 2).await;
    assert_eq!((t2.status, t2.close_reason), (Status::Closed, Some(CloseReason::Merged)));
    assert_eq!(
        reply(&d.command("bob", "reopen ticket:T-2").await),
        "T-2 was merged into another ticket; reopen that one instead"
    );
    assert_eq!(
        reply(&d.command("bob", "link ticket:T-1 to:T-1").await),
        "a ticket cannot be linked to itself"
    );
    assert_eq!(d.store().links(TicketRef(1)).await.unwrap().len(), 1);
}

async fn staff_open_tickets_on_behalf_of_customers(db: &TestDb) {
    let d = Driver::new(db);
    let opened = d.command("bob", "ticket customer:alice text:\"called in: no signal in the office\"").await;
    assert!(reply(&opened).starts_with("Opened T-1 for alice"));
    let t = ticket(&d, 1).await;
    assert_eq!((t.customer.as_str(), t.domain.as_deref()), ("alice", Some("rf")));
    let timeline = d.store().timeline(TicketRef(1)).await.unwrap();
    assert_eq!(timeline[0].actor, "bob");
    // The customer's own next message adds to the same ticket.
    d.message("alice", "still no signal").await;
    assert_eq!(event_types(&d, TicketRef(1)).await, ["created", "message"]);
}

async fn a_message_whose_intake_failed_is_taken_in_at_the_next_start(db: &TestDb) {
    let d = Driver::new(db);
    let message = NewMessage {
        source_id: "discord:555".into(),
        conversation: "direct:alice".into(),
        author: "alice".into(),
        text: "my screen flickers".into(),
        received_at: t0(),
        attachments: vec![],
    };
    d.store().keep_untaken_message(&message).await.unwrap();
    assert_eq!(d.engine.take_in_untaken().await.unwrap(), 1);
    assert_eq!(event_types(&d, TicketRef(1)).await, ["created"]);
    assert_eq!(d.engine.take_in_untaken().await.unwrap(), 0);
    assert!(d.message_with_id("alice", "my screen flickers", "discord:555", t0()).await.duplicate);
}

async fn commands_default_to_the_ticket_of_their_conversation(db: &TestDb) {
    let d = Driver::new(db);
    d.message("alice", "my screen flickers").await;
    let status = d.command("alice", "status").await;
    assert!(reply(&status).starts_with("T-1"));
    assert_eq!(status.ticket, Some(TicketRef(1)));
}

async fn escalation_needs_a_domain_and_stops_at_rnd(db: &TestDb) {
    let d = Driver::new(db);
    d.message("zoe", "hello?").await;
    assert_eq!(
        reply(&d.command("bob", "escalate ticket:T-1 reason:x").await),
        "classify T-1 with a domain first: each tier's queue belongs to a domain"
    );
    d.command("bob", "classify ticket:T-1 domain:antenna").await;
    d.command("bob", "escalate ticket:T-1 to:RnD reason:\"hardware\"").await;
    assert_eq!(ticket(&d, 1).await.assignee.as_deref(), Some("dave"));
    assert_eq!(
        reply(&d.command("bob", "escalate ticket:T-1 reason:x").await),
        "T-1 is already at RnD, the last tier"
    );
}

async fn messages_arriving_together_are_taken_in_together_and_each_once(db: &TestDb) {
    let d = std::sync::Arc::new(Driver::new(db));
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..60 {
        let d = d.clone();
        tasks.spawn(async move {
            let customer = format!("customer{}", i % 20);
            // Message 7 is delivered twice at once, as a replaying gateway would.
            let source = format!("burst:{}", if i == 8 { 7 } else { i });
            d.message_with_id(&customer, &format!("my screen flickers ({i})"), &source, t0()).await
        });
    }
    let outcomes: Vec<_> = tasks.join_all().await;
    assert_eq!(outcomes.iter().filter(|o| o.duplicate).count(), 1);
    assert!(outcomes.iter().all(|o| o.duplicate || o.ticket.is_some()));
    let tickets = d.store().tickets(None).await.unwrap();
    assert_eq!(tickets.len(), 20, "one ticket per customer");
    let mut messages = 0;
    for t in &tickets {
        messages += d.store().messages_of(t.reference).await.unwrap().len();
    }
    assert_eq!(messages, 59);
}

fn staff_reply(
    source_id: &str,
    ticket: Option<TicketRef>,
    conversation: &str,
    author: &str,
    text: &str,
) -> Inbound {
    Inbound::StaffReply(InboundStaffReply {
        source_id: source_id.into(),
        ticket,
        conversation: conversation.into(),
        author: author.into(),
        text: text.into(),
        at: t0() + chrono::Duration::minutes(5),
    })
}

async fn a_staff_reply_is_logged_and_relayed_once_unless_written_where_the_customer_reads(db: &TestDb) {
    let d = Driver::new(db);
    d.message("alice", "My screen flickers").await;
    drain_texts(&d).await;

    // From elsewhere (a staff thread, a console): logged and relayed to the customer, once.
    let relayed = staff_reply("r:1", Some(TicketRef(1)), "thread:9", "bob", "Please restart it");
    let outcome = d.engine.handle(relayed.clone()).await;
    assert_eq!((outcome.reply, outcome.ticket), (None, Some(TicketRef(1))));
    assert!(d.engine.handle(relayed).await.duplicate);
    let sent = drain_texts(&d).await;
    assert_eq!(sent.len(), 1);
    assert!(matches!(&sent[0].0, Audience::Customer { user, .. } if user == "alice"));
    assert_eq!(sent[0].1, "Bob Li (T-1): Please restart it");

    // In the customer's own conversation: logged only; the ticket is found from the conversation.
    let here = staff_reply("r:2", None, "direct:alice", "carol", "I am on it");
    assert_eq!(d.engine.handle(here).await.ticket, Some(TicketRef(1)));
    assert!(drain_texts(&d).await.is_empty());

    // A customer cannot reply as staff.
    let refused = d.engine.handle(staff_reply("r:3", Some(TicketRef(1)), "thread:9", "mallory", "hi")).await;
    assert!(reply(&refused).contains("only staff"));

    let replies: Vec<(bool, String)> = d
        .store()
        .timeline(TicketRef(1))
        .await
        .unwrap()
        .into_iter()
        .filter_map(|e| match e.kind {
            EventKind::StaffReply { text, relayed } => Some((relayed, text)),
            _ => None,
        })
        .collect();
    assert_eq!(replies, [(true, "Please restart it".into()), (false, "I am on it".into())]);
}
