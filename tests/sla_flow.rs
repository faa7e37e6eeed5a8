//! SLA and OLA clocks through the engine, the sweep and the scheduler, on SQLite and on PostgreSQL.
//! Times are Shanghai's (the sample calendars'); 2026's Qingming holiday is Saturday 4 to Monday 6
//! April, and Saturday 10 October is a make-up working day.

mod common;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use common::{Driver, TestDb, reply};
use resolvd::domain::{Audience, TicketRef, Tier};
use resolvd::engine::Engine;
use resolvd::inspect::{self, SlaAt, SlaView};
use resolvd::scheduler::Scheduler;

on_both_databases!(
    a_p1_screen_ticket_opened_on_a_friday_afternoon_skips_the_weekend_and_the_holidays,
    a_p3_ticket_gets_seven_working_days,
    a_make_up_saturday_counts_as_a_working_day,
    a_severity_change_recomputes_the_deadlines_from_the_start,
    the_first_reply_to_the_customer_stops_the_response_clock_and_a_note_does_not,
    waiting_for_the_customer_pauses_the_resolution_clock_until_they_write,
    reopening_runs_the_resolution_clock_again_from_where_it_stopped,
    past_the_l1_share_the_sweep_escalates_to_l2_with_one_notice_and_only_once,
    a_warning_goes_out_at_the_threshold_and_a_breach_notice_after_the_deadline,
    two_schedulers_side_by_side_run_each_tick_once,
    the_sla_command_shows_each_clock,
    the_digest_lists_open_breached_and_due_today_in_the_ops_conversation,
    the_digest_from_stored_marks_equals_every_timeline_read_on_a_seeded_history,
    a_long_digest_list_names_the_first_fifty_and_how_many_more,
    a_ticket_the_sweep_fails_on_is_put_off_and_holds_up_no_other,
    a_tier_that_receives_a_ticket_past_its_sla_is_not_bypassed_a_minute_later,
);

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().to_utc()
}

async fn sla(d: &Driver, n: i64, now: DateTime<Utc>) -> SlaView {
    let sla = SlaAt { policy: &d.engine.config().sla, now, zone: d.engine.config().digest.time_zone };
    inspect::ticket_view(&**d.store(), sla, TicketRef(n)).await.unwrap().unwrap().sla
}

/// Opens a ticket for `customer` at `opened` and classifies it; returns its number.
async fn open_ticket_for(d: &Driver, customer: &str, opened: &str, domain: &str, severity: &str) -> i64 {
    d.set_time(at(opened));
    let outcome = d.message(customer, "My phone's screen keeps flickering").await;
    let n = outcome.ticket.unwrap().0;
    d.command("bob", &format!("classify ticket:T-{n} domain:{domain} severity:{severity}")).await;
    n
}

async fn open_ticket(d: &Driver, opened: &str, domain: &str, severity: &str) -> i64 {
    open_ticket_for(d, "alice", opened, domain, severity).await
}

/// Runs a command that takes effect at exactly `when` (a command's id takes one tick of the driver).
async fn command_at(d: &Driver, when: &str, actor: &str, line: &str) -> resolvd::engine::Outcome {
    d.set_time(at(when) - chrono::Duration::seconds(1));
    d.command(actor, line).await
}

/// Staff posts on a ticket still in the outbox, marked sent.
async fn staff_notices(d: &Driver, n: i64) -> Vec<String> {
    let far = at("2099-01-01T00:00:00Z");
    let posts = d.store().claim_posts(far, far, 1000).await.unwrap();
    for p in &posts {
        d.store().mark_post_sent(p.id, far).await.unwrap();
    }
    posts
        .into_iter()
        .filter(|p| p.post.audience == Audience::Staff { ticket: TicketRef(n) })
        .map(|p| p.post.text)
        .collect()
}

