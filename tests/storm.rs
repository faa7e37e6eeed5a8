//! Storms (issue 15, point 5): similar new tickets of one domain within minutes are proposed to
//! the domain's owners as one S incident; confirming links them; the war room's `/update` reaches
//! every linked customer and resolving the incident sends each their own card. Through the engine,
//! through the binary (`examples/storm.txt`) and through `resolvd run` on the fake Discord, on
//! SQLite and PostgreSQL.

mod common;
mod fake_discord;

use chrono::{Duration, Utc};
use common::{Driver, TestDb, ok, reply, resolvd, t0, ticket_json};
use resolvd::domain::{Audience, EventKind, LinkRelation, Post, Severity, Status, TicketRef};
use serde_json::Value;

on_both_databases!(
    six_similar_messages_become_one_proposal_one_incident_one_update_and_six_cards,
    dissimilar_and_out_of_window_tickets_are_not_proposed,
    a_declined_storm_is_not_proposed_again_but_new_tickets_make_a_new_one,
    a_later_similar_ticket_is_linked_to_the_open_incident,
    a_storm_is_proposed_once_for_its_first_ticket_whoever_proposes_it,
    the_storm_script_through_the_binary_links_six_tickets_and_reaches_six_customers,
    two_instances_taking_in_at_once_propose_one_storm,
    a_storm_on_discord_is_confirmed_by_the_owner_only_and_reaches_six_dms,
    an_unanswered_storm_takes_alike_tickets_only_while_it_is_active,
    chinese_messages_make_a_storm_too,
    a_closed_first_ticket_leaves_the_incident_to_the_next_and_bad_presses_are_answered,
);

#[test]
fn storm_settings_come_from_default_toml_or_the_environment_and_are_checked() {
    use resolvd::config::{Config, ConfigSource};
    let load = |env: &[(&str, &str)]| {
        let env: Vec<(String, String)> =
            env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        Config::load(ConfigSource::Dir(common::repo_path("config")), env)
    };
    let sample = load(&[]).unwrap();
    let storm = &sample.settings.storm;
    assert_eq!((storm.threshold, storm.window_minutes), (5, 15));
    assert!((storm.similarity - 0.3).abs() < 1e-9);
    let set = load(&[("RESOLVD_STORM__THRESHOLD", "8"), ("RESOLVD_STORM__WINDOW_MINUTES", "30")]).unwrap();
    assert_eq!((set.settings.storm.threshold, set.settings.storm.window_minutes), (8, 30));
    for (key, value, named) in [
        ("RESOLVD_STORM__THRESHOLD", "1", "storm.threshold"),
        ("RESOLVD_STORM__WINDOW_MINUTES", "0", "storm.window_minutes"),
        ("RESOLVD_STORM__WINDOW_MINUTES", "100000", "storm.window_minutes"),
        ("RESOLVD_STORM__SIMILARITY", "0", "storm.similarity"),
        ("RESOLVD_STORM__SIMILARITY", "1.5", "storm.similarity"),
    ] {
        let error = load(&[(key, value)]).unwrap_err().to_string();
        assert!(error.contains("default.toml") && error.contains(named), "{key}={value}: {error}");
    }
}

const STORM: [(&str, &str); 6] = [
    ("wang", "My screen went black after the update this morning"),
    ("li", "Black screen after the update, the phone still rings"),
    ("zhao", "After installing the update my screen is black"),
    ("chen", "Screen stays black since the update"),
    ("sun", "The update turned my screen black"),
    ("zhou", "Black screen right after updating, please help"),
];

/// Every post waiting in the outbox, marked sent.
async fn drain(d: &Driver) -> Vec<Post> {
    let far = Utc::now() + Duration::days(3650);
    let posts = d.store().claim_posts(far, far, 1000).await.unwrap();
    for p in &posts {
        d.store().mark_post_sent(p.id, far).await.unwrap();
    }
    posts.into_iter().map(|p| p.post).collect()
}

