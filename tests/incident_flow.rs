//! S-level war rooms and resolution cards through the engine's events, on SQLite and on PostgreSQL.

mod common;

use chrono::{Duration, Utc};
use common::{Driver, TestDb, reply, t0};
use resolvd::domain::incident::satisfaction;
use resolvd::domain::{
    Audience, CloseReason, EventKind, FormSubmit, Post, RoomChange, Severity, Status, TicketRef,
    TimelineSource,
};
use resolvd::engine::{Inbound, InboundRoomMessage};

on_both_databases!(
    an_s_incident_runs_from_the_request_to_a_filed_report_and_an_archived_room,
    declining_s_level_needs_a_reason_and_keeps_the_severity,
    s_level_needs_a_domain_and_an_owner_and_no_command_sets_it_directly,
    not_fixed_reopens_to_the_same_assignee_with_the_clock_running_again,
    an_unanswered_card_is_reminded_once_then_closes_as_auto_confirmed,
    a_silent_war_room_is_reminded_and_activity_puts_the_reminder_off,
    a_message_pinned_in_the_room_goes_on_the_incident_timeline_once,
    only_staff_are_let_into_a_war_room_and_each_once,
    only_the_customer_rates_and_only_from_1_to_5,
    filing_the_report_before_the_close_archives_the_room_when_the_ticket_closes,
    a_new_assignee_joins_the_war_room,
    lowering_an_s_ticket_updates_its_card_once_more,
);

async fn event_types(d: &Driver, n: i64) -> Vec<&'static str> {
    d.store().timeline(TicketRef(n)).await.unwrap().iter().map(|e| e.kind.type_name()).collect()
}

async fn ticket(d: &Driver, n: i64) -> resolvd::domain::Ticket {
    d.store().ticket(TicketRef(n)).await.unwrap().unwrap()
}

/// Every post waiting in the outbox, marked sent.
async fn drain(d: &Driver) -> Vec<Post> {
    let far = Utc::now() + Duration::days(3650);
    let posts = d.store().claim_posts(far, far, 1000).await.unwrap();
    for p in &posts {
        d.store().mark_post_sent(p.id, far).await.unwrap();
    }
    posts.into_iter().map(|p| p.post).collect()
}

fn room_posts(posts: &[Post]) -> Vec<&Post> {
    posts
        .iter()
        .filter(|p| matches!(p.audience, Audience::Room { ticket } if ticket == TicketRef(1)))
        .collect()
}

/// Alice's fleet is down: T-1, screen P1, with carol; bob asks for S.
async fn alice_reports_a_fleet_outage(d: &Driver) {
    d.message("alice", "every phone in our fleet shows a black screen").await;
    d.command("bob", "classify ticket:T-1 domain:screen kind:fault severity:P1").await;
    d.command("bob", "assign ticket:T-1 user:carol").await;
    let asked = d.command("bob", "escalate ticket:T-1 to:S reason:\"a key account's fleet is down\"").await;
    assert_eq!(reply(&asked), "Asked erin to confirm S-level for T-1");
}

