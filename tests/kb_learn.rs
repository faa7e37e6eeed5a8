//! Learning from tickets (issue 15, point 4): each article's offers, solves and citations counted
//! in the transaction of the event that causes them, `/kb stats` and `resolvd kb stats --json`
//! with the authors, `/kb gaps` after three alike resolutions no article covers, and a draft
//! edited before it is published. Through the binary (`examples/kb-learn.txt`) and the engine,
//! on SQLite and PostgreSQL.

mod common;

use std::process::Command;

use common::{Driver, TestDb, reply, repo_path};
use serde_json::Value;

on_both_databases!(
    the_learning_script_counts_use_finds_a_gap_and_publishes_the_edited_draft,
    an_offer_replayed_or_a_citation_repeated_counts_once,
    bad_edits_get_clear_replies_and_change_nothing,
    counts_live_and_die_with_the_transaction_of_their_event,
);

fn resolvd(db: &TestDb, config: &std::path::Path, data: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_resolvd"));
    command
        .current_dir(repo_path(""))
        .env("RESOLVD_DATABASE_URL", &db.url)
        .env("RESOLVD_WEB__LISTEN", "")
        .arg("--config")
        .arg(config)
        .arg("--data-dir")
        .arg(data);
    command
}

fn ok(output: std::process::Output) -> String {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

/// What the bot answered right after `line` was typed (the first time): its lines up to the next
/// typed line.
fn answer_to(stdout: &str, line: &str) -> String {
    let at = stdout.find(&format!("{line}\n")).unwrap_or_else(|| panic!("`{line}` in\n{stdout}"));
    stdout[at + line.len() + 1..]
        .lines()
        .take_while(|l| l.starts_with("bot →") || l.starts_with("    "))
        .collect::<Vec<_>>()
        .join("\n")
}

fn article<'a>(stats: &'a Value, id: &str) -> &'a Value {
    stats["articles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id)
        .unwrap_or_else(|| panic!("{id} in {stats:#}"))
}

