//! What operators run beside the bot, through the binary: reads that never migrate or create the
//! database, `ticket list`'s filters, the readable `ticket show`, the posts `jobs run-once` made,
//! and `--now` as a local time.

mod common;

use std::process::Command;

use chrono::{DateTime, Duration, Timelike, Utc};
use chrono_tz::Tz;
use common::{TestDb, ok, repo_path, resolvd, script, ticket_json};
use serde_json::Value;

on_both_databases!(
    read_commands_refuse_a_blank_or_older_database_naming_migrate_and_change_nothing,
    tickets_are_listed_by_open_assignee_and_domain,
    ticket_show_reads_as_a_timeline_in_the_ops_time_zone,
    run_once_at_a_local_now_prints_the_notices_it_posted,
    the_retention_job_prunes_what_only_guards_against_repeats,
);

/// `resolvd` with its own data dir, on the database at `url`.
fn resolvd_on(url: &str, data_dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_resolvd"));
    command.current_dir(repo_path("")).env("RESOLVD_DATABASE_URL", url).arg("--data-dir").arg(data_dir);
    command
}

fn show(db: &TestDb, data_dir: &std::path::Path, reference: &str) -> Value {
    ticket_json(db, data_dir, reference)
}

fn instant(value: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(value.as_str().unwrap()).unwrap().to_utc()
}

const READS: [&[&str]; 4] = [
    &["ticket", "list"],
    &["ticket", "show", "T-1"],
    &["ticket", "show", "T-1", "--json"],
    &["outbox", "list"],
];

/// Each read fails, saying `expected`; `check` passes with it as a warning.
fn reads_are_refused(url: &str, data_dir: &std::path::Path, expected: &str) {
    for args in READS {
        let output = resolvd_on(url, data_dir).args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{args:?} read a database it should refuse");
        assert!(stderr.contains(expected) && stderr.contains("run `resolvd migrate`"), "{args:?}: {stderr}");
    }
    let check = ok(resolvd_on(url, data_dir).arg("check").output().unwrap());
    assert!(check.contains("config is valid"), "{check}");
    assert!(check.contains("warning: ") && check.contains(expected), "{check}");
}

async fn read_commands_refuse_a_blank_or_older_database_naming_migrate_and_change_nothing(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    let blank = db.blank().await;
    let expected = if blank.path.is_some() { "there is no database at" } else { "has no resolvd schema yet" };
    reads_are_refused(&blank.url, data.path(), expected);
    assert!(blank.is_untouched().await, "a read created or migrated nothing");

    // As an older resolvd left it: every migration but the last.
    blank.migrate_all_but_last().await;
    let applied = common::applied_migrations(&blank.url).await;
    reads_are_refused(
        &blank.url,
        data.path(),
        "the database schema is behind this resolvd (1 migration to apply); run `resolvd migrate`",
    );
    assert_eq!(common::applied_migrations(&blank.url).await, applied, "a read migrated nothing");

    let migrated = ok(resolvd_on(&blank.url, data.path()).arg("migrate").output().unwrap());
    assert_eq!(migrated.trim(), "database schema is up to date");
    assert_eq!(ok(resolvd_on(&blank.url, data.path()).args(["ticket", "list"]).output().unwrap()), "");
    let listed = ok(resolvd_on(&blank.url, data.path()).args(["outbox", "list"]).output().unwrap());
    assert_eq!(listed.trim(), "nothing waiting to be sent");
    let check = ok(resolvd_on(&blank.url, data.path()).arg("check").output().unwrap());
    assert!(check.contains("database schema is up to date") && !check.contains("migrate`"), "{check}");
    blank.finish().await;
}

#[test]
fn a_read_in_a_fresh_data_dir_creates_neither_the_dir_nor_the_database() {
    let parent = tempfile::tempdir().unwrap();
    let data = parent.path().join("data");
    for args in [&["ticket", "list"][..], &["ticket", "show", "T-1"], &["outbox", "list", "--dead"]] {
        let output = Command::new(env!("CARGO_BIN_EXE_resolvd"))
            .current_dir(repo_path(""))
            .env_remove("RESOLVD_DATABASE_URL")
            .arg("--data-dir")
            .arg(&data)
            .args(args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success());
        assert!(
            stderr.contains("there is no database at") && stderr.contains("run `resolvd migrate`"),
            "{args:?}: {stderr}"
        );
    }
    assert!(!data.exists(), "reads left {} behind", data.display());
}