async fn a_p1_screen_ticket_opened_on_a_friday_afternoon_skips_the_weekend_and_the_holidays(db: &TestDb) {
    let d = Driver::new(db);
    let n = open_ticket(&d, "2026-04-03T15:00:00+08:00", "screen", "P1").await;
    let view = sla(&d, n, at("2026-04-03T15:10:00+08:00")).await;
    // Nine hours on Friday; Saturday to Monday are Qingming; fifteen more on Tuesday.
    assert_eq!(view.resolve_due, Some(at("2026-04-07T15:00:00+08:00")));
    // One hour of office hours.
    assert_eq!(view.response_due, Some(at("2026-04-03T16:00:00+08:00")));
    // L1 holds 20% of 24 hours: 4h48m, all on Friday.
    assert_eq!(view.ola_due, Some(at("2026-04-03T19:48:00+08:00")));
    assert!(!view.breached);
}

async fn a_p3_ticket_gets_seven_working_days(db: &TestDb) {
    let d = Driver::new(db);
    let n = open_ticket(&d, "2026-11-17T15:00:00+08:00", "rf", "P3").await;
    let view = sla(&d, n, at("2026-11-17T15:10:00+08:00")).await;
    assert_eq!(view.resolve_due, Some(at("2026-11-26T15:00:00+08:00")));
}

async fn a_make_up_saturday_counts_as_a_working_day(db: &TestDb) {
    let d = Driver::new(db);
    let n = open_ticket(&d, "2026-10-09T15:00:00+08:00", "screen", "P1").await;
    let view = sla(&d, n, at("2026-10-09T15:10:00+08:00")).await;
    assert_eq!(view.resolve_due, Some(at("2026-10-10T15:00:00+08:00")));
}

async fn a_severity_change_recomputes_the_deadlines_from_the_start(db: &TestDb) {
    let d = Driver::new(db);
    let n = open_ticket(&d, "2026-11-23T10:00:00+08:00", "antenna", "P2").await;
    assert_eq!(
        sla(&d, n, at("2026-11-23T11:00:00+08:00")).await.resolve_due,
        Some(at("2026-11-27T10:00:00+08:00"))
    );
    command_at(&d, "2026-11-23T12:00:00+08:00", "bob", &format!("severity ticket:T-{n} level:P1")).await;
    // 36 hours from the opening, not from the change.
    assert_eq!(
        sla(&d, n, at("2026-11-23T13:00:00+08:00")).await.resolve_due,
        Some(at("2026-11-24T22:00:00+08:00"))
    );
}

async fn the_first_reply_to_the_customer_stops_the_response_clock_and_a_note_does_not(db: &TestDb) {
    let d = Driver::new(db);
    let n = open_ticket(&d, "2026-11-23T10:00:00+08:00", "screen", "P1").await;
    command_at(
        &d,
        "2026-11-23T10:20:00+08:00",
        "bob",
        &format!("note ticket:T-{n} text:\"looks like the panel\""),
    )
    .await;
    let late = at("2026-11-23T12:00:00+08:00");
    assert!(sla(&d, n, late).await.breached, "a note is no response");

    let m = open_ticket_for(&d, "mallory", "2026-11-23T10:00:00+08:00", "screen", "P1").await;
    let replied = command_at(
        &d,
        "2026-11-23T10:20:00+08:00",
        "bob",
        &format!("reply ticket:T-{m} text:\"Which app were you using?\""),
    )
    .await;
    assert_eq!(reply(&replied), format!("Sent to mallory on T-{m}"));
    assert!(!sla(&d, m, late).await.breached);
    let customer_posts = d.store().claim_posts(late, late, 100).await.unwrap();
    let relayed = format!("Bob Li (T-{m}): Which app were you using?");
    assert!(
        customer_posts
            .iter()
            .any(|p| p.post.text == relayed && matches!(p.post.audience, Audience::Customer { .. }))
    );
    let sla_text = reply(&d.command("bob", &format!("sla ticket:T-{m}")).await).to_owned();
    assert!(
        sla_text
            .contains("First response: due Mon 2026-11-23 11:00 CST; elapsed 20m, remaining 40m [stopped]"),
        "{sla_text}"
    );
}

