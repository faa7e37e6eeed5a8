//! `resolvd jobs run-once` and the SLA fields of `ticket show --json`, through the binary.

mod common;

use chrono::{DateTime, Duration, Timelike, Utc};
use common::{TestDb, ok, resolvd, script, ticket_json};
use resolvd::domain::{Audience, TicketRef};
use serde_json::Value;

on_both_databases!(
    run_once_past_the_l1_share_escalates_with_one_notice_and_a_rerun_or_restart_sends_nothing,
    ticket_show_json_carries_the_deadlines_and_the_clock_events,
    the_war_room_script_ends_confirmed_with_a_score_an_archived_room_and_a_report,
    run_once_reminds_an_unanswered_card_and_later_closes_it_as_auto_confirmed,
    run_once_at_the_digest_hour_posts_the_digest_counted_from_the_stored_marks,
);

fn show(db: &TestDb, data_dir: &std::path::Path, reference: &str) -> Value {
    ticket_json(db, data_dir, reference)
}

fn run_once(db: &TestDb, data_dir: &std::path::Path, now: DateTime<Utc>) -> String {
    ok(resolvd(db, data_dir)
        .args(["jobs", "run-once", "--force", "--now", &now.to_rfc3339()])
        .output()
        .unwrap())
}

fn instant(value: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(value.as_str().unwrap()).unwrap().to_utc()
}

/// Staff posts about T-1 waiting in the outbox, marked sent.
async fn staff_notices(db: &TestDb) -> Vec<String> {
    let far = Utc::now() + Duration::days(3650);
    let posts = db.store.claim_posts(far, far, 1000).await.unwrap();
    for p in &posts {
        db.store.mark_post_sent(p.id, far).await.unwrap();
    }
    posts
        .into_iter()
        .filter(|p| p.post.audience == Audience::Staff { ticket: TicketRef(1) })
        .map(|p| p.post.text)
        .collect()
}

async fn run_once_past_the_l1_share_escalates_with_one_notice_and_a_rerun_or_restart_sends_nothing(
    db: &TestDb,
) {
    let data = tempfile::tempdir().unwrap();
    script(db, data.path(), "alice: my screen flickers\nbob: /classify ticket:T-1 severity:P1\n");
    let before = show(db, data.path(), "T-1");
    assert_eq!((before["tier"].as_str(), before["assignee"].as_str()), (Some("L1"), Some("bob")));
    staff_notices(db).await;

    let now = instant(&before["ola_due"]) + Duration::minutes(1);
    let first = run_once(db, data.path(), now);
    assert!(first.contains("sla_sweep"), "{first}");
    assert!(first.contains("1 escalation"), "{first}");
    let after = show(db, data.path(), "T-1");
    assert_eq!((after["tier"].as_str(), after["assignee"].as_str()), (Some("L2"), Some("carol")));
    let notices = staff_notices(db).await;
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(notices[0].contains("The L1 OLA ran out: escalated to L2, now with carol."), "{}", notices[0]);

    // The same instant in a new process: every tick is claimed already.
    let again = run_once(db, data.path(), now);
    let (jobs, posted) = again.trim_end().rsplit_once('\n').unwrap();
    assert!(jobs.lines().all(|line| line.ends_with("already run")), "{again}");
    assert_eq!(posted, "posted nothing", "{again}");
    // The next minute, after a restart: the sweep runs but repeats nothing. (The script's times are
    // the wall clock's, so another clock may reach a threshold in that minute: once a day, the
    // response warning does. That notice is new; the escalation's must not come again.)
    let later = run_once(db, data.path(), now + Duration::minutes(1));
    assert!(later.contains("0 escalations"), "{later}");
    let repeated = staff_notices(db).await;
    assert!(repeated.iter().all(|n| !n.contains("OLA ran out")), "{repeated:?}");
    let last = show(db, data.path(), "T-1");
    assert_eq!(last["tier"].as_str(), Some("L2"));
}

