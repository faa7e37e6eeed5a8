//! Voice of customer (issue 14, point 2): suggestions grouped into items `V-n` that a product
//! manager accepts, rejects (customers told why) or ships (customers told, asked for feedback).
//! The store through its traits, the engine through its events, and `examples/voc.txt` through
//! the binary with `resolvd voc show --json`, on SQLite and PostgreSQL.

mod common;

use chrono::{Duration, Utc};
use common::{Driver, TestDb, ok, reply, resolvd, t0};
use resolvd::domain::voc::{VocRef, VocStatus};
use resolvd::domain::{Audience, EventKind, Kind, Post, Severity, TicketRef, Tier};
use resolvd::store::NewTicket;
use resolvd::store::voc::VocDecision;
use serde_json::Value;

on_both_databases!(
    items_keep_their_suggestions_and_move_only_from_the_status_expected,
    live_items_are_those_of_the_domain_taking_suggestions,
    alike_suggestions_share_an_item_and_a_product_manager_decides_it,
    a_ticket_classified_as_a_suggestion_joins_an_item_once,
    bad_voc_commands_get_a_short_reply_and_change_nothing,
    the_voc_script_through_the_binary_ends_with_v1_shipped_to_two_customers,
);

fn new_ticket(customer: &str, domain: Option<&str>) -> NewTicket {
    NewTicket {
        kind: Some(Kind::Suggestion),
        domain: domain.map(str::to_owned),
        severity: Some(Severity::P3),
        tier: Tier::L1,
        assignee: None,
        customer: customer.into(),
        conversation: format!("direct:{customer}"),
        title: format!("{customer}'s suggestion"),
        at: t0(),
    }
}

async fn items_keep_their_suggestions_and_move_only_from_the_status_expected(db: &TestDb) {
    let mut tx = db.store.begin().await.unwrap();
    let a = tx.insert_ticket(&new_ticket("alice", Some("screen"))).await.unwrap().reference;
    let b = tx.insert_ticket(&new_ticket("mallory", Some("screen"))).await.unwrap().reference;
    let c = tx.insert_ticket(&new_ticket("alice", Some("screen"))).await.unwrap().reference;
    let v1 = tx.insert_voc_item("dark mode", Some("screen"), t0()).await.unwrap();
    let v2 = tx.insert_voc_item("screen protector", Some("screen"), t0()).await.unwrap();
    assert_eq!((v1, v2), (VocRef(1), VocRef(2)), "items have a sequence of their own");
    assert_eq!(tx.link_suggestion(v1, a, "dark mode please", "resolvd", t0()).await.unwrap(), None);
    assert_eq!(tx.link_suggestion(v1, b, "a dark mode; it's late", "resolvd", t0()).await.unwrap(), None);
    assert_eq!(tx.link_suggestion(v2, c, "a protector", "resolvd", t0()).await.unwrap(), None);
    // Moved by hand: the ticket is in one item only.
    let later = t0() + Duration::minutes(5);
    assert_eq!(tx.link_suggestion(v1, c, "a protector", "judy", later).await.unwrap(), Some(v2));
    assert_eq!(tx.voc_item_of(c).await.unwrap(), Some(v1));
    tx.commit().await.unwrap();

    let item = db.store.voc_item(v1).await.unwrap().unwrap();
    assert_eq!(
        (item.title.as_str(), item.domain.as_deref(), item.status),
        ("dark mode", Some("screen"), VocStatus::Open)
    );
    let tickets: Vec<TicketRef> = item.suggestions.iter().map(|s| s.ticket).collect();
    assert_eq!(tickets, vec![a, b, c]);
    assert_eq!(item.suggestions[1].text, "a dark mode; it's late", "text is stored verbatim");
    assert_eq!((item.suggestions[2].linked_by.as_str(), item.suggestions[2].linked_at), ("judy", later));
    assert_eq!(item.customers(), vec!["alice", "mallory"]);
    assert_eq!(item.updated_at, later);
    assert!(db.store.voc_item(v2).await.unwrap().unwrap().suggestions.is_empty());
    assert!(db.store.voc_item(VocRef(99)).await.unwrap().is_none());

    let mut tx = db.store.begin().await.unwrap();
    let at = t0() + Duration::hours(1);
    let reject = VocDecision {
        from: VocStatus::Open,
        to: VocStatus::Rejected,
        by: "judy",
        reason: Some("not for now"),
        note: None,
        at,
    };
    assert!(tx.decide_voc_item(v2, &reject).await.unwrap());
    assert!(!tx.decide_voc_item(v2, &reject).await.unwrap(), "no longer open");
    let accept = VocDecision { to: VocStatus::Accepted, reason: None, ..reject.clone() };
    assert!(tx.decide_voc_item(v1, &accept).await.unwrap());
    let ship =
        VocDecision { from: VocStatus::Accepted, to: VocStatus::Shipped, note: Some("in 2.2"), ..accept };
    assert!(tx.decide_voc_item(v1, &ship).await.unwrap());
    tx.commit().await.unwrap();

    let shipped = db.store.voc_item(v1).await.unwrap().unwrap();
    assert_eq!(shipped.status, VocStatus::Shipped);
    assert_eq!((shipped.reason, shipped.note.as_deref()), (None, Some("in 2.2")));
    assert_eq!((shipped.decided_by.as_deref(), shipped.updated_at), (Some("judy"), at));
    let rejected = db.store.voc_item(v2).await.unwrap().unwrap();
    assert_eq!((rejected.status, rejected.reason.as_deref()), (VocStatus::Rejected, Some("not for now")));

    let all: Vec<VocRef> = db.store.voc_items(None, 10).await.unwrap().iter().map(|i| i.reference).collect();
    assert_eq!(all, vec![v1, v2]);
    let shipped: Vec<VocRef> =
        db.store.voc_items(Some(VocStatus::Shipped), 10).await.unwrap().iter().map(|i| i.reference).collect();
    assert_eq!(shipped, vec![v1]);
    assert!(db.store.voc_items(Some(VocStatus::Open), 10).await.unwrap().is_empty());
    assert_eq!(db.store.voc_items(None, 1).await.unwrap().len(), 1);
}