async fn waiting_for_the_customer_pauses_the_resolution_clock_until_they_write(db: &TestDb) {
    let d = Driver::new(db);
    let n = open_ticket(&d, "2026-11-23T10:00:00+08:00", "screen", "P1").await;
    command_at(&d, "2026-11-23T11:00:00+08:00", "bob", &format!("wait ticket:T-{n} reason:\"send a photo\""))
        .await;
    let waiting = sla(&d, n, at("2026-11-23T12:00:00+08:00")).await;
    assert_eq!(waiting.resolve_due, None, "no deadline while paused with time left");
    let sla_text = reply(&d.command("bob", &format!("sla ticket:T-{n}")).await).to_owned();
    assert!(
        sla_text.contains("Resolution: due none while paused; elapsed 1h 0m")
            || sla_text.contains("Resolution: due none while paused; elapsed 1h"),
        "{sla_text}"
    );
    assert!(sla_text.contains("[paused]"), "{sla_text}");
    d.set_time(at("2026-11-23T13:00:00+08:00"));
    d.message("alice", "here is the photo").await;
    // Two hours waiting: the deadline moves two hours on.
    let resumed = sla(&d, n, at("2026-11-23T13:10:00+08:00")).await;
    assert_eq!(resumed.resolve_due, Some(at("2026-11-24T12:00:00+08:00")));
    let types: Vec<&str> = resumed.clock_events.iter().map(|e| e.kind.type_name()).collect();
    assert_eq!(types, ["created", "classified", "waiting", "resumed"]);
}

async fn reopening_runs_the_resolution_clock_again_from_where_it_stopped(db: &TestDb) {
    let d = Driver::new(db);
    let n = open_ticket(&d, "2026-11-23T10:00:00+08:00", "screen", "P1").await;
    command_at(
        &d,
        "2026-11-23T11:00:00+08:00",
        "bob",
        &format!("resolve ticket:T-{n} resolution:\"reseated the cable\""),
    )
    .await;
    // Resolved: stopped, so long after the deadline it is still on time.
    assert!(!sla(&d, n, at("2026-11-30T10:00:00+08:00")).await.breached);
    command_at(
        &d,
        "2026-11-23T14:00:00+08:00",
        "bob",
        &format!("reopen ticket:T-{n} reason:\"flickers again\""),
    )
    .await;
    assert_eq!(
        sla(&d, n, at("2026-11-23T14:10:00+08:00")).await.resolve_due,
        Some(at("2026-11-24T13:00:00+08:00"))
    );
}

async fn past_the_l1_share_the_sweep_escalates_to_l2_with_one_notice_and_only_once(db: &TestDb) {
    let d = Driver::new(db);
    let n = open_ticket(&d, "2026-11-23T10:00:00+08:00", "screen", "P1").await;
    staff_notices(&d, n).await;
    // The L1 OLA (4h48m) ends at 14:48; nobody touched the ticket.
    let now = at("2026-11-23T15:00:00+08:00");
    let report = d.engine.sla_sweep(now).await.unwrap();
    assert_eq!((report.notices, report.escalated), (1, 1));
    let ticket = d.store().ticket(TicketRef(n)).await.unwrap().unwrap();
    assert_eq!((ticket.tier, ticket.assignee.as_deref()), (Tier::L2, Some("carol")));
    let notices = staff_notices(&d, n).await;
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(notices[0].contains("First response deadline passed"), "{}", notices[0]);
    assert!(notices[0].contains("The L1 OLA ran out: escalated to L2, now with carol."), "{}", notices[0]);
    // The L2 OLA starts now: 30% of 24 hours.
    assert_eq!(sla(&d, n, now).await.ola_due, Some(at("2026-11-23T22:12:00+08:00")));

    let again = d.engine.sla_sweep(now).await.unwrap();
    assert_eq!((again.notices, again.escalated), (0, 0));
    let restarted = Engine::new(db.store.clone(), Arc::new(common::sample_config()));
    let after_restart = restarted.sla_sweep(now).await.unwrap();
    assert_eq!((after_restart.notices, after_restart.escalated), (0, 0));
    assert!(staff_notices(&d, n).await.is_empty());
}