async fn tickets_are_listed_by_open_assignee_and_domain(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    script(
        db,
        data.path(),
        "alice: my screen flickers\n\
         mallory: no signal at home\n\
         zoe: my screen has dead pixels\n\
         yann: the display blinks\n\
         bob: /escalate ticket:T-4 reason:\"needs the panel team\"\n\
         bob: /close ticket:T-1\n",
    );
    let list = |args: &[&str]| {
        let mut command = resolvd(db, data.path());
        command.args(["ticket", "list", "--json"]).args(args);
        let listed: Value = serde_json::from_str(&ok(command.output().unwrap())).unwrap();
        listed.as_array().unwrap().iter().map(|t| t["ref"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
    };
    assert_eq!(show(db, data.path(), "T-4")["assignee"], "carol", "escalated to L2");
    assert_eq!(list(&[]), ["T-1", "T-2", "T-3", "T-4"]);
    assert_eq!(list(&["--status", "open"]), ["T-2", "T-3", "T-4"], "open: every status but closed");
    assert_eq!(list(&["--status", "closed"]), ["T-1"]);
    assert_eq!(list(&["--status", "open", "--assignee", "bob", "--domain", "screen"]), ["T-3"]);
    assert_eq!(list(&["--assignee", "carol"]), ["T-4"]);
    assert_eq!(list(&["--domain", "rf"]), ["T-2"]);
    assert!(list(&["--assignee", "nobody"]).is_empty());

    // The text listing keeps its columns: ref, status, domain, severity, tier, assignee, customer, title.
    let text = ok(resolvd(db, data.path())
        .args(["ticket", "list", "--status", "open", "--assignee", "bob", "--domain", "screen"])
        .output()
        .unwrap());
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows.len(), 1, "{text}");
    assert_eq!((rows[0][0], rows[0][2], rows[0][5], rows[0][6]), ("T-3", "screen", "bob", "zoe"), "{text}");

    let bad = resolvd(db, data.path()).args(["ticket", "list", "--status", "lost"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(!bad.status.success() && stderr.contains("`lost` is not a status"), "{stderr}");
    // Pages: --limit, then --after the last one shown (said on stderr for the text listing).
    assert_eq!(list(&["--limit", "2"]), ["T-1", "T-2"]);
    assert_eq!(list(&["--limit", "2", "--after", "T-2"]), ["T-3", "T-4"]);
    assert!(list(&["--limit", "2", "--after", "T-4"]).is_empty());
    let paged = resolvd(db, data.path()).args(["ticket", "list", "--limit", "1"]).output().unwrap();
    assert!(String::from_utf8_lossy(&paged.stderr).contains("the next page: --after T-1"));
    let bad = resolvd(db, data.path()).args(["ticket", "list", "--after", "yesterday"]).output().unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--after takes a ticket, as T-12"));
}

async fn ticket_show_reads_as_a_timeline_in_the_ops_time_zone(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    let long = "it started after the update and ".repeat(20);
    script(
        db,
        data.path(),
        &format!(
            "alice: my screen \u{1b}[2J flickers\n\
             bob: /classify ticket:T-1 severity:P1\n\
             bob: /reply ticket:T-1 text:\"Please restart the phone\"\n\
             alice: {long}\n"
        ),
    );
    let json = show(db, data.path(), "T-1");
    let shanghai: Tz = "Asia/Shanghai".parse().unwrap();
    let local = |at: DateTime<Utc>, zone: Tz| {
        format!("{} ({zone})", at.with_timezone(&zone).format("%Y-%m-%d %H:%M"))
    };

    let text = ok(resolvd(db, data.path()).args(["ticket", "show", "T-1"]).output().unwrap());
    assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "{text:?}");
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("T-1 “my screen [2J flickers”"), "{text}");
    for part in ["status open", "severity P1", "kind fault", "domain screen", "tier L1"] {
        assert!(lines[1].contains(part), "missing `{part}` in {text}");
    }
    let created = instant(&json["created_at"]);
    assert!(
        lines[2].contains("assignee bob")
            && lines[2].contains("customer alice")
            && lines[2].contains(&format!("created {}", local(created, shanghai))),
        "{text}"
    );
    assert!(
        text.contains(&format!("response due {}", local(instant(&json["response_due"]), shanghai))),
        "{text}"
    );
    let timeline: Vec<&str> = lines.iter().skip_while(|l| **l != "timeline:").skip(1).copied().collect();
    let events = json["events"].as_array().unwrap();
    assert_eq!(timeline.len(), events.len(), "one line per event: {text}");
    for (line, event) in timeline.iter().zip(events) {
        let prefix =
            format!("  {}  {}  ", local(instant(&event["at"]), shanghai), event["actor"].as_str().unwrap());
        assert!(line.starts_with(&prefix), "`{line}` does not start with `{prefix}`");
    }
    assert!(timeline[0].ends_with("alice  opened the ticket, writing: my screen [2J flickers"), "{text}");
    assert!(timeline.iter().any(|l| l.ends_with("bob  classified: severity P1")), "{text}");
    assert!(
        timeline.iter().any(|l| l.contains("  bob  replied") && l.ends_with(": Please restart the phone")),
        "{text}"
    );
    let wrote =
        timeline.iter().find(|l| l.contains("alice  wrote: it started after")).expect("the long message");
    assert!(wrote.ends_with(" more characters)") && wrote.chars().count() < 300, "cut short: {wrote}");

    // Another ops time zone, another clock on every line.
    let berlin: Tz = "Europe/Berlin".parse().unwrap();
    let text = ok(resolvd(db, data.path())
        .env("RESOLVD_OPS__TIME_ZONE", "Europe/Berlin")
        .args(["ticket", "show", "T-1"])
        .output()
        .unwrap());
    assert!(text.contains(&format!("created {}", local(created, berlin))), "{text}");
    assert!(!text.contains("Asia/Shanghai"), "{text}");
}

async fn run_once_at_a_local_now_prints_the_notices_it_posted(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    script(db, data.path(), "alice: my screen flickers\nbob: /classify ticket:T-1 severity:P1\n");
    let before = show(db, data.path(), "T-1");
    let now = instant(&before["ola_due"]) + Duration::minutes(1);
    let now = now.with_nanosecond(0).unwrap();
    // The same instant, written as the ops team's wall clock shows it (ops.time_zone: Asia/Shanghai).
    let shanghai: Tz = "Asia/Shanghai".parse().unwrap();
    let local = now.with_timezone(&shanghai).format("%Y-%m-%d %H:%M:%S").to_string();
    let run_once = |now: &str| {
        ok(resolvd(db, data.path()).args(["jobs", "run-once", "--force", "--now", now]).output().unwrap())
    };

    let out = run_once(&local);
    let tick = now.with_second(0).unwrap();
    assert!(out.contains(&format!("sla_sweep (tick {}): ", tick.to_rfc3339())), "read in Shanghai: {out}");
    assert!(out.contains("1 escalation"), "{out}");
    assert!(out.contains("\nposted "), "{out}");
    let notice =
        out.lines().find(|l| l.starts_with("  to staff of T-1: ")).unwrap_or_else(|| panic!("{out}"));
    assert!(notice.contains("The L1 OLA ran out: escalated to L2, now with carol."), "{out}");
    for line in out.lines().skip_while(|l| !l.starts_with("posted")).skip(1) {
        assert!(line.starts_with("  to "), "one post a line: {line:?} in {out}");
    }
    assert_eq!(show(db, data.path(), "T-1")["assignee"], "carol");

    // The same instant again, with a `T`: every tick is claimed, nothing is posted.
    let again = run_once(&local.replace(' ', "T"));
    assert!(again.contains("sla_sweep (tick") && again.contains("already run"), "{again}");
    assert!(again.ends_with("posted nothing\n"), "{again}");
}

#[test]
fn a_local_now_the_clocks_skip_is_refused() {
    let output = Command::new(env!("CARGO_BIN_EXE_resolvd"))
        .current_dir(repo_path(""))
        .env("RESOLVD_OPS__TIME_ZONE", "America/New_York")
        .args(["jobs", "run-once", "--force", "--now", "2027-03-14 02:30"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("`2027-03-14 02:30` does not exist in America/New_York"), "{stderr}");
    let output = Command::new(env!("CARGO_BIN_EXE_resolvd"))
        .current_dir(repo_path(""))
        .args(["jobs", "run-once", "--now", "next tuesday"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success() && stderr.contains("is not a time"), "{stderr}");
}

async fn the_retention_job_prunes_what_only_guards_against_repeats(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    script(db, data.path(), "alice: my screen flickers\nbob: /reply ticket:T-1 text:\"which firmware?\"\n");
    let run_once = |now: DateTime<Utc>| {
        ok(resolvd(db, data.path())
            .args(["jobs", "run-once", "--force", "--now", &now.to_rfc3339()])
            .output()
            .unwrap())
    };
    let soon = run_once(Utc::now() + chrono::Duration::days(1));
    assert!(soon.contains("retention (tick"), "{soon}");
    assert!(soon.contains("deleted 0 sent posts"), "nothing is 90 days old yet: {soon}");
    let later = run_once(Utc::now() + chrono::Duration::days(200));
    let line = later.lines().find(|l| l.starts_with("retention")).unwrap_or_else(|| panic!("{later}"));
    assert!(!line.contains("deleted 0 sent posts"), "{line}");
    assert!(line.contains("older than 90 days"), "{line}");
    let t1 = show(db, data.path(), "T-1");
    assert!(t1["events"].as_array().unwrap().len() >= 2, "the timeline is never pruned: {t1:#}");
}