async fn ticket_show_json_carries_the_deadlines_and_the_clock_events(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    script(
        db,
        data.path(),
        "alice: my screen flickers\nbob: /classify ticket:T-1 severity:P1\nbob: /wait ticket:T-1 reason:\"a photo, please\"\n",
    );
    let ticket = show(db, data.path(), "T-1");
    let created = instant(&ticket["created_at"]);
    assert!(instant(&ticket["response_due"]) > created);
    // Waiting with time left: no resolution or OLA deadline until the customer writes.
    assert_eq!((ticket["resolve_due"].clone(), ticket["ola_due"].clone()), (Value::Null, Value::Null));
    assert_eq!(ticket["breached"], false);
    let types: Vec<&str> =
        ticket["clock_events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["created", "classified", "waiting"]);

    script(db, data.path(), "alice: here is the photo\n");
    let resumed = show(db, data.path(), "T-1");
    assert!(instant(&resumed["resolve_due"]) > created);
    assert!(instant(&resumed["ola_due"]) < instant(&resumed["resolve_due"]));
}

async fn the_war_room_script_ends_confirmed_with_a_score_an_archived_room_and_a_report(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    let output =
        ok(resolvd(db, data.path()).args(["chat", "--script", "examples/war-room.txt"]).output().unwrap());
    assert!(
        output.contains(
            "mallory (only you): only the owners of the screen domain (erin) can answer S-level for T-1"
        ),
        "{output}"
    );
    assert!(output.contains("bot → war room of T-1 (incident card, pinned): INCIDENT T-1"), "{output}");
    let t1 = show(db, data.path(), "T-1");
    assert_eq!(t1["status"], "closed");
    assert_eq!(t1["close_reason"], "confirmed");
    assert_eq!(t1["severity"], "S");
    assert_eq!(t1["satisfaction"], 4);
    assert!(t1["confirmation_wait_secs"].as_i64().unwrap() >= 0);
    let room = &t1["war_room"];
    assert_eq!(room["id"], "war-room-t-1");
    assert_eq!(room["leader"], "erin");
    assert_eq!(
        room["roster"],
        serde_json::json!(["erin", "grace", "heidi", "ivan", "carol", "frank", "dave"])
    );
    assert!(room["archived_at"].is_string());
    assert_eq!(room["report"]["root_cause"], "a display timing table missing for panel rev B");
    let types: Vec<&str> =
        t1["events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert!(types.contains(&"timeline_entry") && types.contains(&"rated"), "{types:?}");
}

async fn run_once_reminds_an_unanswered_card_and_later_closes_it_as_auto_confirmed(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    script(
        db,
        data.path(),
        "alice: my screen flickers\nbob: /resolve ticket:T-1 resolution:\"driver 2.1.4\"\n",
    );
    let resolved = Utc::now();
    let output = run_once(db, data.path(), resolved + Duration::hours(25));
    assert!(output.contains("1 reminded, 0 auto-confirmed"), "{output}");
    assert_eq!(show(db, data.path(), "T-1")["status"], "resolved");
    let output = run_once(db, data.path(), resolved + Duration::days(3) + Duration::hours(1));
    assert!(output.contains("0 reminded, 1 auto-confirmed"), "{output}");
    let t1 = show(db, data.path(), "T-1");
    assert_eq!(
        (t1["status"].as_str(), t1["close_reason"].as_str()),
        (Some("closed"), Some("auto_confirmed"))
    );
    assert!(t1["confirmation_wait_secs"].as_i64().unwrap() >= 3 * 24 * 3600);
}

/// The daily digest through the binary at its hour: T-1 (P1, unanswered, its OLA spent, its resolution
/// due later that day) breached and due today, T-2 waiting for the customer (paused, neither), T-3
/// closed (not counted), at the instant T-1's resolution is due. The digest reads the marks the script's changes stored, and the sweep
/// running in the same tick (escalating T-1) keeps them.
async fn run_once_at_the_digest_hour_posts_the_digest_counted_from_the_stored_marks(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    script(
        db,
        data.path(),
        "alice: my screen flickers\nbob: /classify ticket:T-1 severity:P1\n\
         mallory: my battery drains overnight\nbob: /classify ticket:T-2 domain:screen severity:P3\n\
         bob: /wait ticket:T-2 reason:\"a photo, please\"\n\
         oscar: buy cheap watches\nbob: /close ticket:T-3 reason:spam\n",
    );
    let t1 = show(db, data.path(), "T-1");
    let resolve_due = instant(&t1["resolve_due"]);
    assert!(instant(&t1["ola_due"]) < resolve_due);
    assert_eq!(show(db, data.path(), "T-3")["status"], "closed");
    // The digest's hour the second T-1's resolution is due (whole seconds, as ticks are): still due,
    // and on the same day even when the deadline is the end of a working day at midnight.
    let now = resolve_due.with_nanosecond(0).unwrap();
    let shanghai: chrono_tz::Tz = "Asia/Shanghai".parse().unwrap();
    let digest_at = now.with_timezone(&shanghai).format("%H:%M:%S").to_string();
    let out = ok(resolvd(db, data.path())
        .env("RESOLVD_OPS__DIGEST_AT", &digest_at)
        .args(["jobs", "run-once", "--force", "--now", &now.to_rfc3339()])
        .output()
        .unwrap());
    assert!(out.contains("): posted: 2 open, 1 breached, 1 due today"), "{out}");
    let today = now.with_timezone(&shanghai).date_naive();
    let line = out
        .lines()
        .find(|l| l.starts_with("  to #ops: "))
        .unwrap_or_else(|| panic!("no digest posted to ops: {out}"));
    assert!(line.contains(&format!("Daily digest for {today}: 2 open tickets.")), "{line}");
    assert!(line.contains("Breached: T-1") && line.contains("Resolution due today: T-1"), "{line}");
}