async fn a_warning_goes_out_at_the_threshold_and_a_breach_notice_after_the_deadline(db: &TestDb) {
    let d = Driver::new(db);
    let n = open_ticket(&d, "2026-11-23T10:00:00+08:00", "screen", "P1").await;
    command_at(&d, "2026-11-23T10:05:00+08:00", "bob", &format!("reply ticket:T-{n} text:\"on it\"")).await;
    staff_notices(&d, n).await;
    // 75% of L1's 4h48m is 3h36m: 13:36.
    assert_eq!(d.store().next_alarm(TicketRef(n)).await.unwrap(), Some(at("2026-11-23T13:36:00+08:00")));
    assert_eq!(d.engine.sla_sweep(at("2026-11-23T13:35:00+08:00")).await.unwrap().looked_at, 0);
    d.engine.sla_sweep(at("2026-11-23T13:36:00+08:00")).await.unwrap();
    let warnings = staff_notices(&d, n).await;
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0].contains("L1 OLA clock at 75% of its budget; due Mon 2026-11-23 14:48 CST."),
        "{}",
        warnings[0]
    );
    d.engine.sla_sweep(at("2026-11-23T13:50:00+08:00")).await.unwrap();
    assert!(staff_notices(&d, n).await.is_empty());
}

async fn two_schedulers_side_by_side_run_each_tick_once(db: &TestDb) {
    let config = Arc::new(common::sample_config());
    let second_store = resolvd::store::open(&db.url).await.unwrap();
    let one = Scheduler::new(Arc::new(Engine::new(db.store.clone(), config.clone()))).unwrap();
    let two = Scheduler::new(Arc::new(Engine::new(second_store, config))).unwrap();
    let mut ran = std::collections::BTreeMap::new();
    for minute in 0..5 {
        let now = at("2026-11-23T01:00:00Z") + chrono::Duration::minutes(minute);
        let (a, b) = tokio::join!(one.run_due(now), two.run_due(now));
        for run in a.unwrap().into_iter().chain(b.unwrap()) {
            *ran.entry((run.job, run.tick)).or_insert(0) += usize::from(run.summary.is_some());
        }
    }
    // Five ticks of each minutely job (the sweep, confirmations, war-room reminders, revisits,
    // untaken messages), one digest tick and one retention tick, each run by exactly one of the two.
    assert_eq!(ran.len(), 27);
    assert!(ran.values().all(|runs| *runs == 1), "{ran:?}");
}

async fn the_sla_command_shows_each_clock(db: &TestDb) {
    let d = Driver::new(db);
    let n = open_ticket(&d, "2026-11-23T10:00:00+08:00", "screen", "P1").await;
    let text = reply(&command_at(&d, "2026-11-23T12:00:00+08:00", "bob", &format!("sla ticket:T-{n}")).await)
        .to_owned();
    assert_eq!(
        text,
        format!(
            "SLA of T-{n} (screen · fault · P1):\n\
             First response: due Mon 2026-11-23 11:00 CST; elapsed 2h, remaining -1h [BREACHED]\n\
             Resolution: due Tue 2026-11-24 10:00 CST; elapsed 2h, remaining 22h\n\
             L1 OLA: due Mon 2026-11-23 14:48 CST; elapsed 2h, remaining 2h 48m"
        )
    );
    let refused = d.command("alice", &format!("sla ticket:T-{n}")).await;
    assert!(reply(&refused).starts_with("/sla is for"), "{}", reply(&refused));
}