async fn the_learning_script_counts_use_finds_a_gap_and_publishes_the_edited_draft(db: &TestDb) {
    let copy = common::config_copy();
    let config = copy.path().join("config");
    let data = tempfile::tempdir().unwrap();
    let stdout = ok(resolvd(db, &config, data.path())
        .args(["chat", "--script"])
        .arg(repo_path("examples/kb-learn.txt"))
        .output()
        .unwrap());
    assert!(!stdout.contains("internal error"), "{stdout}");

    // The first /kb stats: the offer and the solve, and the citations (counted once a ticket).
    let stats = answer_to(&stdout, "bob: /kb stats");
    assert!(stats.contains("Knowledge-base articles by use"), "{stats}");
    let refund = stats.lines().find(|l| l.contains("billing-refund-en")).unwrap_or_else(|| panic!("{stats}"));
    assert!(refund.contains("by carol") && refund.contains("solved 1, cited 0, offered 1"), "{refund}");
    let signal = stats.lines().find(|l| l.contains("rf-no-signal-en")).unwrap_or_else(|| panic!("{stats}"));
    assert!(signal.contains("by erin") && signal.contains("cited 1"), "{signal}");
    assert!(stats.contains("rf-mobile-data-en"), "the note's second id counts: {stats}");
    assert!(stdout.contains("rf-no-signal-en was cited on T-2 before"), "{stdout}");
    assert!(stdout.contains("there is no article `no-such-article`"), "{stdout}");

    // Three alike resolutions no article covers: one gap, with the /kb add to type.
    let gaps = answer_to(&stdout, "bob: /kb gaps");
    assert!(gaps.contains("1 group of alike resolutions that no article covers"), "{gaps}");
    assert!(gaps.contains("3 tickets (T-5, T-4, T-3)"), "{gaps}");
    assert!(gaps.contains("/kb add ticket:T-5"), "{gaps}");

    // Bad edits, then the edit, published with its text.
    assert!(stdout.contains("there is no draft `ticket-t-99`"), "{stdout}");
    assert!(stdout.contains("`text` is empty in /kb edit"), "{stdout}");
    assert!(stdout.contains("/kb edit draft:ticket-t-5 text:\"…\""), "no text asks for it: {stdout}");
    assert!(stdout.contains("Edited ticket-t-5:"), "{stdout}");
    assert!(stdout.contains("Published ticket-t-5: searchable now"), "{stdout}");
    assert!(stdout.contains("`ticket-t-5` is already published"), "{stdout}");
    // Published into the shared knowledge base (a row every instance follows), not a file.
    assert!(!config.join("kb/ticket-t-5.md").exists());
    let file = ok(resolvd(db, &config, data.path()).args(["kb", "show", "ticket-t-5"]).output().unwrap());
    assert!(file.contains("title = \"Swollen battery lifts the back cover\""), "{file}");
    assert!(file.contains("Stop using the phone and bring it to a service centre"), "{file}");
    assert!(file.contains("author = \"bob\""), "{file}");
    assert!(!file.contains("the case will not close"), "the customer's words are not published: {file}");

    // Covered now: the second /kb gaps finds none; the article is offered, solves, credits bob.
    let after = stdout.rsplit("bob: /kb gaps\n").next().unwrap();
    assert!(after.starts_with("bot → bob (only you): No gaps"), "{after}");
    assert!(stdout.contains("[solved:T-6:ticket-t-5]"), "the new article is offered: {stdout}");

    let json = ok(resolvd(db, &config, data.path()).args(["kb", "stats", "--json"]).output().unwrap());
    let stats: Value = serde_json::from_str(&json).unwrap();
    let refund = article(&stats, "billing-refund-en");
    assert_eq!((refund["offered"].as_i64(), refund["solved"].as_i64()), (Some(1), Some(1)), "{stats:#}");
    assert_eq!(refund["author"], "carol");
    assert_eq!(article(&stats, "rf-no-signal-en")["cited"], 1);
    assert_eq!(article(&stats, "rf-mobile-data-en")["cited"], 1);
    let drafted = article(&stats, "ticket-t-5");
    assert_eq!((drafted["offered"].as_i64(), drafted["solved"].as_i64()), (Some(1), Some(1)), "{stats:#}");
    assert_eq!(drafted["author"], "bob");
    assert_eq!(drafted["title"], "Swollen battery lifts the back cover");
    let bob = stats["authors"].as_array().unwrap().iter().find(|a| a["author"] == "bob").unwrap();
    assert_eq!((bob["articles"].as_i64(), bob["solved"].as_i64()), (Some(1), Some(1)), "{stats:#}");
    assert!(stats["unused"].as_i64().unwrap() > 30, "the sample's other articles: {stats:#}");
    // Most used first: solved before cited only.
    let order: Vec<&str> =
        stats["articles"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap()).collect();
    let at = |id: &str| order.iter().position(|o| *o == id).unwrap();
    assert!(
        at("ticket-t-5") < at("rf-no-signal-en") && at("billing-refund-en") < at("rf-no-signal-en"),
        "{order:?}"
    );

    let text = ok(resolvd(db, &config, data.path()).args(["kb", "stats"]).output().unwrap());
    assert!(text.contains("- bob (1 article): solved 1"), "{text}");
}

async fn an_offer_replayed_or_a_citation_repeated_counts_once(db: &TestDb) {
    let (driver, _dir) = Driver::with_knowledge_base(db);
    let at = common::t0();
    let first = driver.message_with_id("alice", "I was charged twice, I want a refund", "m-1", at).await;
    let again = driver.message_with_id("alice", "I was charged twice, I want a refund", "m-1", at).await;
    assert!(!first.duplicate && again.duplicate);
    let counts = driver.store().article_counts(100).await.unwrap();
    let refund = counts.iter().find(|c| c.article_id == "billing-refund-en").expect("offered");
    assert_eq!((refund.offered, refund.solved, refund.cited), (1, 0, 0));

    let cite = "kb cite article:kb:billing-refund-en ticket:T-1";
    assert!(reply(&driver.command_with_id("bob", cite, "c-1").await).contains("T-1 cites billing-refund-en"));
    assert!(driver.command_with_id("bob", cite, "c-1").await.duplicate);
    driver.command("bob", "note ticket:T-1 text:\"see kb:billing-refund-en\"").await;
    driver.command("bob", "resolve ticket:T-1 resolution:\"refunded, as kb:billing-refund-en says\"").await;
    let counts = driver.store().article_counts(100).await.unwrap();
    let refund = counts.iter().find(|c| c.article_id == "billing-refund-en").unwrap();
    assert_eq!(refund.cited, 1, "one ticket cites it once: {counts:?}");

    // A customer cannot cite; a note naming no article counts nothing.
    assert!(reply(&driver.command("alice", cite).await).contains("engineers"));
    driver.command("bob", "note ticket:T-1 text:\"kb:made-up-article\"").await;
    assert!(
        driver.store().article_counts(100).await.unwrap().iter().all(|c| c.article_id != "made-up-article")
    );
}

