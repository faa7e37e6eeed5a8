//! The binary as an operator runs it, for what a deployed desk relies on: a staff member writing
//! to the bot gets help rather than a ticket, and a listing cannot be rewritten by what a
//! customer typed.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{TestDb, repo_path};

on_both_databases!(
    a_staff_member_who_writes_to_the_bot_gets_help_not_a_ticket,
    ticket_list_strips_control_characters_from_what_customers_wrote,
    a_photo_alone_opens_a_ticket_and_every_file_is_on_its_message,
    commands_take_their_first_option_bare_and_help_explains_each,
    a_customer_closes_their_own_ticket_after_one_confirmation,
);

fn resolvd(db: &TestDb, data_dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_resolvd"));
    command.current_dir(repo_path("")).env("RESOLVD_DATABASE_URL", &db.url).arg("--data-dir").arg(data_dir);
    command
}

fn chat(db: &TestDb, data_dir: &std::path::Path, script: &str) -> String {
    let mut child = resolvd(db, data_dir)
        .args(["chat", "--script", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(script.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

fn ticket_list(db: &TestDb, data_dir: &std::path::Path) -> String {
    let output = resolvd(db, data_dir).args(["ticket", "list"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

async fn a_staff_member_who_writes_to_the_bot_gets_help_not_a_ticket(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    let out = chat(db, data.path(), "bob: hi, is the bot up?\nalice: my screen flickers\n");
    assert!(out.contains("bot → bob (only you): You are on staff, so this message opens no ticket"), "{out}");
    let list = ticket_list(db, data.path());
    assert_eq!(list.lines().count(), 1, "{list}");
    assert!(list.contains("alice") && !list.contains("\tbob\thi"), "{list}");
}

async fn ticket_list_strips_control_characters_from_what_customers_wrote(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    chat(db, data.path(), "alice: black\tscreen \u{1b}[2J\u{1b}]0;owned\u{7} after \u{202e}update\n");
    let list = ticket_list(db, data.path());
    assert!(!list.chars().any(|c| c.is_control() && c != '\t' && c != '\n'), "{list:?}");
    assert!(!list.contains('\u{202e}'), "{list:?}");
    assert_eq!(list.lines().count(), 1, "{list:?}");
    assert_eq!(list.trim_end().split('\t').count(), 8, "the title's tab did not split the row: {list:?}");
    let show = resolvd(db, data.path()).args(["ticket", "show", "T-1"]).output().unwrap();
    let text = String::from_utf8(show.stdout).unwrap();
    assert!(text.contains("T-1") && !text.contains('\u{1b}'), "{text:?}");
}

async fn a_photo_alone_opens_a_ticket_and_every_file_is_on_its_message(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    let log = data.path().join("modem.log");
    std::fs::write(&log, vec![b'x'; 2048]).unwrap();
    let script =
        format!("alice: !attach screenshot.png\nalice: !attach {} it drops every hour\n", log.display());
    let out = chat(db, data.path(), &script);
    assert!(out.contains("we opened T-1"), "{out}");
    assert!(out.contains("📎 screenshot.png (image/png, 0 B)"), "staff see the file: {out}");
    assert!(out.contains("📎 modem.log (") && out.contains("2 KB): file://"), "{out}");

    let show = resolvd(db, data.path()).args(["ticket", "show", "T-1", "--json"]).output().unwrap();
    let view: serde_json::Value = serde_json::from_slice(&show.stdout).unwrap();
    assert_eq!(view["title"], "Sent screenshot.png", "a photo alone still names the ticket");
    let events = view["events"].as_array().unwrap();
    assert_eq!(events[0]["type"], "created");
    assert_eq!(events[0]["attachments"][0]["filename"], "screenshot.png");
    assert_eq!(events[0]["attachments"][0]["content_type"], "image/png");
    let message = events.iter().find(|e| e["type"] == "message").expect("the second message");
    assert_eq!(message["text"], "it drops every hour");
    assert_eq!(message["attachments"][0]["size"], 2048);
    assert!(message["attachments"][0]["url"].as_str().unwrap().ends_with("/modem.log"));
    let list = ticket_list(db, data.path());
    assert_eq!(list.lines().count(), 1, "{list}");
}

async fn commands_take_their_first_option_bare_and_help_explains_each(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    let out = chat(
        db,
        data.path(),
        "alice: my screen flickers\nalice: /status T-1\nbob: /help\nbob: /help classify\nalice: /help classify\nbob: /classify T-1 domain:rf\n",
    );
    assert!(
        out.contains("bot → alice (only you): T-1 “my screen flickers”: we are working on it."),
        "/status T-1 is /status ticket:T-1: {out}"
    );
    assert!(
        out.contains("/classify [ticket:] [domain:] [kind:] [severity:] [reason:] [reroute:] — "),
        "{out}"
    );
    assert!(out.contains("/reply text: [ticket:] — "), "a required option is bare: {out}");
    assert!(out.contains("severity: How severe it is (one of S, P1, P2, P3, optional)"), "{out}");
    assert!(out.contains("Example: /classify ticket:T-1 domain:screen"), "{out}");
    assert!(out.contains("bot → alice (only you): there is no /classify you may use"), "{out}");
    let show = resolvd(db, data.path()).args(["ticket", "show", "T-1", "--json"]).output().unwrap();
    let view: serde_json::Value = serde_json::from_slice(&show.stdout).unwrap();
    assert_eq!(view["domain"], "rf", "/classify T-1 domain:rf classified T-1");
}

async fn a_customer_closes_their_own_ticket_after_one_confirmation(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    let out = chat(db, data.path(), "alice: my screen flickers\nmallory: /close T-1\nalice: /close T-1\n");
    assert!(out.contains("bot → mallory (only you): there is no ticket T-1"), "{out}");
    assert!(out.contains("[closeown:T-1] Yes, close it"), "one confirmation is asked: {out}");
    let show = |db: &TestDb| {
        let output = resolvd(db, data.path()).args(["ticket", "show", "T-1", "--json"]).output().unwrap();
        serde_json::from_slice::<serde_json::Value>(&output.stdout).unwrap()
    };
    assert_eq!(show(db)["status"], "new", "asking closes nothing");
    let out = chat(db, data.path(), "mallory: !press closeown:T-1\nalice: !press closeown:T-1\n");
    assert!(out.contains("bot → alice (only you): T-1 is closed. Thank you"), "{out}");
    assert!(out.contains("bot → staff of T-1, for @bob: alice closed T-1 themselves."), "{out}");
    let view = show(db);
    assert_eq!(
        (view["status"].as_str(), view["close_reason"].as_str()),
        (Some("closed"), Some("closed_by_customer"))
    );
}