fn proposals(posts: &[Post]) -> Vec<&Post> {
    posts.iter().filter(|p| p.buttons.iter().any(|b| b.id.starts_with("stormconfirm:"))).collect()
}

fn to_customer<'a>(posts: &'a [Post], user: &str) -> Vec<&'a Post> {
    posts.iter().filter(|p| matches!(&p.audience, Audience::Customer { user: u, .. } if u == user)).collect()
}

async fn links(d: &Driver, n: i64) -> Vec<(TicketRef, LinkRelation)> {
    d.store().links(TicketRef(n)).await.unwrap().into_iter().map(|l| (l.other, l.relation)).collect()
}

async fn ticket(d: &Driver, n: i64) -> resolvd::domain::Ticket {
    d.store().ticket(TicketRef(n)).await.unwrap().unwrap()
}

async fn storm_events(d: &Driver, n: i64) -> Vec<EventKind> {
    let timeline = d.store().timeline(TicketRef(n)).await.unwrap();
    timeline.into_iter().map(|e| e.kind).filter(|k| k.type_name().starts_with("storm_")).collect()
}

async fn six_similar_messages_become_one_proposal_one_incident_one_update_and_six_cards(db: &TestDb) {
    let d = Driver::new(db);
    for (customer, text) in STORM {
        d.message(customer, text).await;
    }
    let posts = drain(&d).await;
    let asked = proposals(&posts);
    assert_eq!(asked.len(), 1, "one card, to the one owner of screen: {asked:#?}");
    assert_eq!(asked[0].audience, Audience::Person { user: "erin".into() });
    let ids: Vec<&str> = asked[0].buttons.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(ids, ["stormconfirm:T-1", "stormdecline:T-1"]);
    assert!(asked[0].text.starts_with("Storm in screen: 5 similar new tickets"), "{}", asked[0].text);
    assert!(
        matches!(&storm_events(&d, 1).await[..], [EventKind::StormProposed { tickets, .. }] if tickets.len() == 5)
    );

    // Only the owner answers; a manager of another domain and an engineer are refused.
    for (who, button) in
        [("frank", "stormconfirm:T-1"), ("carol", "stormconfirm:T-1"), ("bob", "stormdecline:T-1")]
    {
        let refused = d.press(who, button).await;
        assert_eq!(
            reply(&refused),
            "only the owners of the screen domain (erin) can answer the storm of T-1"
        );
    }
    assert_eq!(ticket(&d, 1).await.severity, Some(Severity::P2), "nothing changed on a refusal");

    let confirmed = d.press("erin", "stormconfirm:T-1").await;
    assert_eq!(
        reply(&confirmed),
        "T-1 is the incident (S-level, war room war-room-t-1); 5 tickets linked to it"
    );
    assert_eq!(ticket(&d, 1).await.severity, Some(Severity::S));
    let again = d.press("erin", "stormdecline:T-1").await;
    assert_eq!(reply(&again), "the storm of T-1 was confirmed by erin already");
    let incident_links = links(&d, 1).await;
    assert_eq!(
        incident_links,
        (2..=6).map(|n| (TicketRef(n), LinkRelation::Incident)).collect::<Vec<_>>(),
        "the sixth, which joined the proposal, is linked too"
    );
    for n in 2..=6 {
        assert_eq!(links(&d, n).await, [(TicketRef(1), LinkRelation::Incident)]);
        let linked = d.store().timeline(TicketRef(n)).await.unwrap();
        assert!(
            linked.iter().any(
                |e| e.kind == EventKind::Linked { other: TicketRef(1), relation: LinkRelation::Incident }
            )
        );
    }
    let posts = drain(&d).await;
    assert!(to_customer(&posts, "li").iter().any(|p| p.text.contains("one incident (T-1)")), "{posts:#?}");
    assert!(to_customer(&posts, "wang").iter().any(|p| p.text.contains("our highest priority")));

    let updated = d.command("carol", "update ticket:T-1 text:\"A fix is on its way.\"").await;
    assert_eq!(reply(&updated), "Update sent to wang on T-1 and to the customers of 5 linked tickets");
    let posts = drain(&d).await;
    for (customer, _) in STORM {
        let heard = to_customer(&posts, customer);
        assert!(heard.iter().any(|p| p.text.contains("A fix is on its way.")), "{customer}: {posts:#?}");
    }
    assert!(
        d.store()
            .timeline(TicketRef(4))
            .await
            .unwrap()
            .iter()
            .any(|e| matches!(e.kind, EventKind::CustomerUpdate { .. })),
        "the update is on each linked ticket's timeline"
    );

    let resolved =
        d.command("carol", "resolve ticket:T-1 resolution:\"Update 2.1.5 restores the screens\"").await;
    assert_eq!(
        reply(&resolved),
        "T-1 resolved; the customer was asked to confirm; 5 linked tickets resolved with it, each customer sent their own card"
    );
    let posts = drain(&d).await;
    for (n, (customer, _)) in STORM.iter().enumerate() {
        let reference = TicketRef(i64::try_from(n).unwrap() + 1);
        let cards: Vec<&Post> = to_customer(&posts, customer)
            .into_iter()
            .filter(|p| p.buttons.iter().any(|b| b.id == format!("confirm:{reference}")))
            .collect();
        assert_eq!(cards.len(), 1, "{customer} gets the card of their own {reference}: {posts:#?}");
        assert_eq!(ticket(&d, reference.0).await.status, Status::Resolved);
    }
    // Each customer answers their own card.
    d.press("li", "confirm:T-2").await;
    assert_eq!(ticket(&d, 2).await.status, Status::Closed);
    assert_eq!(ticket(&d, 3).await.status, Status::Resolved, "zhao has not answered yet");
    let refused = d.press("li", "confirm:T-3").await;
    assert!(reply(&refused).starts_with("only the customer"), "li may not confirm zhao's ticket");
    assert_eq!(ticket(&d, 3).await.status, Status::Resolved);
}