async fn bad_edits_get_clear_replies_and_change_nothing(db: &TestDb) {
    let (driver, _dir) = Driver::with_knowledge_base(db);
    driver.message("mallory", "my fingerprint sensor stopped working after the lake").await;
    driver.command("bob", "classify ticket:T-1 domain:id kind:fault").await;
    driver.command("bob", "resolve ticket:T-1 resolution:\"Dried the sensor and re-enrolled\"").await;
    assert!(reply(&driver.command("bob", "kb add ticket:T-1").await).contains("Drafted ticket-t-1"));

    let unknown = driver.command("bob", "kb edit draft:nope text:hello").await;
    assert_eq!(reply(&unknown), "there is no draft `nope`; /kb add ticket:T-n makes one");
    let long = "x".repeat(4_001);
    let too_long = driver.command("bob", &format!("kb edit draft:ticket-t-1 text:{long}")).await;
    assert_eq!(reply(&too_long), "text: is 4001 characters; an article takes at most 4000");
    let invisible = driver.command("bob", "kb edit draft:ticket-t-1 text:\"\u{200b}\"").await;
    assert!(reply(&invisible).contains("text: is empty"), "{invisible:?}");
    let asked = driver.command("bob", "kb edit draft:ticket-t-1").await;
    let form = asked.form.expect("a platform with forms asks for the text");
    assert_eq!(form.submit.custom_id(), "form:cmd:kb edit:T-1");
    assert_eq!(form.fields.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(), ["title", "text"]);
    let refused = driver.command("alice", "kb edit draft:ticket-t-1 text:mine").await;
    assert!(reply(&refused).contains("engineers"), "{refused:?}");

    // The form's answers come back as the command on the draft's ticket.
    let edited = driver
        .command(
            "bob",
            "kb edit ticket:T-1 title:\"Fingerprint sensor after water\" text:\"Dry it, then enrol again.\"",
        )
        .await;
    assert!(reply(&edited).starts_with("Edited ticket-t-1:"), "{edited:?}");
    let published = driver.command("bob", "kb publish article:ticket-t-1").await;
    assert_eq!(reply(&published), "Published ticket-t-1: searchable now");
    let search = driver.command("bob", "kb search query:\"fingerprint water\"").await;
    assert!(reply(&search).contains("Fingerprint sensor after water (kb:ticket-t-1)"), "{search:?}");
}

async fn counts_live_and_die_with_the_transaction_of_their_event(db: &TestDb) {
    use resolvd::domain::{Kind, Tier};
    use resolvd::store::NewTicket;
    use resolvd::store::kb::Citation;
    let store = &db.store;
    let counts = |id: &'static str| async move {
        let all = store.article_counts(100).await.unwrap();
        all.into_iter().find(|c| c.article_id == id).map(|c| (c.offered, c.solved, c.cited))
    };

    // A transaction that fails (dropped without its commit) counts nothing.
    let mut tx = store.begin().await.unwrap();
    tx.count_offered(&["a".to_owned(), "b".to_owned()]).await.unwrap();
    tx.count_solved("a").await.unwrap();
    drop(tx);
    assert_eq!(counts("a").await, None);

    let mut tx = store.begin().await.unwrap();
    let ticket = tx
        .insert_ticket(&NewTicket {
            kind: Some(Kind::Fault),
            domain: None,
            severity: None,
            tier: Tier::L1,
            assignee: None,
            customer: "alice".into(),
            conversation: "direct:alice".into(),
            title: "no signal".into(),
            at: common::t0(),
        })
        .await
        .unwrap();
    tx.count_offered(&["a".to_owned(), "b".to_owned()]).await.unwrap();
    tx.count_offered(&["a".to_owned()]).await.unwrap();
    tx.count_solved("a").await.unwrap();
    let citation = |how: &str| Citation {
        article_id: "b".into(),
        ticket: ticket.reference,
        by: "bob".into(),
        how: how.into(),
        at: common::t0(),
    };
    assert!(tx.cite_article(&citation("cite")).await.unwrap());
    assert!(!tx.cite_article(&citation("note")).await.unwrap(), "once a ticket");
    tx.commit().await.unwrap();
    assert_eq!(counts("a").await, Some((2, 1, 0)));
    assert_eq!(counts("b").await, Some((1, 0, 1)));
    let order: Vec<String> =
        store.article_counts(100).await.unwrap().into_iter().map(|c| c.article_id).collect();
    assert_eq!(order, ["a", "b"], "solved first");

    // Editing a draft that is not there (or published) changes nothing.
    let mut tx = store.begin().await.unwrap();
    assert!(!tx.edit_draft("nope", "+++", "bob", common::t0()).await.unwrap());
    assert_eq!(tx.draft_edited_by("nope").await.unwrap(), None);
}
