//! Revisits through the binary, with time passing: a ticket closed by its customer is asked
//! `revisit.after_days` later by `jobs run-once` (the job `resolvd run` ticks), and a "no" by
//! button reopens it; on both databases.

mod common;

use chrono::{Duration, Utc};
use common::{TestDb, ok, resolvd, ticket_json};
use resolvd::domain::indicators::{IndicatorFilter, IndicatorQuery, Revisits};

on_both_databases!(
    a_closed_ticket_is_revisited_after_the_days_and_a_no_reopens_it,
    a_ticket_outside_the_sample_is_never_revisited,
);

/// T-1 resolved by bob and confirmed by alice: closed as confirmed.
const CLOSED_BY_ITS_CUSTOMER: &str = include_str!("../examples/revisit-close.txt");
/// The customers' answers to T-1's revisit: mallory's refused, alice's "no", and a second answer.
const ANSWERED: &str = include_str!("../examples/revisit.txt");

/// Runs console lines through `resolvd chat --script` with `revisit.share` set.
fn script(db: &TestDb, data_dir: &std::path::Path, share: &str, lines: &str) -> String {
    let file = data_dir.join("script.txt");
    std::fs::write(&file, lines).unwrap();
    ok(resolvd(db, data_dir)
        .env("RESOLVD_REVISIT__SHARE", share)
        .args(["chat", "--script"])
        .arg(&file)
        .output()
        .unwrap())
}

fn run_once(db: &TestDb, data_dir: &std::path::Path, now: chrono::DateTime<Utc>) -> String {
    ok(resolvd(db, data_dir)
        .args(["jobs", "run-once", "--force", "--now", &now.to_rfc3339()])
        .output()
        .unwrap())
}

fn types(ticket: &serde_json::Value) -> Vec<String> {
    ticket["events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap().to_owned()).collect()
}

async fn a_closed_ticket_is_revisited_after_the_days_and_a_no_reopens_it(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    script(db, data.path(), "1", CLOSED_BY_ITS_CUSTOMER);
    let closed = Utc::now();
    assert_eq!(ticket_json(db, data.path(), "T-1")["status"], "closed");

    // A day early: nothing yet.
    let early = run_once(db, data.path(), closed + Duration::days(6));
    assert!(early.contains("revisits (tick"), "{early}");
    assert!(early.contains("0 closed tickets' customers asked"), "{early}");

    let output = run_once(db, data.path(), closed + Duration::days(7) + Duration::minutes(1));
    assert!(output.contains("1 closed ticket's customer asked"), "{output}");
    assert!(output.contains("to alice: We closed T-1"), "{output}");
    assert!(output.contains("Is it still working?"), "{output}");
    // Once: the next run asks nobody.
    let again = run_once(db, data.path(), closed + Duration::days(7) + Duration::minutes(2));
    assert!(again.contains("0 closed tickets' customers asked"), "{again}");
    assert!(types(&ticket_json(db, data.path(), "T-1")).contains(&"revisit_asked".to_owned()));

    let pressed = script(db, data.path(), "1", ANSWERED);
    assert!(pressed.contains("only the ticket's customer can answer its revisit"), "{pressed}");
    assert!(pressed.contains("T-1 is open again"), "{pressed}");
    assert!(pressed.contains("T-1's revisit is answered already"), "{pressed}");
    let t1 = ticket_json(db, data.path(), "T-1");
    assert_eq!((t1["status"].as_str(), t1["assignee"].as_str()), (Some("open"), Some("bob")));
    let events = t1["events"].as_array().unwrap();
    let answered = events.iter().find(|e| e["type"] == "revisit_answered").unwrap();
    assert_eq!(
        (answered["answer"].as_str(), answered["actor"].as_str()),
        (Some("not_working"), Some("alice"))
    );
    let reopened = events.iter().rev().find(|e| e["type"] == "reopened").unwrap();
    assert!(reopened["reason"].as_str().unwrap().contains("revisit"), "{reopened}");

    // The cockpit's confirmation indicator counts the revisit and its answer, on either path.
    let query = IndicatorQuery {
        from: closed.date_naive(),
        to: (closed + Duration::days(8)).date_naive(),
        time_zone: chrono_tz::Tz::UTC,
        filter: IndicatorFilter::default(),
    };
    let expected = Revisits { asked: 1, working: 0, not_working: 1 };
    assert_eq!(db.store.indicators(&query).await.unwrap().confirmation.revisits, expected);
    assert_eq!(db.store.indicators_from_timeline(&query).await.unwrap().confirmation.revisits, expected);
}

async fn a_ticket_outside_the_sample_is_never_revisited(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    script(db, data.path(), "0", CLOSED_BY_ITS_CUSTOMER);
    let output = run_once(db, data.path(), Utc::now() + Duration::days(8));
    assert!(output.contains("0 closed tickets' customers asked"), "{output}");
    assert!(!types(&ticket_json(db, data.path(), "T-1")).contains(&"revisit_asked".to_owned()));
}