async fn the_digest_lists_open_breached_and_due_today_in_the_ops_conversation(db: &TestDb) {
    let d = Driver::new(db);
    open_ticket(&d, "2026-11-23T10:00:00+08:00", "screen", "P1").await;
    open_ticket_for(&d, "mallory", "2026-11-24T08:00:00+08:00", "screen", "P2").await;
    let now = at("2026-11-24T09:00:00+08:00");
    let report = d.engine.sla_digest(now).await.unwrap();
    assert_eq!((report.open, report.breached, report.due_today), (2, 1, 1));
    let posts = d.store().claim_posts(now, now, 100).await.unwrap();
    let digest = posts
        .iter()
        .find(|p| p.post.audience == Audience::Conversation { conversation: "ops".into() })
        .expect("a digest post");
    assert_eq!(
        digest.post.text,
        "Daily digest for 2026-11-24: 2 open tickets.\nBreached: T-1\nResolution due today: T-1"
    );
}

/// Runs one statement on the test database directly, to break a row the way a bad migration or a
/// hand edit could.
async fn execute_raw(db: &TestDb, sql: &str) {
    use sqlx::Connection;
    if db.url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    } else {
        let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
}

async fn a_ticket_the_sweep_fails_on_is_put_off_and_holds_up_no_other(db: &TestDb) {
    let d = Driver::new(db);
    let broken = open_ticket_for(&d, "mallory", "2026-11-23T10:00:00+08:00", "screen", "P1").await;
    let fine = open_ticket(&d, "2026-11-23T10:00:00+08:00", "screen", "P1").await;
    execute_raw(db, &format!("UPDATE tickets SET tier = 'L7' WHERE id = {broken}")).await;
    let now = at("2026-11-23T15:00:00+08:00");
    let report = d.engine.sla_sweep(now).await.unwrap();
    assert_eq!(report.escalated, 1);
    assert_eq!(d.store().ticket(TicketRef(fine)).await.unwrap().unwrap().tier, Tier::L2);
    assert_eq!(
        d.store().next_alarm(TicketRef(broken)).await.unwrap(),
        Some(now + chrono::Duration::minutes(5))
    );
}

async fn a_tier_that_receives_a_ticket_past_its_sla_is_not_bypassed_a_minute_later(db: &TestDb) {
    let d = Driver::new(db);
    let n = open_ticket(&d, "2026-11-23T10:00:00+08:00", "screen", "P1").await;
    let late = at("2026-11-26T10:00:00+08:00");
    assert_eq!(d.engine.sla_sweep(late).await.unwrap().escalated, 1);
    staff_notices(&d, n).await;
    let next_minute = d.engine.sla_sweep(late + chrono::Duration::minutes(1)).await.unwrap();
    assert_eq!(next_minute.escalated, 0);
    assert_eq!(d.store().ticket(TicketRef(n)).await.unwrap().unwrap().tier, Tier::L2);
    let notices = staff_notices(&d, n).await;
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(notices[0].contains("L2 OLA deadline passed"), "{}", notices[0]);
}