async fn an_s_incident_runs_from_the_request_to_a_filed_report_and_an_archived_room(db: &TestDb) {
    let d = Driver::new(db);
    alice_reports_a_fleet_outage(&d).await;
    let posts = drain(&d).await;
    let ask = posts.iter().find(|p| p.audience == Audience::Person { user: "erin".into() }).unwrap();
    let ids: Vec<&str> = ask.buttons.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(ids, ["sconfirm:T-1", "sdecline:T-1"]);
    assert_eq!(ticket(&d, 1).await.severity, Some(Severity::P1), "S waits for the owner");

    let refused = d.press("mallory", "sconfirm:T-1").await;
    assert_eq!(reply(&refused), "only the owners of the screen domain (erin) can answer S-level for T-1");
    let refused = d.press("carol", "sconfirm:T-1").await;
    assert!(reply(&refused).starts_with("only the owners"));
    assert_eq!(ticket(&d, 1).await.severity, Some(Severity::P1));

    let confirmed = d.press("erin", "sconfirm:T-1").await;
    assert_eq!(reply(&confirmed), "T-1 is S-level; war room war-room-t-1 is open");
    assert_eq!(ticket(&d, 1).await.severity, Some(Severity::S));
    let room = d.store().war_room(TicketRef(1)).await.unwrap().unwrap();
    assert_eq!(room.name, "war-room-t-1");
    assert_eq!(room.leader.as_deref(), Some("erin"));
    assert_eq!(room.roster, ["erin", "grace", "heidi", "ivan", "carol", "frank"]);
    assert_eq!(room.impact, "a key account's fleet is down");
    let posts = drain(&d).await;
    let in_room = room_posts(&posts);
    assert_eq!(in_room[0].mentions, room.roster, "the roster is called in");
    let card = in_room.iter().find(|p| p.card.as_deref() == Some("incident")).unwrap();
    for expected in [
        "INCIDENT T-1",
        "Customer: alice (Alice Chen)",
        "Impact: a key account's fleet is down",
        "Leader: erin",
    ] {
        assert!(card.text.contains(expected), "{expected} in {}", card.text);
    }
    assert!(posts.iter().any(|p| matches!(&p.audience, Audience::Customer { user, .. } if user == "alice")
        && p.text.contains("highest priority")));
    assert_eq!(
        reply(&d.press("erin", "sconfirm:T-1").await),
        "T-1 is S-level already",
        "a second owner's press changes nothing"
    );

    let entry = d.command("carol", "timeline ticket:T-1 text:\"firmware rolled back on 10 phones\"").await;
    assert_eq!(reply(&entry), "On the incident timeline of T-1: firmware rolled back on 10 phones");
    d.command("ivan", "update ticket:T-1 text:\"a fix goes out today\"").await;
    let posts = drain(&d).await;
    assert!(posts.iter().any(|p| p.text == "Update on T-1: a fix goes out today"
        && matches!(p.audience, Audience::Customer { .. })));
    assert!(room_posts(&posts).is_empty(), "an unchanged card is not posted again");

    d.command("carol", "resolve ticket:T-1 resolution:\"firmware 2.1.5 restores the screens\"").await;
    let posts = drain(&d).await;
    let card = room_posts(&posts).into_iter().find(|p| p.card.is_some()).unwrap();
    assert!(card.text.contains("Status: resolved, with carol"), "{}", card.text);
    d.press("alice", "rate:T-1:4").await;
    let confirmed = d.press("alice", "confirm:T-1").await;
    assert_eq!(reply(&confirmed), "Thank you. T-1 is closed.");
    let t = ticket(&d, 1).await;
    assert_eq!((t.status, t.close_reason), (Status::Closed, Some(CloseReason::Confirmed)));
    let posts = drain(&d).await;
    let ask = room_posts(&posts).into_iter().find(|p| p.text.contains("File the incident report")).unwrap();
    assert_eq!(ask.buttons[0].id, "report:T-1");

    let refused = d.press("alice", "report:T-1").await;
    assert_eq!(
        reply(&refused),
        "/report is for engineers, domain owners, managers and leads; you are a customer"
    );
    let form = d.press("carol", "report:T-1").await;
    let form = form.form.expect("the report button asks for the report");
    assert_eq!(form.fields.len(), 5);
    assert_eq!(form.submit, FormSubmit::Command { name: "report".into(), ticket: TicketRef(1) });
    let filed = d
        .command(
            "carol",
            "report ticket:T-1 problem:\"black screens\" root_cause:\"missing timing table\" \
             containment:\"update withdrawn\" corrective:\"firmware 2.1.5\" preventive:\"panel rev B in tests\"",
        )
        .await;
    assert_eq!(reply(&filed), "Incident report filed for T-1; the war room is archived");
    let room = d.store().war_room(TicketRef(1)).await.unwrap().unwrap();
    assert!(room.archived_at.is_some());
    assert_eq!(room.report.unwrap().root_cause, "missing timing table");
    let posts = drain(&d).await;
    assert!(room_posts(&posts).iter().any(|p| p.room == Some(RoomChange::Archive)));
    let report =
        room_posts(&posts).into_iter().find(|p| p.text.contains("Root cause: missing timing table")).unwrap();
    assert!(report.text.contains("Timeline:\n- "), "{}", report.text);
    assert!(report.text.contains("carol: firmware rolled back on 10 phones"), "{}", report.text);

    let timeline = d.store().timeline(TicketRef(1)).await.unwrap();
    assert_eq!(satisfaction(&timeline), Some(4));
    assert!(timeline.iter().any(|e| e.kind
        == EventKind::TimelineEntry {
            text: "firmware rolled back on 10 phones".into(),
            source: TimelineSource::Command
        }));
    assert_eq!(
        event_types(&d, 1).await,
        [
            "created",
            "classified",
            "assigned",
            "tier_changed",
            "s_requested",
            // carol's refused press; mallory's, not her ticket, is in the audit log.
            "refused",
            "severity_changed",
            "war_room_opened",
            "timeline_entry",
            "customer_update",
            "resolved",
            "rated",
            "closed",
            "refused",
            "incident_reported",
            "room_archived"
        ]
    );
    let again = d
        .command("carol", "report ticket:T-1 problem:a root_cause:b containment:c corrective:d preventive:e")
        .await;
    assert_eq!(reply(&again), "the war room of T-1 is archived");
}