async fn dissimilar_and_out_of_window_tickets_are_not_proposed(db: &TestDb) {
    let d = Driver::new(db);
    // Two alike, 20 minutes before the others: out of the 15-minute window.
    d.message("wang", STORM[0].1).await;
    d.message("li", STORM[1].1).await;
    d.set_time(t0() + Duration::minutes(20));
    // Three alike within the window, and dissimilar ones in the same domain and in another.
    d.message("zhao", STORM[2].1).await;
    d.message("mallory", "The screen flickers when the brightness is low").await;
    d.message("chen", STORM[3].1).await;
    d.message("qian", "A dead pixel in the corner of my display").await;
    d.message("alice", "No signal at home since the update, black bars").await;
    d.message("sun", STORM[4].1).await;
    let posts = drain(&d).await;
    assert!(proposals(&posts).is_empty(), "{posts:#?}");
    for n in 1..=8 {
        assert!(storm_events(&d, n).await.is_empty(), "T-{n}");
    }
    // One more alike within the window makes four: still under the threshold of five.
    d.message("zhou", STORM[5].1).await;
    assert!(proposals(&drain(&d).await).is_empty());
    // A fifth makes the storm, of the five within the window only.
    d.message("he", "black screen after the update on my phone").await;
    let posts = drain(&d).await;
    assert_eq!(proposals(&posts).len(), 1);
    let proposed = storm_events(&d, 3).await;
    let [EventKind::StormProposed { tickets, owners }] = &proposed[..] else { panic!("{proposed:?}") };
    assert_eq!(tickets, &[3, 5, 8, 9, 10].map(TicketRef));
    assert_eq!(owners, &["erin"]);
}