/// A seeded fortnight of tickets (every severity, replies, waits and resumes, resolutions,
/// reopenings, closes, escalations by the sweep) read by the digest at many instants: the stored
/// marks' answer equals the one from every ticket's timeline. Then the marks are wiped, as rows
/// from before migration 0025 have none, and the one-time pass gives the same answers again.
async fn the_digest_from_stored_marks_equals_every_timeline_read_on_a_seeded_history(db: &TestDb) {
    let d = Driver::new(db);
    let severities = ["P1", "P2", "P3", "P1", "P2"];
    let customers = ["alice", "mallory", "oscar", "peggy", "trent", "victor", "walter", "zoe"];
    let start = at("2026-11-16T08:30:00+08:00");
    let mut n = 0;
    for day in 0..8i64 {
        for (i, customer) in customers.iter().enumerate() {
            let opened = start + chrono::Duration::hours(day * 24 + i as i64 * 2);
            d.set_time(opened);
            let outcome =
                d.message(&format!("{customer}{day}"), "my screen flickers and the radio drops").await;
            n = outcome.ticket.unwrap().0;
            let severity = severities[(n as usize) % severities.len()];
            d.command("bob", &format!("classify ticket:T-{n} domain:screen severity:{severity}")).await;
            d.set_time(opened + chrono::Duration::minutes(20));
            match n % 7 {
                0 => {
                    d.command("bob", &format!("reply ticket:T-{n} text:\"looking into it\"")).await;
                }
                1 => {
                    d.command("bob", &format!("wait ticket:T-{n} reason:\"a photo, please\"")).await;
                }
                2 => {
                    d.command("bob", &format!("wait ticket:T-{n} reason:\"a photo, please\"")).await;
                    d.set_time(opened + chrono::Duration::hours(5));
                    d.message(&format!("{customer}{day}"), "here is the photo").await;
                }
                3 => {
                    d.command("bob", &format!("resolve ticket:T-{n} resolution:\"fixed in 2.1\"")).await;
                }
                4 => {
                    d.command("bob", &format!("close ticket:T-{n} reason:spam")).await;
                }
                5 => {
                    d.command("bob", &format!("close ticket:T-{n} reason:spam")).await;
                    d.set_time(opened + chrono::Duration::hours(3));
                    d.command("bob", &format!("reopen ticket:T-{n} reason:\"not fixed\"")).await;
                }
                _ => {}
            }
        }
        // The sweep runs through the day, escalating and noting breaches.
        for hour in [11, 15, 19] {
            d.engine.sla_sweep(start + chrono::Duration::hours(day * 24 + hour - 8)).await.unwrap();
        }
    }
    assert!(n >= 60, "{n} tickets");
    let instants: Vec<DateTime<Utc>> =
        (0..40).map(|k| start + chrono::Duration::hours(6 * k) + chrono::Duration::minutes(7 * k)).collect();
    let mut seen_breached = false;
    let mut seen_due = false;
    for now in &instants {
        let stored = d.engine.sla_digest_lists(*now).await.unwrap();
        let read = d.engine.sla_digest_from_timelines(*now).await.unwrap();
        assert_eq!(stored, read, "at {now}");
        seen_breached |= !read.breached.is_empty();
        seen_due |= !read.due_today.is_empty();
    }
    assert!(seen_breached && seen_due, "the history has breaches and tickets due on some day");

    execute_raw(db, "UPDATE tickets SET sla_marked = FALSE, sla_breach_at = NULL, resolution_due_at = NULL")
        .await;
    let now = instants[20];
    let marked = d.engine.mark_sla_facts(now).await.unwrap();
    let open = d.engine.sla_digest_from_timelines(now).await.unwrap();
    assert_eq!(marked, open.open, "the pass marks every ticket not closed");
    for now in &instants {
        assert_eq!(
            d.engine.sla_digest_lists(*now).await.unwrap(),
            d.engine.sla_digest_from_timelines(*now).await.unwrap(),
            "after the one-time pass, at {now}"
        );
    }
}

/// 52 breached tickets: the digest names the first 50 and says how many more.
async fn a_long_digest_list_names_the_first_fifty_and_how_many_more(db: &TestDb) {
    let d = Driver::new(db);
    for i in 0..52 {
        open_ticket_for(&d, &format!("customer{i}"), "2026-11-23T10:00:00+08:00", "screen", "P1").await;
    }
    let now = at("2026-11-26T09:00:00+08:00");
    let before = d.store().last_post_id().await.unwrap();
    let report = d.engine.sla_digest(now).await.unwrap();
    assert_eq!((report.open, report.breached), (52, 52));
    let posts = d.store().posts_enqueued_at(before, now).await.unwrap();
    let digest = posts
        .iter()
        .find(|p| p.post.audience == Audience::Conversation { conversation: "ops".into() })
        .expect("a digest post");
    let first_fifty = (1..=50).map(|n| format!("T-{n}")).collect::<Vec<_>>().join(", ");
    assert!(
        digest.post.text.contains(&format!("Breached: {first_fifty} and 2 more\n")),
        "{}",
        digest.post.text
    );
}