async fn declining_s_level_needs_a_reason_and_keeps_the_severity(db: &TestDb) {
    let d = Driver::new(db);
    alice_reports_a_fleet_outage(&d).await;
    let asked = d.press("erin", "sdecline:T-1").await;
    assert_eq!(reply(&asked), "Say why it is not S-level: press the button and write the reason.");
    let form = asked.form.expect("a form for the reason");
    assert_eq!(form.submit, FormSubmit::Press { id: "sdecline:T-1".into() });
    assert_eq!(event_types(&d, 1).await.last(), Some(&"s_requested"));

    let declined = d.press_answering("erin", "sdecline:T-1", Some("one account, a workaround exists")).await;
    assert_eq!(reply(&declined), "Declined; T-1 stays P1");
    assert_eq!(ticket(&d, 1).await.severity, Some(Severity::P1));
    assert_eq!(d.store().war_room(TicketRef(1)).await.unwrap(), None);
    let timeline = d.store().timeline(TicketRef(1)).await.unwrap();
    assert_eq!(
        timeline.last().unwrap().kind,
        EventKind::SDeclined { reason: "one account, a workaround exists".into() }
    );
    let posts = drain(&d).await;
    let notice = posts.iter().find(|p| p.text.contains("declined S-level")).unwrap();
    assert_eq!(notice.mentions, ["bob"], "whoever asked hears the answer");
    assert_eq!(reply(&d.press("erin", "sconfirm:T-1").await), "T-1 has no S-level request waiting");

    // It can be asked again, and confirmed this time.
    let again = d.command("carol", "severity ticket:T-1 level:S reason:\"now three accounts\"").await;
    assert_eq!(reply(&again), "Asked erin to confirm S-level for T-1");
    let twice = d.command("bob", "escalate ticket:T-1 to:S reason:again").await;
    assert_eq!(reply(&twice), "T-1 is already waiting for an owner to confirm S-level (asked by carol)");
    d.press("erin", "sconfirm:T-1").await;
    assert_eq!(ticket(&d, 1).await.severity, Some(Severity::S));
    assert_eq!(d.store().war_room(TicketRef(1)).await.unwrap().unwrap().impact, "now three accounts");
}

async fn s_level_needs_a_domain_and_an_owner_and_no_command_sets_it_directly(db: &TestDb) {
    let d = Driver::new(db);
    d.message("alice", "hello, something is wrong").await;
    let outcome = d.command("bob", "escalate ticket:T-1 to:S reason:x").await;
    assert_eq!(reply(&outcome), "classify T-1 with a domain first: the domain's owners confirm S-level");
    let outcome = d.command("bob", "classify ticket:T-1 domain:rf severity:S").await;
    assert_eq!(reply(&outcome), "S-level needs a domain owner's confirmation: use /escalate to:S reason:…");
    assert_eq!(ticket(&d, 1).await.severity, None);
    let outcome = d.command("alice", "escalate ticket:T-1 to:S reason:x").await;
    assert!(reply(&outcome).starts_with("/escalate is for engineers and managers"));
    let outcome = d.command("bob", "timeline ticket:T-1 text:x").await;
    assert_eq!(reply(&outcome), "T-1 has no war room; /timeline is for S-level incidents (/escalate to:S)");
    // An ordinary escalation still takes a tier.
    d.command("bob", "classify ticket:T-1 domain:rf").await;
    assert_eq!(
        reply(&d.command("bob", "escalate ticket:T-1 to:L2 reason:x").await),
        "T-1 escalated to L2, now with carol"
    );
    // rf's owner is frank, a manager: he confirms rf's S-level.
    d.command("bob", "escalate ticket:T-1 to:S reason:\"calls drop everywhere\"").await;
    assert!(reply(&d.press("erin", "sconfirm:T-1").await).contains("(frank)"));
    d.press("frank", "sconfirm:T-1").await;
    let room = d.store().war_room(TicketRef(1)).await.unwrap().unwrap();
    assert_eq!(room.leader.as_deref(), Some("dave"));
    assert_eq!(room.roster, ["dave", "grace", "heidi", "ivan", "carol", "frank"]);
}