async fn live_items_are_those_of_the_domain_taking_suggestions(db: &TestDb) {
    let mut tx = db.store.begin().await.unwrap();
    let screen = tx.insert_voc_item("screen one", Some("screen"), t0()).await.unwrap();
    let accepted = tx.insert_voc_item("screen two", Some("screen"), t0()).await.unwrap();
    let rejected = tx.insert_voc_item("screen three", Some("screen"), t0()).await.unwrap();
    let rf = tx.insert_voc_item("rf one", Some("rf"), t0()).await.unwrap();
    let none = tx.insert_voc_item("no domain", None, t0()).await.unwrap();
    let decide = |from, to| VocDecision { from, to, by: "judy", reason: None, note: None, at: t0() };
    assert!(tx.decide_voc_item(accepted, &decide(VocStatus::Open, VocStatus::Accepted)).await.unwrap());
    assert!(tx.decide_voc_item(rejected, &decide(VocStatus::Open, VocStatus::Rejected)).await.unwrap());
    for n in 0..3 {
        let ticket = tx.insert_ticket(&new_ticket(&format!("c{n}"), Some("screen"))).await.unwrap();
        tx.link_suggestion(screen, ticket.reference, &format!("text {n}"), "resolvd", t0()).await.unwrap();
    }
    let live = |items: Vec<resolvd::domain::voc::VocItem>| -> Vec<VocRef> {
        items.iter().map(|i| i.reference).collect()
    };
    assert_eq!(
        live(tx.live_voc_items(Some("screen"), 10, 10).await.unwrap()),
        vec![accepted, screen],
        "newest first"
    );
    assert_eq!(live(tx.live_voc_items(Some("screen"), 1, 10).await.unwrap()), vec![accepted]);
    assert_eq!(live(tx.live_voc_items(Some("rf"), 10, 10).await.unwrap()), vec![rf]);
    assert_eq!(live(tx.live_voc_items(None, 10, 10).await.unwrap()), vec![none]);
    let first_two = tx.live_voc_items(Some("screen"), 10, 2).await.unwrap();
    let texts: Vec<&str> = first_two[1].suggestions.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(texts, vec!["text 0", "text 1"], "an item's first suggestions, as many as asked");
    // Locked for change, with every suggestion.
    assert_eq!(tx.voc_item_for_update(screen).await.unwrap().unwrap().suggestions.len(), 3);
    assert!(tx.voc_item_for_update(VocRef(42)).await.unwrap().is_none());
    tx.commit().await.unwrap();
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

fn to_customer<'a>(posts: &'a [Post], user: &str) -> Vec<&'a str> {
    posts
        .iter()
        .filter(|p| matches!(&p.audience, Audience::Customer { user: u, .. } if u == user))
        .map(|p| p.text.as_str())
        .collect()
}