async fn a_declined_storm_is_not_proposed_again_but_new_tickets_make_a_new_one(db: &TestDb) {
    let d = Driver::new(db);
    for (customer, text) in &STORM[..5] {
        d.message(customer, text).await;
    }
    assert_eq!(proposals(&drain(&d).await).len(), 1);
    let declined = d.press_answering("erin", "stormdecline:T-1", Some("five different phone models")).await;
    assert_eq!(
        reply(&declined),
        "Declined: T-1, T-2, T-3, T-4 and T-5 stay separate tickets and are not proposed again"
    );
    assert!(matches!(
        &storm_events(&d, 1).await[..],
        [EventKind::StormProposed { .. }, EventKind::StormDeclined { reason: Some(r), .. }] if r == "five different phone models"
    ));
    assert_eq!(ticket(&d, 1).await.severity, Some(Severity::P2));
    let again = d.press("erin", "stormconfirm:T-1").await;
    assert_eq!(reply(&again), "the storm of T-1 was declined by erin already");
    // A sixth alike ticket does not bring the declined ones back.
    d.message("zhou", STORM[5].1).await;
    assert!(proposals(&drain(&d).await).is_empty());
    // Four more make five new ones: a new storm, of them only.
    for customer in ["a1", "a2", "a3", "a4"] {
        d.message(customer, "black screen after the update").await;
    }
    let posts = drain(&d).await;
    assert_eq!(proposals(&posts).len(), 1);
    let proposed = storm_events(&d, 6).await;
    let [EventKind::StormProposed { tickets, .. }] = &proposed[..] else { panic!("{proposed:?}") };
    assert_eq!(tickets, &[6, 7, 8, 9, 10].map(TicketRef));
    assert!(d.press("erin", "stormconfirm:T-3").await.reply.unwrap().text.contains("declined"));
}

async fn a_later_similar_ticket_is_linked_to_the_open_incident(db: &TestDb) {
    let d = Driver::new(db);
    for (customer, text) in &STORM[..5] {
        d.message(customer, text).await;
    }
    d.press("erin", "stormconfirm:T-1").await;
    drain(&d).await;
    d.message("zhou", STORM[5].1).await;
    d.message("mallory", "The screen flickers when the brightness is low").await;
    assert_eq!(links(&d, 6).await, [(TicketRef(1), LinkRelation::Incident)]);
    assert!(links(&d, 7).await.is_empty(), "a different problem is not linked");
    let posts = drain(&d).await;
    assert!(to_customer(&posts, "zhou").iter().any(|p| p.text.contains("one incident (T-1)")), "{posts:#?}");
    let room: Vec<&Post> =
        posts.iter().filter(|p| p.audience == Audience::Room { ticket: TicketRef(1) }).collect();
    assert!(room.iter().any(|p| p.text.starts_with("T-6 from zhou is the same problem")), "{room:#?}");
    let updated = d.command("carol", "update ticket:T-1 text:\"Still on it\"").await;
    assert!(reply(&updated).ends_with("to the customers of 5 linked tickets"));
    // Once the incident is resolved, a new alike ticket stays on its own.
    d.command("carol", "resolve ticket:T-1 resolution:\"fixed\"").await;
    d.message("qian", "black screen after the update again").await;
    assert!(links(&d, 8).await.is_empty());
}

async fn a_storm_is_proposed_once_for_its_first_ticket_whoever_proposes_it(db: &TestDb) {
    let d = Driver::new(db);
    for (customer, text) in &STORM[..5] {
        d.message(customer, text).await;
    }
    // Another instance that saw the same group finds the storm there: the database refuses a
    // second one for the same first ticket, and a ticket in two storms.
    let mut tx = d.store().begin().await.unwrap();
    let group: Vec<TicketRef> = (1..=5).map(TicketRef).collect();
    assert!(tx.insert_storm("screen", &group, t0()).await.unwrap().is_none());
    let storm = tx.storm_of(TicketRef(3)).await.unwrap().unwrap();
    assert_eq!(storm.members, group);
    assert!(!tx.add_storm_member(storm.id, TicketRef(3), t0()).await.unwrap());
    tx.commit().await.unwrap();
    // A replayed message (the same platform id) proposes nothing again.
    let posts = drain(&d).await;
    assert_eq!(proposals(&posts).len(), 1);
    d.message_with_id("sun", STORM[4].1, "test:5", t0() + Duration::seconds(5)).await;
    assert!(proposals(&drain(&d).await).is_empty());
    assert_eq!(storm_events(&d, 1).await.len(), 1);
}