async fn not_fixed_reopens_to_the_same_assignee_with_the_clock_running_again(db: &TestDb) {
    let d = Driver::new(db);
    d.message("alice", "my screen flickers").await;
    d.command("bob", "classify ticket:T-1 domain:screen severity:P2").await;
    d.command("bob", "assign ticket:T-1 user:carol").await;
    d.command("carol", "resolve ticket:T-1 resolution:\"driver update\"").await;
    assert_eq!(d.store().next_alarm(TicketRef(1)).await.unwrap(), None, "resolved: the clocks stand still");
    let far = t0() + Duration::days(30);
    assert_eq!(d.store().due_confirmations(far, 10).await.unwrap(), [TicketRef(1)]);

    let outcome = d.press("alice", "notfixed:T-1").await;
    assert!(reply(&outcome).contains("We reopened T-1"));
    let t = ticket(&d, 1).await;
    assert_eq!((t.status, t.assignee.as_deref()), (Status::Open, Some("carol")));
    assert!(d.store().next_alarm(TicketRef(1)).await.unwrap().is_some(), "the clock runs again");
    assert!(d.store().due_confirmations(far, 10).await.unwrap().is_empty(), "the card's timer is gone");
    let posts = drain(&d).await;
    let notice = posts.iter().find(|p| p.text.contains("is not fixed")).unwrap();
    assert_eq!(notice.mentions, ["carol"]);
}

async fn an_unanswered_card_is_reminded_once_then_closes_as_auto_confirmed(db: &TestDb) {
    let d = Driver::new(db);
    d.message("alice", "my screen flickers").await;
    d.set_time(t0());
    d.command("bob", "resolve ticket:T-1 resolution:\"driver update\"").await;
    drain(&d).await;
    let engine = &d.engine;
    let report = engine.confirmation_sweep(t0() + Duration::hours(23)).await.unwrap();
    assert_eq!((report.reminded, report.auto_confirmed), (0, 0));
    let report = engine.confirmation_sweep(t0() + Duration::hours(25)).await.unwrap();
    assert_eq!((report.reminded, report.auto_confirmed), (1, 0));
    let posts = drain(&d).await;
    let reminder = posts.iter().find(|p| matches!(p.audience, Audience::Customer { .. })).unwrap();
    assert!(reminder.text.starts_with("Is T-1 fixed? We resolved it: driver update"), "{}", reminder.text);
    assert!(reminder.buttons.iter().any(|b| b.id == "confirm:T-1"));
    let report = engine.confirmation_sweep(t0() + Duration::hours(26)).await.unwrap();
    assert_eq!((report.reminded, report.auto_confirmed), (0, 0), "one reminder only");
    assert_eq!(ticket(&d, 1).await.status, Status::Resolved);

    let report = engine.confirmation_sweep(t0() + Duration::days(3) + Duration::minutes(1)).await.unwrap();
    assert_eq!((report.reminded, report.auto_confirmed), (0, 1));
    let t = ticket(&d, 1).await;
    assert_eq!((t.status, t.close_reason), (Status::Closed, Some(CloseReason::AutoConfirmed)));
    let report = engine.confirmation_sweep(t0() + Duration::days(4)).await.unwrap();
    assert_eq!((report.reminded, report.auto_confirmed), (0, 0));
    assert_eq!(event_types(&d, 1).await, ["created", "resolved", "confirmation_reminded", "closed"]);
    let posts = drain(&d).await;
    assert!(posts.iter().any(|p| p.text.starts_with("We closed T-1 as we have not heard from you")));
}

async fn s_ticket_with_a_room(d: &Driver) {
    alice_reports_a_fleet_outage(d).await;
    d.press("erin", "sconfirm:T-1").await;
    drain(d).await;
}

