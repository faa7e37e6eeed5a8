//! `resolvd jobs run-once` and the SLA fields of `ticket show --json`, through the binary.

mod common;

use std::process::{Command, Output};

use chrono::{DateTime, Duration, Utc};
use common::{TestDb, repo_path};
use resolvd::domain::{Audience, TicketRef};
use serde_json::Value;

on_both_databases!(
    run_once_past_the_l1_share_escalates_with_one_notice_and_a_rerun_or_restart_sends_nothing,
    ticket_show_json_carries_the_deadlines_and_the_clock_events,
);

fn resolvd(db: &TestDb, data_dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_resolvd"));
    command.current_dir(repo_path("")).env("RESOLVD_DATABASE_URL", &db.url).arg("--data-dir").arg(data_dir);
    command
}

fn ok(output: Output) -> String {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

fn script(db: &TestDb, data_dir: &std::path::Path, lines: &str) {
    let file = data_dir.join("script.txt");
    std::fs::write(&file, lines).unwrap();
    ok(resolvd(db, data_dir).args(["chat", "--script"]).arg(&file).output().unwrap());
}

fn show(db: &TestDb, data_dir: &std::path::Path, reference: &str) -> Value {
    let stdout = ok(resolvd(db, data_dir).args(["ticket", "show", reference, "--json"]).output().unwrap());
    serde_json::from_str(&stdout).unwrap()
}

fn run_once(db: &TestDb, data_dir: &std::path::Path, now: DateTime<Utc>) -> String {
    ok(resolvd(db, data_dir).args(["jobs", "run-once", "--now", &now.to_rfc3339()]).output().unwrap())
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
    assert!(first.contains("1 escalations"), "{first}");
    let after = show(db, data.path(), "T-1");
    assert_eq!((after["tier"].as_str(), after["assignee"].as_str()), (Some("L2"), Some("carol")));
    let notices = staff_notices(db).await;
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(notices[0].contains("The L1 OLA ran out: escalated to L2, now with carol."), "{}", notices[0]);

    // The same instant in a new process: every tick is claimed already.
    let again = run_once(db, data.path(), now);
    assert!(again.lines().all(|line| line.ends_with("already run")), "{again}");
    // The next minute, after a restart: the sweep runs but has nothing new to say.
    let later = run_once(db, data.path(), now + Duration::minutes(1));
    assert!(later.contains("0 notices, 0 escalations"), "{later}");
    assert!(staff_notices(db).await.is_empty());
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