fn to_staff_of(posts: &[Post], ticket: TicketRef) -> Vec<&str> {
    posts
        .iter()
        .filter(|p| matches!(p.audience, Audience::Staff { ticket: t } if t == ticket))
        .map(|p| p.text.as_str())
        .collect()
}

async fn item(d: &Driver, n: i64) -> resolvd::domain::voc::VocItem {
    d.store().voc_item(VocRef(n)).await.unwrap().unwrap()
}

async fn alike_suggestions_share_an_item_and_a_product_manager_decides_it(db: &TestDb) {
    let d = Driver::new(db);
    d.message("alice", "I suggest adding a dark mode to the screen settings, my eyes hurt at night").await;
    d.message("mallory", "Suggestion: a dark mode in the screen settings would help my eyes at night").await;
    d.message("li", "建议在包装盒里附送一张屏幕保护膜").await;
    // The same words in another domain are another item.
    d.message("oscar", "I suggest a dark mode for the back cover colour settings").await;
    let posts = drain(&d).await;
    let v1 = item(&d, 1).await;
    assert_eq!(v1.title, "I suggest adding a dark mode to the screen settings, my eyes hurt at night");
    assert_eq!((v1.domain.as_deref(), v1.status), (Some("screen"), VocStatus::Open));
    assert_eq!(v1.suggestions.iter().map(|s| s.ticket).collect::<Vec<_>>(), vec![TicketRef(1), TicketRef(2)]);
    assert_eq!(v1.customers(), vec!["alice", "mallory"]);
    let v2 = item(&d, 2).await;
    assert_eq!((v2.domain.as_deref(), v2.customers()), (Some("screen"), vec!["li"]));
    assert_eq!(item(&d, 3).await.domain.as_deref(), Some("id"));
    assert!(
        to_staff_of(&posts, TicketRef(1))
            .iter()
            .any(|t| t.contains("T-1 is a suggestion: it opened the voice-of-customer item V-1"))
    );
    assert!(
        to_staff_of(&posts, TicketRef(2))
            .iter()
            .any(|t| t.contains("T-2 is a suggestion like V-1") && t.contains("2 customers ask")),
        "{posts:#?}"
    );
    let timeline = d.store().timeline(TicketRef(2)).await.unwrap();
    assert!(
        timeline.iter().any(|e| e.kind == EventKind::VocLinked { item: VocRef(1) } && e.actor == "resolvd")
    );

    // A manager reads; only a product manager decides.
    assert!(reply(&d.command("frank", "voc list").await).contains("V-1 [open]"));
    let refused = d.command("frank", "voc accept item:V-1").await;
    assert_eq!(reply(&refused), "/voc accept is for product managers; you are a domain owner and a manager");
    assert_eq!(item(&d, 1).await.status, VocStatus::Open);

    let accepted = d.command("judy", "voc accept item:V-1").await;
    assert_eq!(reply(&accepted), "V-1 is accepted and handed to engineering (2 customers ask).");
    let posts = drain(&d).await;
    assert!(to_customer(&posts, "alice").is_empty(), "accepting tells no customer: {posts:#?}");
    assert_eq!(item(&d, 1).await.decided_by.as_deref(), Some("judy"));

    let rejected =
        d.command("judy", r#"voc reject item:V-2 reason:"a protector does not fit every case""#).await;
    assert_eq!(reply(&rejected), "V-2 is rejected; 1 customer was told the reason.");
    let posts = drain(&d).await;
    let li = to_customer(&posts, "li");
    assert_eq!(li.len(), 1, "{posts:#?}");
    assert!(
        li[0].contains("感谢您在 T-3") && li[0].contains("a protector does not fit every case"),
        "{}",
        li[0]
    );

    let shipped = d.command("judy", r#"voc ship item:V-1 note:"Dark mode is in update 2.2""#).await;
    assert_eq!(reply(&shipped), "V-1 is shipped; 2 customers were told and asked for feedback.");
    let posts = drain(&d).await;
    for customer in ["alice", "mallory"] {
        let heard = to_customer(&posts, customer);
        assert_eq!(heard.len(), 1, "{customer}: {posts:#?}");
        assert!(
            heard[0].contains("it has shipped. Dark mode is in update 2.2")
                && heard[0].contains("Reply here")
        );
    }
    assert!(to_customer(&posts, "li").is_empty());
    let v1 = item(&d, 1).await;
    assert_eq!((v1.status, v1.note.as_deref()), (VocStatus::Shipped, Some("Dark mode is in update 2.2")));
    for ticket in [TicketRef(1), TicketRef(2)] {
        let kinds: Vec<EventKind> =
            d.store().timeline(ticket).await.unwrap().into_iter().map(|e| e.kind).collect();
        assert!(kinds.contains(&EventKind::VocDecided {
            item: VocRef(1),
            status: VocStatus::Accepted,
            text: None
        }));
        let note = Some("Dark mode is in update 2.2".to_owned());
        assert!(kinds.contains(&EventKind::VocDecided {
            item: VocRef(1),
            status: VocStatus::Shipped,
            text: note
        }));
    }
    // The customer's answer lands on her ticket.
    d.message("mallory", "It works, thank you!").await;
    let messages = d.store().messages_of(TicketRef(2)).await.unwrap();
    assert_eq!(messages.last().unwrap().message.text, "It works, thank you!");
}

async fn a_ticket_classified_as_a_suggestion_joins_an_item_once(db: &TestDb) {
    let d = Driver::new(db);
    d.message("alice", "I suggest adding a dark mode to the screen settings").await;
    // A fault at intake, a suggestion once classified.
    d.message("mallory", "The screen settings need a dark mode, my eyes hurt").await;
    assert!(d.store().voc_item(VocRef(2)).await.unwrap().is_none());
    let classified = d.command("bob", "classify ticket:T-2 kind:suggestion").await;
    assert!(reply(&classified).contains("T-2"), "{classified:?}");
    assert_eq!(item(&d, 1).await.customers(), vec!["alice", "mallory"]);
    // Classified again, it stays where it is.
    d.command("bob", "classify ticket:T-2 kind:suggestion severity:P3").await;
    assert_eq!(item(&d, 1).await.suggestions.len(), 2);
    assert!(d.store().voc_item(VocRef(2)).await.unwrap().is_none());
    // Staff open a suggestion for a customer: by its text, not its title.
    d.command("bob", r#"ticket customer:victor text:"I suggest a dark mode for the screen settings too""#)
        .await;
    assert_eq!(item(&d, 1).await.customers(), vec!["alice", "mallory", "victor"]);
}

async fn bad_voc_commands_get_a_short_reply_and_change_nothing(db: &TestDb) {
    let d = Driver::new(db);
    d.message("alice", "I suggest adding a dark mode to the screen settings").await;
    d.message("li", "建议在包装盒里附送一张屏幕保护膜").await;
    d.message("mallory", "my screen flickers").await;
    let says = |line: &'static str| {
        let d = &d;
        async move { reply(&d.command("judy", line).await).to_owned() }
    };
    assert_eq!(says("voc show item:V-9").await, "there is no voice-of-customer item V-9");
    assert_eq!(says("voc accept item:T-1").await, "`T-1` is not a voice-of-customer item; write it as V-3");
    assert_eq!(
        says("voc ship item:V-1 note:soon").await,
        "V-1 is open: only an accepted item can be shipped"
    );
    assert_eq!(says("voc reject item:V-1 reason:\" \"").await, "`reason` is empty in /voc reject");
    assert_eq!(
        says("voc reject item:V-2 reason:later").await,
        "V-2 is rejected; 1 customer was told the reason."
    );
    assert_eq!(says("voc reject item:V-2 reason:again").await, "V-2 is already rejected");
    assert_eq!(says("voc accept item:V-2").await, "V-2 is rejected: only an open item can be accepted");
    assert_eq!(
        says("voc ship item:V-2 note:x").await,
        "V-2 is rejected: only an accepted item can be shipped"
    );
    assert_eq!(
        says("voc link item:V-2 ticket:T-1").await,
        "V-2 is rejected; link suggestions to an open or accepted item"
    );
    assert_eq!(says("voc link item:V-1 ticket:T-1").await, "T-1 is already part of V-1");
    assert_eq!(says("voc link item:V-1 ticket:T-99").await, "there is no ticket T-99");
    assert_eq!(
        says("voc accept item:V-1").await,
        "V-1 is accepted and handed to engineering (1 customer asks)."
    );
    assert_eq!(says("voc accept item:V-1").await, "V-1 is already accepted");
    // A fault put in an item by hand; linking it again says so.
    assert_eq!(says("voc link item:V-1 ticket:T-3").await, "T-3 is now part of V-1 (2 customers ask).");
    assert_eq!(item(&d, 1).await.customers(), vec!["alice", "mallory"]);
    // Customers and engineers decide nothing; the refusal is in the audit log.
    assert_eq!(
        reply(&d.command("alice", "voc list").await),
        "/voc list is for product managers and managers; you are a customer"
    );
    assert_eq!(
        reply(&d.command("bob", "voc reject item:V-1 reason:no").await),
        "/voc reject is for product managers; you are an engineer"
    );
    assert_eq!(item(&d, 1).await.status, VocStatus::Accepted);
    let audit = d.store().audit_log().await.unwrap();
    assert!(audit.iter().any(|e| e.actor == "bob"
        && matches!(&e.kind, EventKind::Refused { command, .. } if command == "voc reject")));
    let shown = reply(&d.command("frank", "voc show item:V-1").await).to_owned();
    assert_eq!(shown.lines().count(), 6, "header, customers, two suggestions of two lines: {shown}");
    assert!(
        shown.contains("2 customers ask: alice and mallory") && shown.contains("T-3 · mallory:"),
        "{shown}"
    );
}

async fn the_voc_script_through_the_binary_ends_with_v1_shipped_to_two_customers(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    let stdout =
        ok(resolvd(db, data.path()).args(["chat", "--script", "examples/voc.txt"]).output().unwrap());
    assert!(!stdout.contains("internal error"), "{stdout}");
    for expected in [
        "/voc accept is for product managers; you are an engineer",
        "there is no voice-of-customer item V-9",
        "`T-1` is not a voice-of-customer item; write it as V-3",
        "V-1 is accepted and handed to engineering (2 customers ask).",
        "V-1 is already accepted",
        "V-2 is rejected; 1 customer was told the reason.",
        "V-2 is rejected: only an accepted item can be shipped",
        "V-2 is rejected; link suggestions to an open or accepted item",
        "V-1 is shipped; 2 customers were told and asked for feedback.",
    ] {
        assert!(stdout.contains(expected), "{expected}: {stdout}");
    }
    let to = |customer: &str| -> Vec<&str> {
        stdout.lines().filter(|l| l.starts_with(&format!("bot → {customer}"))).collect()
    };
    assert!(
        to("li")
            .iter()
            .any(|l| l.contains("目前暂不采纳") && l.contains("we leave the choice of one to you")),
        "{stdout}"
    );
    for customer in ["alice", "mallory"] {
        assert!(
            to(customer).iter().any(|l| l.contains("it has shipped. Dark mode is in update 2.2")),
            "{customer}: {stdout}"
        );
    }

    let json: Value = serde_json::from_str(&ok(resolvd(db, data.path())
        .args(["voc", "show", "V-1", "--json"])
        .output()
        .unwrap()))
    .unwrap();
    assert_eq!(json["id"], "V-1");
    assert_eq!(json["status"], "shipped");
    assert_eq!(json["domain"], "screen");
    assert_eq!(json["title"], "I suggest adding a dark mode to the screen settings, my eyes hurt at night");
    assert_eq!(json["note"], "Dark mode is in update 2.2: Settings, Display, Dark mode");
    assert_eq!(json["reason"], Value::Null);
    assert_eq!(json["tracker_url"], Value::Null);
    assert_eq!(json["customers"], 2);
    let tickets: Vec<(&str, &str)> = json["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["ticket"].as_str().unwrap(), t["customer"].as_str().unwrap()))
        .collect();
    assert_eq!(tickets, vec![("T-1", "alice"), ("T-2", "mallory")]);
    assert!(json["created_at"].is_string() && json["updated_at"].is_string());

    let v2: Value = serde_json::from_str(&ok(resolvd(db, data.path())
        .args(["voc", "show", "V-2", "--json"])
        .output()
        .unwrap()))
    .unwrap();
    assert_eq!(
        (v2["status"].as_str(), v2["tickets"][0]["customer"].as_str()),
        (Some("rejected"), Some("li"))
    );
    assert_eq!(v2["reason"], "a protector does not fit every case, so we leave the choice of one to you");

    let list = ok(resolvd(db, data.path()).args(["voc", "list", "--status", "shipped"]).output().unwrap());
    assert_eq!(list.lines().count(), 1, "{list}");
    assert!(list.starts_with("V-1\tshipped\tscreen\t2 customers"), "{list}");
    let text = ok(resolvd(db, data.path()).args(["voc", "show", "V-1"]).output().unwrap());
    assert!(
        text.contains("shipped by judy: Dark mode is in update 2.2") && text.contains("T-2 mallory:"),
        "{text}"
    );

    let missing = resolvd(db, data.path()).args(["voc", "show", "V-9"]).output().unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("there is no voice-of-customer item V-9"));
    let bad = resolvd(db, data.path()).args(["voc", "list", "--status", "done"]).output().unwrap();
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("--status takes open, accepted, rejected or shipped")
    );
    // Mallory's answer is on her ticket.
    let t2 = common::ticket_json(db, data.path(), "T-2");
    let events = t2["events"].as_array().unwrap();
    assert!(
        events
            .iter()
            .any(|e| e["type"] == "message" && e["text"] == "I tried it tonight and it works, thank you!")
    );
    assert!(
        events.iter().any(|e| e["type"] == "voc_decided" && e["status"] == "shipped" && e["item"] == "V-1")
    );
}

#[test]
fn voc_settings_come_from_default_toml_or_the_environment_and_are_checked() {
    use resolvd::config::{Config, ConfigSource};
    let load = |env: &[(&str, &str)]| {
        let env: Vec<(String, String)> =
            env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        Config::load(ConfigSource::Dir(common::repo_path("config")), env)
    };
    assert!((load(&[]).unwrap().settings.voc.similarity - 0.5).abs() < 1e-9);
    assert!(
        (load(&[("RESOLVD_VOC__SIMILARITY", "0.7")]).unwrap().settings.voc.similarity - 0.7).abs() < 1e-9
    );
    for value in ["0", "1.5", "-1"] {
        let error = load(&[("RESOLVD_VOC__SIMILARITY", value)]).unwrap_err().to_string();
        assert!(error.contains("default.toml") && error.contains("voc.similarity"), "{value}: {error}");
    }
    let error = load(&[("RESOLVD_VOC__THRESHOLD", "3")]).unwrap_err().to_string();
    assert!(error.contains("default.toml") && error.contains("threshold"), "{error}");
}