async fn a_silent_war_room_is_reminded_and_activity_puts_the_reminder_off(db: &TestDb) {
    let d = Driver::new(db);
    d.set_time(t0());
    s_ticket_with_a_room(&d).await;
    let opened = d.store().war_room(TicketRef(1)).await.unwrap().unwrap().opened_at;
    assert_eq!(d.engine.remind_war_rooms(opened + Duration::minutes(59)).await.unwrap(), 0);

    // Someone speaks in the room half an hour in: the next reminder is an hour after that.
    let spoke = opened + Duration::minutes(30);
    let message = InboundRoomMessage {
        source_id: "discord:message:1".into(),
        ticket: TicketRef(1),
        author: "grace".into(),
        text: "market is informed".into(),
        pinned: false,
        at: spoke,
    };
    d.engine.handle(Inbound::RoomMessage(message)).await;
    assert_eq!(d.engine.remind_war_rooms(opened + Duration::minutes(61)).await.unwrap(), 0);
    assert_eq!(d.engine.remind_war_rooms(spoke + Duration::minutes(60)).await.unwrap(), 1);
    assert_eq!(
        d.engine.remind_war_rooms(spoke + Duration::minutes(61)).await.unwrap(),
        0,
        "once per silence"
    );
    let posts = drain(&d).await;
    let reminder = room_posts(&posts)[0];
    assert!(reminder.text.starts_with("Nothing new in the war room of T-1 for 60 minutes"));
    assert_eq!(reminder.mentions, ["erin"]);
    assert_eq!(d.engine.remind_war_rooms(spoke + Duration::minutes(120)).await.unwrap(), 1);
    assert!(!event_types(&d, 1).await.contains(&"timeline_entry"), "talk is not the incident timeline");

    // Closed without a report: the reminder asks for the report until it is filed.
    d.set_time(spoke + Duration::minutes(130));
    d.command("carol", "close ticket:T-1").await;
    drain(&d).await;
    assert_eq!(d.engine.remind_war_rooms(spoke + Duration::minutes(200)).await.unwrap(), 1);
    let posts = drain(&d).await;
    assert!(room_posts(&posts)[0].text.starts_with("T-1 is closed, but its incident report is not filed"));
}

async fn a_message_pinned_in_the_room_goes_on_the_incident_timeline_once(db: &TestDb) {
    let d = Driver::new(db);
    s_ticket_with_a_room(&d).await;
    let pin = InboundRoomMessage {
        source_id: "discord:pin:77".into(),
        ticket: TicketRef(1),
        author: "heidi".into(),
        text: "line 3 stopped: panels quarantined".into(),
        pinned: true,
        at: t0() + Duration::minutes(5),
    };
    d.engine.handle(Inbound::RoomMessage(pin.clone())).await;
    assert!(d.engine.handle(Inbound::RoomMessage(pin)).await.duplicate);
    let entries: Vec<_> = d
        .store()
        .timeline(TicketRef(1))
        .await
        .unwrap()
        .into_iter()
        .filter(|e| matches!(e.kind, EventKind::TimelineEntry { .. }))
        .collect();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].actor, "heidi");
    assert_eq!(
        entries[0].kind,
        EventKind::TimelineEntry {
            text: "line 3 stopped: panels quarantined".into(),
            source: TimelineSource::Pin
        }
    );
}

async fn only_staff_are_let_into_a_war_room_and_each_once(db: &TestDb) {
    let d = Driver::new(db);
    s_ticket_with_a_room(&d).await;
    assert_eq!(
        reply(&d.command("carol", "invite ticket:T-1 user:mallory").await),
        "`mallory` is not on staff; war rooms are for staff only"
    );
    assert_eq!(
        reply(&d.command("carol", "invite ticket:T-1 user:grace").await),
        "grace is in the war room of T-1 already"
    );
    assert_eq!(
        reply(&d.command("carol", "invite ticket:T-1 user:dave").await),
        "dave is in the war room of T-1"
    );
    let room = d.store().war_room(TicketRef(1)).await.unwrap().unwrap();
    assert_eq!(room.roster.last().map(String::as_str), Some("dave"));
    let posts = drain(&d).await;
    let invite = room_posts(&posts).into_iter().find(|p| p.room.is_some()).unwrap();
    assert_eq!(invite.room, Some(RoomChange::Invite { users: vec!["dave".into()] }));
    let card = room_posts(&posts).into_iter().find(|p| p.card.is_some()).unwrap();
    assert!(card.text.ends_with("carol, frank and dave"), "{}", card.text);
    let refused = d.command("alice", "invite ticket:T-1 user:alice").await;
    assert!(reply(&refused).starts_with("/invite is for engineers, domain owners, managers and leads"));
}