async fn the_storm_script_through_the_binary_links_six_tickets_and_reaches_six_customers(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    let stdout =
        ok(resolvd(db, data.path()).args(["chat", "--script", "examples/storm.txt"]).output().unwrap());
    assert!(!stdout.contains("internal error"), "{stdout}");
    let lines = |prefix: &str| -> Vec<&str> { stdout.lines().filter(|l| l.starts_with(prefix)).collect() };
    let cards: Vec<&str> = lines("bot → erin (direct)")
        .into_iter()
        .filter(|l| l.contains(": Storm in screen: 5 similar"))
        .collect();
    assert_eq!(cards.len(), 1, "one proposal: {stdout}");
    assert!(stdout.contains("[stormconfirm:T-1]"), "{stdout}");
    assert!(
        stdout.contains("only the owners of the screen domain (erin) can answer the storm of T-1"),
        "frank is refused: {stdout}"
    );
    assert!(
        stdout.contains("T-1 is the incident (S-level, war room war-room-t-1); 5 tickets linked to it"),
        "{stdout}"
    );
    assert!(stdout.contains("the storm of T-1 was confirmed by erin already"), "{stdout}");

    let customers = ["wang", "li", "zhao", "chen", "sun", "zhou"];
    for customer in customers {
        let heard: Vec<&str> = lines(&format!("bot → {customer}: "));
        assert!(
            heard.iter().any(|l| l.contains("We found the cause: update 2.1.4")),
            "{customer}: {heard:#?}"
        );
    }
    let cards: Vec<&str> =
        stdout.lines().filter(|l| l.contains("is resolved: Update 2.1.5 restores")).collect();
    assert_eq!(cards.len(), 6, "six cards: {stdout}");
    assert!(
        !lines("bot → mallory: ").iter().any(|l| l.contains("2.1.4")),
        "mallory's flicker is not the storm"
    );

    let incident = ticket_json(db, data.path(), "T-1");
    assert_eq!(incident["severity"], "S");
    let linked: Vec<(String, String)> = incident["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["ticket"].as_str().unwrap().to_owned(), l["relation"].as_str().unwrap().to_owned()))
        .collect();
    let expected: Vec<(String, String)> = ["T-2", "T-4", "T-5", "T-6", "T-7"]
        .iter()
        .map(|t| ((*t).to_owned(), "incident".to_owned()))
        .collect();
    assert_eq!(linked, expected);
    for reference in ["T-2", "T-4", "T-5", "T-6", "T-7"] {
        let shown: Value = ticket_json(db, data.path(), reference);
        assert_eq!(shown["links"][0]["ticket"], "T-1", "{reference}");
        assert_eq!(shown["links"][0]["relation"], "incident", "{reference}");
    }
    let t2 = ticket_json(db, data.path(), "T-2");
    assert_eq!((t2["status"].as_str(), t2["close_reason"].as_str()), (Some("closed"), Some("confirmed")));
    assert_eq!(t2["satisfaction"], 5);
    let t7 = ticket_json(db, data.path(), "T-7");
    assert_eq!(t7["status"], "resolved", "zhou rated but did not confirm yet");
    let t3 = ticket_json(db, data.path(), "T-3");
    assert!(t3["links"].as_array().unwrap().is_empty(), "mallory's T-3 is not in the storm");
    let proposed = ticket_json(db, data.path(), "T-1")["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "storm_proposed")
        .count();
    assert_eq!(proposed, 1);
}

async fn two_instances_taking_in_at_once_propose_one_storm(db: &TestDb) {
    let d = Driver::new(db);
    for (customer, text) in &STORM[..3] {
        d.message(customer, text).await;
    }
    // A second instance on the same database; each takes in a message at the same moment, and
    // either message alone would make the storm.
    let other = resolvd::engine::Engine::new(
        resolvd::store::open(&db.url).await.unwrap(),
        std::sync::Arc::new(common::sample_config()),
    );
    let message = |n: usize, source: &str| resolvd::engine::InboundMessage {
        source_id: source.to_owned(),
        conversation: resolvd::engine::direct_conversation(STORM[n].0),
        author: STORM[n].0.to_owned(),
        text: STORM[n].1.to_owned(),
        at: t0() + Duration::seconds(30),
        attachments: vec![],
        reply_to: None,
    };
    let here = resolvd::engine::Inbound::Message(message(3, "here:1"));
    let there = resolvd::engine::Inbound::Message(message(4, "there:1"));
    let there_too = resolvd::engine::Inbound::Message(message(5, "there:2"));
    tokio::join!(d.engine.handle(here), async {
        other.handle(there).await;
        other.handle(there_too).await;
    });
    let posts = drain(&d).await;
    assert_eq!(proposals(&posts).len(), 1, "{posts:#?}");
    let proposed: usize = proposals_on_timelines(&d).await;
    assert_eq!(proposed, 1);
    // A ticket taken in by one instance while the other proposes may miss the storm (it stays a
    // candidate for a later one); the proposal itself is never doubled.
    let confirmed = d.press("erin", "stormconfirm:T-1").await;
    assert!(reply(&confirmed).starts_with("T-1 is the incident"), "{}", reply(&confirmed));
}

/// How many proposals the timelines of the first six tickets hold.
async fn proposals_on_timelines(d: &Driver) -> usize {
    let mut proposed = 0;
    for n in 1..=6 {
        proposed +=
            storm_events(d, n).await.iter().filter(|k| matches!(k, EventKind::StormProposed { .. })).count();
    }
    proposed
}

const STAFF_CHANNEL: u64 = 800_000_000_000_000_001;
const ERIN: u64 = 700_000_000_000_000_006;
const FRANK: u64 = 700_000_000_000_000_007;
const CAROL: u64 = 700_000_000_000_000_004;

/// `resolvd run` on the fake Discord, killed when dropped.
struct Bot(std::process::Child);

impl Drop for Bot {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn text_option(name: &str, value: &str) -> Value {
    serde_json::json!({ "name": name, "type": 3, "value": value })
}

async fn a_storm_on_discord_is_confirmed_by_the_owner_only_and_reaches_six_dms(db: &TestDb) {
    use fake_discord::{FakeDiscord, GUILD};
    let fake = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let users = format!(r#"{{ "{ERIN}" = "erin", "{FRANK}" = "frank", "{CAROL}" = "carol" }}"#);
    let bot = Bot(resolvd(db, data.path())
        .env("DISCORD_TOKEN", "fake-token")
        .env("RESOLVD_DISCORD__API_BASE", &fake.api_base)
        .env("RESOLVD_DISCORD__GUILDS", format!("[{GUILD}]"))
        .env("RESOLVD_DISCORD__STAFF_CHANNEL", STAFF_CHANNEL.to_string())
        .env("RESOLVD_DISCORD__USERS", users)
        .arg("run")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap());
    fake.wait_ready(1).await;
    // Six customers, unknown to config (`discord:<id>`), each in their own DM.
    let customer = |n: u64| 700_000_000_000_000_100 + n;
    let dm = |n: u64| 600_000_000_000_000_100 + n;
    for (n, (_, text)) in (1..).zip(STORM) {
        fake.dispatch("MESSAGE_CREATE", fake.message(dm(n), None, customer(n), text));
    }
    let card_to_erin = |c: &fake_discord::Call| {
        c.method == "POST"
            && c.body["content"].as_str().is_some_and(|t| t.contains("Storm in screen: 5 similar"))
    };
    let calls = fake.wait_for("the storm card to erin", |calls| calls.iter().any(card_to_erin)).await;
    let cards: Vec<&fake_discord::Call> = calls.iter().filter(|c| card_to_erin(c)).collect();
    assert_eq!(cards.len(), 1, "one proposal");
    assert_eq!(
        Some(cards[0].path.clone()),
        fake.dm_channel_of(ERIN).map(|c| format!("/api/v10/channels/{c}/messages"))
    );
    let buttons = &cards[0].body["components"][0]["components"];
    assert_eq!(buttons[0]["custom_id"], "stormconfirm:T-1");
    assert_eq!(buttons[1]["custom_id"], "stormdecline:T-1");

    // All six taken in (the sixth may come after the card: it joins the proposal).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while db.store.ticket(TicketRef(6)).await.unwrap().is_none() {
        assert!(std::time::Instant::now() < deadline, "six tickets");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    // Frank, a manager but not the screen domain's owner, is refused, privately.
    let erin_dm = fake.dm_channel_of(ERIN).unwrap();
    fake.dispatch("INTERACTION_CREATE", fake.press(STAFF_CHANNEL, Some(GUILD), FRANK, "stormconfirm:T-1"));
    let callbacks = fake.wait_calls("POST", "/callback", 1).await;
    assert_eq!(callbacks[0].body["data"]["flags"], 64);
    assert_eq!(
        callbacks[0].body["data"]["content"],
        "only the owners of the screen domain (erin) can answer the storm of T-1"
    );
    assert!(db.store.links(TicketRef(1)).await.unwrap().is_empty());

    fake.dispatch("INTERACTION_CREATE", fake.press(erin_dm, None, ERIN, "stormconfirm:T-1"));
    let callbacks = fake.wait_calls("POST", "/callback", 2).await;
    assert_eq!(
        callbacks[1].body["data"]["content"],
        "T-1 is the incident (S-level, war room war-room-t-1); 5 tickets linked to it"
    );
    fake.wait_calls("POST", &format!("/guilds/{GUILD}/channels"), 1).await;
    let links = db.store.links(TicketRef(1)).await.unwrap();
    assert_eq!(links.len(), 5);
    assert!(links.iter().all(|l| l.relation == LinkRelation::Incident));

    let update =
        serde_json::json!([text_option("ticket", "T-1"), text_option("text", "A fix is on its way")]);
    fake.dispatch("INTERACTION_CREATE", fake.command(STAFF_CHANNEL, Some(GUILD), CAROL, "update", update));
    for n in 1..=6 {
        let path = format!("/channels/{}/messages", dm(n));
        fake.wait_for("the update in every DM", |calls| {
            calls.iter().any(|c| {
                c.path.ends_with(&path)
                    && c.body["content"].as_str().is_some_and(|t| t.contains("A fix is on its way"))
            })
        })
        .await;
    }
    let resolve = serde_json::json!([
        text_option("ticket", "T-1"),
        text_option("resolution", "Update 2.1.5 restores the screens")
    ]);
    fake.dispatch("INTERACTION_CREATE", fake.command(STAFF_CHANNEL, Some(GUILD), CAROL, "resolve", resolve));
    // Messages arrive side by side, so which customer's ticket is T-1 is not known: each DM gets
    // one card, of a ticket of its own.
    let dms: Vec<String> = (1..=6).map(|n| format!("/api/v10/channels/{}/messages", dm(n))).collect();
    let card_of = |c: &fake_discord::Call| -> Option<(String, String)> {
        let id = c.body["components"][0]["components"][0]["custom_id"].as_str()?;
        let ticket = id.strip_prefix("confirm:")?;
        dms.contains(&c.path).then(|| (c.path.clone(), ticket.to_owned()))
    };
    let calls = fake
        .wait_for("a card in each of the six DMs", |calls| calls.iter().filter_map(card_of).count() >= 6)
        .await;
    let cards: Vec<(String, String)> = calls.iter().filter_map(card_of).collect();
    let channels: std::collections::BTreeSet<&String> = cards.iter().map(|(c, _)| c).collect();
    let tickets: std::collections::BTreeSet<&String> = cards.iter().map(|(_, t)| t).collect();
    assert_eq!((cards.len(), channels.len(), tickets.len()), (6, 6, 6), "{cards:?}");
    drop(bot);
}

async fn an_unanswered_storm_takes_alike_tickets_only_while_it_is_active(db: &TestDb) {
    let d = Driver::new(db);
    for (customer, text) in &STORM[..5] {
        d.message(customer, text).await;
    }
    // Ten minutes on, the storm is still active: the sixth joins it.
    d.set_time(t0() + Duration::minutes(10));
    d.message("zhou", STORM[5].1).await;
    // Sixteen minutes after that, nobody has answered and nothing joined: it is over.
    d.set_time(t0() + Duration::minutes(26));
    d.message("qian", "black screen after the update").await;
    let mut tx = d.store().begin().await.unwrap();
    assert_eq!(tx.storm_of(TicketRef(6)).await.unwrap().map(|s| s.first), Some(TicketRef(1)));
    assert_eq!(tx.storm_of(TicketRef(7)).await.unwrap(), None);
    tx.commit().await.unwrap();
    let confirmed = d.press("erin", "stormconfirm:T-1").await;
    assert!(reply(&confirmed).ends_with("5 tickets linked to it"), "{}", reply(&confirmed));
    assert!(links(&d, 7).await.is_empty());
}

async fn chinese_messages_make_a_storm_too(db: &TestDb) {
    let d = Driver::new(db);
    let texts = ["升级后屏幕黑屏", "系统升级后黑屏", "手机升级后就黑屏", "升级完屏幕黑屏", "刚升级后黑屏了"];
    for (n, text) in texts.iter().enumerate() {
        d.message(&format!("customer{n}"), text).await;
    }
    let posts = drain(&d).await;
    assert_eq!(proposals(&posts).len(), 1, "{posts:#?}");
    let proposed = storm_events(&d, 1).await;
    assert!(
        matches!(&proposed[..], [EventKind::StormProposed { tickets, .. }] if tickets.len() == 5),
        "{proposed:?}"
    );
}

async fn a_closed_first_ticket_leaves_the_incident_to_the_next_and_bad_presses_are_answered(db: &TestDb) {
    let d = Driver::new(db);
    for (customer, text) in &STORM[..5] {
        d.message(customer, text).await;
    }
    d.message("mallory", "The screen flickers when the brightness is low").await;
    d.command("bob", "close ticket:T-1 reason:\"the customer found it was a dead battery\"").await;
    assert_eq!(reply(&d.press("erin", "stormconfirm:T-6").await), "T-6 is in no storm");
    assert_eq!(reply(&d.press("erin", "stormconfirm:T-99").await), "there is no ticket T-99");
    assert!(reply(&d.press("erin", "stormconfirm").await).contains("is not a button"));
    let confirmed = d.press("erin", "stormconfirm:T-1").await;
    assert_eq!(
        reply(&confirmed),
        "T-2 is the incident (S-level, war room war-room-t-2); 3 tickets linked to it"
    );
    assert_eq!(ticket(&d, 2).await.severity, Some(Severity::S));
    assert_eq!(ticket(&d, 1).await.severity, Some(Severity::P2), "the closed ticket is left as it was");
    assert!(links(&d, 1).await.is_empty());
    assert_eq!(links(&d, 2).await.len(), 3);
}