async fn only_the_customer_rates_and_only_from_1_to_5(db: &TestDb) {
    let d = Driver::new(db);
    d.message("alice", "my screen flickers").await;
    assert_eq!(
        reply(&d.press("alice", "rate:T-1:5").await),
        "T-1 is not resolved yet; rate it once we have fixed it"
    );
    d.command("bob", "resolve ticket:T-1 resolution:fixed").await;
    assert_eq!(
        reply(&d.press("mallory", "rate:T-1:5").await),
        "only the customer who reported it can rate this ticket"
    );
    assert_eq!(reply(&d.press("alice", "rate:T-1:9").await), "rate T-1 from 1 to 5, e.g. rate:T-1:4");
    assert_eq!(reply(&d.press("alice", "rate:T-1").await), "rate T-1 from 1 to 5, e.g. rate:T-1:4");
    d.press("alice", "rate:T-1:2").await;
    d.press("alice", "confirm:T-1").await;
    d.press("alice", "rate:T-1:5").await;
    let timeline = d.store().timeline(TicketRef(1)).await.unwrap();
    assert_eq!(satisfaction(&timeline), Some(5), "the latest rating counts, after the close too");
}

async fn filing_the_report_before_the_close_archives_the_room_when_the_ticket_closes(db: &TestDb) {
    let d = Driver::new(db);
    s_ticket_with_a_room(&d).await;
    let filed = d
        .command("erin", "report ticket:T-1 problem:p root_cause:r containment:c corrective:k preventive:v")
        .await;
    assert_eq!(
        reply(&filed),
        "Incident report filed for T-1; the war room is archived when the ticket closes"
    );
    let missing = d.command("erin", "report ticket:T-1 problem:p root_cause:r").await;
    assert!(reply(&missing).contains("containment"), "{}", reply(&missing));
    assert!(d.store().war_room(TicketRef(1)).await.unwrap().unwrap().archived_at.is_none());
    d.command("carol", "close ticket:T-1 reason:\"fixed in the field\"").await;
    let room = d.store().war_room(TicketRef(1)).await.unwrap().unwrap();
    assert!(room.archived_at.is_some());
    assert_eq!(room.remind_at, None, "an archived room is not reminded");
    assert_eq!(event_types(&d, 1).await.last(), Some(&"room_archived"));
}

async fn a_new_assignee_joins_the_war_room(db: &TestDb) {
    let d = Driver::new(db);
    s_ticket_with_a_room(&d).await;
    d.command("bob", "assign ticket:T-1 user:dave").await;
    let room = d.store().war_room(TicketRef(1)).await.unwrap().unwrap();
    assert_eq!(room.roster.last().map(String::as_str), Some("dave"));
    let posts = drain(&d).await;
    let joined = room_posts(&posts).into_iter().find(|p| p.room.is_some()).unwrap();
    assert_eq!(joined.text, "dave now has T-1 and joins the war room.");
    assert_eq!(joined.room, Some(RoomChange::Invite { users: vec!["dave".into()] }));
    d.command("bob", "assign ticket:T-1 user:carol").await;
    let roster = d.store().war_room(TicketRef(1)).await.unwrap().unwrap().roster;
    assert_eq!(roster.iter().filter(|p| *p == "carol").count(), 1, "carol was in already");
    assert_eq!(event_types(&d, 1).await.iter().filter(|t| **t == "room_invited").count(), 1);
}

async fn lowering_an_s_ticket_updates_its_card_once_more(db: &TestDb) {
    let d = Driver::new(db);
    s_ticket_with_a_room(&d).await;
    let lowered = d.command("erin", "severity ticket:T-1 level:P1 reason:\"a workaround holds\"").await;
    assert_eq!(reply(&lowered), "T-1 is now P1");
    let posts = drain(&d).await;
    let card = room_posts(&posts).into_iter().find(|p| p.card.is_some()).expect("the card is updated");
    assert!(card.text.starts_with("INCIDENT T-1 · screen · fault · P1"), "{}", card.text);
}
