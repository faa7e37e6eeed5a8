//! The Discord channel end to end: the real serenity client against a fake Discord (REST
//! recorder and gateway) on 127.0.0.1, on SQLite and on PostgreSQL. Nothing reaches the internet.

mod common;
mod fake_discord;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{TestDb, repo_path};
use fake_discord::{FakeDiscord, GUILD};
use resolvd::config::{Config, ConfigSource};
use resolvd::domain::{EventKind, Status, TicketRef};
use resolvd::engine::Engine;
use serde_json::{Value, json};
use tokio::sync::oneshot;

const STAFF: u64 = 800_000_000_000_000_001;
const INTAKE: u64 = 800_000_000_000_000_002;
const ALICE_DM: u64 = 600_000_000_000_000_001;
const MALLORY_DM: u64 = 600_000_000_000_000_002;
const ALICE: u64 = 700_000_000_000_000_001;
const MALLORY: u64 = 700_000_000_000_000_002;
const BOB: u64 = 700_000_000_000_000_003;
const CAROL: u64 = 700_000_000_000_000_004;
/// Not in people.toml: staff only through the Discord role `SUPPORT_ROLE`.
const DAN: u64 = 700_000_000_000_000_005;
const SUPPORT_ROLE: u64 = 500_000_000_000_000_001;
const ERIN: u64 = 700_000_000_000_000_006;
const FRANK: u64 = 700_000_000_000_000_007;
const GRACE: u64 = 700_000_000_000_000_008;
const HEIDI: u64 = 700_000_000_000_000_009;
/// A second server, whose events go to the other of two shards than `GUILD`'s.
const OTHER_GUILD: u64 = GUILD + (1 << 22);
const OTHER_INTAKE: u64 = 800_000_000_000_000_003;

on_both_databases!(
    the_binary_on_discord_sends_signed_deliveries_and_hands_inquiries_to_sales,
    slash_commands_are_registered_once_across_restarts,
    a_dm_is_a_ticket_relayed_both_ways_and_notes_stay_inside,
    an_intake_channel_message_opens_a_private_thread_with_the_customer,
    classify_assign_and_escalate_arrive_as_interactions,
    a_slow_command_is_deferred_then_edited,
    a_button_press_is_allowed_for_the_customer_and_refused_for_another,
    replayed_gateway_events_change_nothing,
    messages_sent_while_down_are_taken_in_after_a_restart,
    a_429_is_waited_out_before_the_post_is_sent_again,
    everyone_in_a_customer_message_is_echoed_without_pinging,
    the_binary_serves_discord_when_a_token_is_set,
    a_discord_role_mapped_in_config_grants_its_role_while_held,
    an_s_level_ticket_gets_a_private_war_room_with_a_pinned_card_and_its_buttons_work,
    a_card_whose_pin_failed_is_pinned_on_the_retry_and_posted_once,
    the_binary_on_discord_runs_the_jobs_by_itself,
    a_post_discord_refuses_is_a_dead_letter_the_operator_lists_and_resends,
    a_ticket_staff_open_for_a_customer_reaches_their_dm_and_their_answer_lands_on_it,
    a_photo_alone_in_a_dm_opens_a_ticket_with_the_file_linked_for_staff,
    a_reply_to_the_bots_post_about_a_ticket_lands_on_that_ticket,
    operators_commands_work_beside_the_running_bot,
    a_bot_killed_mid_burst_loses_and_doubles_no_message_after_a_restart,
    the_binary_on_discord_serves_the_cockpit_ready_once_connected,
    two_instances_split_the_shards_and_each_event_is_handled_once,
    the_outbox_sends_channels_side_by_side_in_order_within_discords_limits,
    a_draft_is_edited_in_a_modal_then_published_with_its_text,
    an_interaction_in_chinese_is_answered_in_chinese_and_commands_carry_chinese_descriptions,
    two_instances_given_every_event_open_one_ticket_per_customer,
    catch_up_reads_the_channels_of_open_tickets_not_those_closed_long_ago,
    catch_up_reads_a_dm_channel_learnt_before_its_first_message_was_taken_in,
);

async fn an_interaction_in_chinese_is_answered_in_chinese_and_commands_carry_chinese_descriptions(
    db: &TestDb,
) {
    let fake = FakeDiscord::start().await;
    let bot = Running::start(db, &fake, 1, &[]).await;
    // The commands carry their descriptions in Chinese, as Discord shows a zh-CN client; the fake
    // refuses (400) a registration whose localizations break Discord's rules, as Discord does.
    let global =
        fake.wait_calls("PUT", &format!("/applications/{}/commands", fake_discord::APPLICATION), 1).await;
    let commands = global[0].body.as_array().unwrap();
    let status = commands.iter().find(|c| c["name"] == "status").unwrap();
    assert_eq!(status["description_localizations"], json!({ "zh-CN": "显示工单状态" }));
    assert!(
        status["options"][0]["description_localizations"]["zh-CN"].as_str().unwrap().contains("工单编号")
    );
    let guild = fake
        .wait_calls("PUT", &format!("/applications/{}/guilds/{GUILD}/commands", fake_discord::APPLICATION), 1)
        .await;
    let kb = guild[0].body.as_array().unwrap().iter().find(|c| c["name"] == "kb").unwrap();
    let search = kb["options"].as_array().unwrap().iter().find(|o| o["name"] == "search").unwrap();
    assert_eq!(search["description_localizations"]["zh-CN"], "搜索文章（工作人员还可搜索已解决的工单）");
    for put in [&global[0], &guild[0]] {
        for command in put.body.as_array().unwrap() {
            assert!(command["description_localizations"]["zh-CN"].is_string(), "{command}");
        }
    }

    // Alice writes in English, but her Discord client is set to Chinese: its locale wins.
    alice_opens_a_ticket(db, &fake, "the phone gets hot").await;
    let mut status = fake.command(ALICE_DM, None, ALICE, "status", json!([option("ticket", "T-1")]));
    status["locale"] = json!("zh-CN");
    fake.dispatch("INTERACTION_CREATE", status);
    let callbacks = fake.wait_calls("POST", "/callback", 1).await;
    let answer = callbacks[0].body["data"]["content"].as_str().unwrap().to_owned();
    assert!(answer.starts_with("T-1“the phone gets hot”：我们正在处理。"), "{answer}");

    // Bob, on staff, reads his own language in what answers him; the staff thread stays English.
    let mut missing = fake.command(STAFF, Some(GUILD), BOB, "status", json!([option("ticket", "T-9")]));
    missing["locale"] = json!("zh-CN");
    fake.dispatch("INTERACTION_CREATE", missing);
    let callbacks = fake.wait_calls("POST", "/callback", 2).await;
    assert_eq!(callbacks[1].body["data"]["content"], "没有工单 T-9");
    let mut english = fake.command(STAFF, Some(GUILD), BOB, "status", json!([option("ticket", "T-9")]));
    english["locale"] = json!("en-GB");
    fake.dispatch("INTERACTION_CREATE", english);
    let callbacks = fake.wait_calls("POST", "/callback", 3).await;
    assert_eq!(callbacks[2].body["data"]["content"], "there is no ticket T-9");
    bot.stop().await;
}

fn config(fake: &FakeDiscord, extra: &[(&str, &str)]) -> Config {
    let users = format!(
        r#"{{ "{ALICE}" = "alice", "{MALLORY}" = "mallory", "{BOB}" = "bob", "{CAROL}" = "carol", "{ERIN}" = "erin", "{FRANK}" = "frank", "{GRACE}" = "grace" }}"#
    );
    let mut env: Vec<(String, String)> = vec![
        ("DISCORD_TOKEN".into(), "fake-token".into()),
        ("RESOLVD_DISCORD__API_BASE".into(), fake.api_base.clone()),
        ("RESOLVD_DISCORD__GUILDS".into(), format!("[{GUILD}]")),
        ("RESOLVD_DISCORD__STAFF_CHANNEL".into(), STAFF.to_string()),
        ("RESOLVD_DISCORD__INTAKE_CHANNELS".into(), format!("[{INTAKE}]")),
        ("RESOLVD_DISCORD__DELETE_INTAKE_MESSAGES".into(), "true".into()),
        ("RESOLVD_DISCORD__USERS".into(), users),
        ("RESOLVD_DISCORD__ROLES".into(), format!(r#"{{ "{SUPPORT_ROLE}" = "engineer" }}"#)),
    ];
    env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    Config::load(ConfigSource::Dir(repo_path("config")), env).unwrap()
}

/// resolvd's Discord channel running against the fake.
struct Running {
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Running {
    /// Starts the channel and waits for its `connection`-th gateway session.
    async fn start(db: &TestDb, fake: &FakeDiscord, connection: usize, extra: &[(&str, &str)]) -> Running {
        let engine = Arc::new(Engine::new(db.store.clone(), Arc::new(config(fake, extra))));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(resolvd::chat::discord::serve(engine, db.discord.clone(), async {
            let _ = stopped.await;
        }));
        fake.wait_ready(connection).await;
        Running { stop: Some(stop), task }
    }

    async fn stop(mut self) {
        let _ = self.stop.take().unwrap().send(());
        tokio::time::timeout(Duration::from_secs(10), self.task)
            .await
            .expect("the channel stops")
            .unwrap()
            .unwrap();
    }
}

/// Waits (at most 10 s) until `check` gives a value.
async fn eventually<T, F, Fut>(what: &str, check: F) -> T
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn contents(calls: &[fake_discord::Call]) -> Vec<String> {
    calls.iter().map(|c| c.body["content"].as_str().unwrap_or_default().to_owned()).collect()
}

fn option(name: &str, value: &str) -> Value {
    json!({ "name": name, "type": 3, "value": value })
}

/// Alice writes to the bot in a DM; returns once T-1 exists and its staff thread is open.
async fn alice_opens_a_ticket(db: &TestDb, fake: &FakeDiscord, text: &str) -> u64 {
    fake.dispatch("MESSAGE_CREATE", fake.message(ALICE_DM, None, ALICE, text));
    let store = db.discord.clone();
    eventually("the staff thread of T-1", || {
        let store = store.clone();
        async move { store.discord_staff_thread(TicketRef(1)).await.unwrap() }
    })
    .await as u64
}

async fn slash_commands_are_registered_once_across_restarts(db: &TestDb) {
    let fake = FakeDiscord::start().await;
    let bot = Running::start(db, &fake, 1, &[]).await;
    let put = fake
        .wait_calls("PUT", &format!("/applications/{}/guilds/{GUILD}/commands", fake_discord::APPLICATION), 1)
        .await;
    let names: Vec<&str> =
        put[0].body.as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"classify") && names.contains(&"escalate"), "{names:?}");
    let classify = put[0].body.as_array().unwrap().iter().find(|c| c["name"] == "classify").unwrap();
    let domain = classify["options"].as_array().unwrap().iter().find(|o| o["name"] == "domain").unwrap();
    assert_eq!(domain["choices"][0], json!({ "name": "screen", "value": "screen" }));
    // Guild commands never reach DMs: what customers run is registered globally, for DMs only.
    let global =
        fake.wait_calls("PUT", &format!("/applications/{}/commands", fake_discord::APPLICATION), 1).await;
    let in_dms: Vec<&str> =
        global[0].body.as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert!(in_dms.contains(&"status") && !in_dms.contains(&"classify"), "{in_dms:?}");
    assert!(global[0].body.as_array().unwrap().iter().all(|c| c["contexts"] == json!([1])));
    bot.stop().await;

    let bot = Running::start(db, &fake, 2, &[]).await;
    // The second start reads its history (catch-up) after the registration step: once that
    // happened, a registration would have happened too.
    fake.dispatch("MESSAGE_CREATE", fake.message(ALICE_DM, None, ALICE, "hello"));
    fake.wait_calls("POST", &format!("/channels/{ALICE_DM}/messages"), 1).await;
    assert_eq!(fake.calls_to("PUT", "/commands").len(), 2, "the same definitions were registered again");
    bot.stop().await;
}

async fn a_dm_is_a_ticket_relayed_both_ways_and_notes_stay_inside(db: &TestDb) {
    let fake = FakeDiscord::start().await;
    let bot = Running::start(db, &fake, 1, &[]).await;
    let thread = alice_opens_a_ticket(db, &fake, "My phone's screen keeps flickering").await;

    let ticket = db.store.ticket(TicketRef(1)).await.unwrap().unwrap();
    assert_eq!((ticket.customer.as_str(), ticket.conversation.clone()), ("alice", format!("dm:{ALICE_DM}")));
    let threads = fake.wait_calls("POST", &format!("/channels/{STAFF}/threads"), 1).await;
    assert!(threads[0].body["name"].as_str().unwrap().starts_with("T-1 "));
    let staff = fake.wait_calls("POST", &format!("/channels/{thread}/messages"), 1).await;
    assert!(contents(&staff)[0].contains("New ticket T-1 from alice"), "{:?}", contents(&staff));
    let to_alice = fake.wait_calls("POST", &format!("/channels/{ALICE_DM}/messages"), 1).await;
    assert!(contents(&to_alice)[0].contains("we opened T-1"));

    // Staff talk in the staff thread is internal; Bob answers Alice with the reply prefix: relayed
    // to her DM (without the prefix) and logged.
    fake.dispatch("MESSAGE_CREATE", fake.message(thread, Some(GUILD), BOB, "looks like the 2.0 driver bug"));
    let store = db.store.clone();
    eventually("the internal message as a note", || {
        let store = store.clone();
        async move {
            let timeline = store.timeline(TicketRef(1)).await.unwrap();
            timeline.iter().any(|e| e.kind.type_name() == "note").then_some(())
        }
    })
    .await;
    fake.dispatch(
        "MESSAGE_CREATE",
        fake.message(thread, Some(GUILD), BOB, "!reply Please update to 2.1 and restart"),
    );
    let to_alice = fake.wait_calls("POST", &format!("/channels/{ALICE_DM}/messages"), 2).await;
    assert_eq!(contents(&to_alice)[1], "Bob Li (T-1): Please update to 2.1 and restart");

    // A note in the staff thread is never relayed.
    fake.dispatch(
        "INTERACTION_CREATE",
        fake.command(thread, Some(GUILD), BOB, "note", json!([option("text", "customer sounds upset")])),
    );
    let callbacks = fake.wait_calls("POST", "/callback", 1).await;
    assert_eq!(callbacks[0].body["data"]["content"], "Note added to T-1 (staff only)");

    // Alice's follow-up reaches the staff thread.
    fake.dispatch("MESSAGE_CREATE", fake.message(ALICE_DM, None, ALICE, "Done, it still flickers"));
    let staff = fake.wait_calls("POST", &format!("/channels/{thread}/messages"), 2).await;
    assert!(
        contents(&staff)[1].contains("alice wrote on T-1:\n> Done, it still flickers"),
        "{:?}",
        contents(&staff)
    );
    assert!(
        !contents(&fake.calls_to("POST", &format!("/channels/{ALICE_DM}/messages")))
            .iter()
            .any(|c| c.contains("upset") || c.contains("driver bug"))
    );

    let kinds: Vec<&str> =
        db.store.timeline(TicketRef(1)).await.unwrap().iter().map(|e| e.kind.type_name()).collect();
    assert_eq!(kinds, ["created", "note", "staff_reply", "note", "message"]);
    bot.stop().await;
}

async fn an_intake_channel_message_opens_a_private_thread_with_the_customer(db: &TestDb) {
    let fake = FakeDiscord::start().await;
    let bot = Running::start(db, &fake, 1, &[]).await;
    let original = fake.message(INTAKE, Some(GUILD), ALICE, "No signal in the basement");
    let original_id = original["id"].as_str().unwrap().to_owned();
    fake.dispatch("MESSAGE_CREATE", original);

    let created = fake.wait_calls("POST", &format!("/channels/{INTAKE}/threads"), 1).await;
    assert_eq!(created[0].body["type"], 12, "a private thread");
    fake.wait_calls("PUT", &format!("/thread-members/{ALICE}"), 1).await;
    fake.wait_calls("DELETE", &format!("/channels/{INTAKE}/messages/{original_id}"), 1).await;
    let store = db.store.clone();
    let ticket = eventually("T-1", || {
        let store = store.clone();
        async move { store.ticket(TicketRef(1)).await.unwrap() }
    })
    .await;
    let thread =
        ticket.conversation.strip_prefix("thread:").expect("the ticket lives in the thread").to_owned();
    let ack = fake.wait_calls("POST", &format!("/channels/{thread}/messages"), 1).await;
    assert!(contents(&ack)[0].contains("we opened T-1"));

    // Her next message in the thread is added to T-1.
    let thread_id: u64 = thread.parse().unwrap();
    fake.dispatch("MESSAGE_CREATE", fake.message(thread_id, Some(GUILD), ALICE, "also no 5G"));
    let store = db.store.clone();
    eventually("the follow-up on T-1", || {
        let store = store.clone();
        async move { (store.messages_of(TicketRef(1)).await.unwrap().len() == 2).then_some(()) }
    })
    .await;
    assert_eq!(db.store.tickets(None).await.unwrap().len(), 1);
    bot.stop().await;

    // A channel config no longer names is not an intake channel any more.
    let bot = Running::start(db, &fake, 2, &[("RESOLVD_DISCORD__INTAKE_CHANNELS", "[]")]).await;
    fake.dispatch("MESSAGE_CREATE", fake.message(INTAKE, Some(GUILD), MALLORY, "hello?"));
    fake.dispatch("MESSAGE_CREATE", fake.message(ALICE_DM, None, ALICE, "any news?"));
    let store = db.store.clone();
    eventually("Alice's DM taken in", || {
        let store = store.clone();
        async move { (store.tickets(None).await.unwrap().len() == 2).then_some(()) }
    })
    .await;
    // Events are handled concurrently: give Mallory's a moment to show, should it do anything.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(fake.calls_to("POST", &format!("/channels/{INTAKE}/threads")).len(), 1);
    assert!(db.store.tickets(None).await.unwrap().iter().all(|t| t.customer != "mallory"));
    bot.stop().await;
}

async fn classify_assign_and_escalate_arrive_as_interactions(db: &TestDb) {
    let fake = FakeDiscord::start().await;
    let bot = Running::start(db, &fake, 1, &[]).await;
    let thread = alice_opens_a_ticket(db, &fake, "the phone gets hot").await;

    let started = Instant::now();
    let classify = json!([option("domain", "screen"), option("kind", "fault"), option("severity", "P1")]);
    fake.dispatch("INTERACTION_CREATE", fake.command(thread, Some(GUILD), BOB, "classify", classify));
    let callbacks = fake.wait_calls("POST", "/callback", 1).await;
    assert!(
        callbacks[0].at.duration_since(started) < Duration::from_secs(3),
        "answered within Discord's 3 seconds"
    );
    assert_eq!(callbacks[0].body["type"], 4);
    assert!(callbacks[0].body["data"]["content"].as_str().unwrap().starts_with("T-1 classified"));
    assert!(callbacks[0].body["data"].get("flags").is_none(), "a success is public");

    let assign = json!([{ "name": "user", "type": 6, "value": CAROL.to_string() }]);
    fake.dispatch("INTERACTION_CREATE", fake.command(thread, Some(GUILD), BOB, "assign", assign));
    let callbacks = fake.wait_calls("POST", "/callback", 2).await;
    assert_eq!(callbacks[1].body["data"]["content"], "T-1 assigned to carol; it moves to L2 with them");

    let escalate = json!([option("reason", "needs the display firmware team"), option("to", "RnD")]);
    fake.dispatch("INTERACTION_CREATE", fake.command(thread, Some(GUILD), BOB, "escalate", escalate));
    let callbacks = fake.wait_calls("POST", "/callback", 3).await;
    assert_eq!(callbacks[2].body["data"]["content"], "T-1 escalated to RnD, now with dave");

    // A customer may not classify: an ephemeral refusal that says why.
    fake.dispatch(
        "INTERACTION_CREATE",
        fake.command(ALICE_DM, None, ALICE, "classify", json!([option("severity", "S")])),
    );
    let callbacks = fake.wait_calls("POST", "/callback", 4).await;
    assert_eq!(callbacks[3].body["data"]["flags"], 64);
    assert!(callbacks[3].body["data"]["content"].as_str().unwrap().contains("is for engineers and managers"));

    let t = db.store.ticket(TicketRef(1)).await.unwrap().unwrap();
    assert_eq!(
        (t.domain.as_deref(), t.severity.map(|s| s.to_string()), t.tier.to_string(), t.assignee.as_deref()),
        (Some("screen"), Some("P1".to_owned()), "RnD".to_owned(), Some("dave"))
    );
    bot.stop().await;
}

async fn a_slow_command_is_deferred_then_edited(db: &TestDb) {
    let fake = FakeDiscord::start().await;
    // Every answer counts as slow here, so the deferral path is taken.
    let bot = Running::start(db, &fake, 1, &[("RESOLVD_DISCORD__DEFER_AFTER_MS", "0")]).await;
    let thread = alice_opens_a_ticket(db, &fake, "the phone gets hot").await;
    fake.dispatch(
        "INTERACTION_CREATE",
        fake.command(thread, Some(GUILD), BOB, "classify", json!([option("severity", "P2")])),
    );
    let callbacks = fake.wait_calls("POST", "/callback", 1).await;
    assert_eq!(callbacks[0].body, json!({ "type": 5, "data": { "flags": 64 } }));
    // A public answer: a follow-up everyone sees, and the ephemeral placeholder removed.
    let webhook = format!("/webhooks/{}/", fake_discord::APPLICATION);
    let followups = fake.wait_calls("POST", &webhook, 1).await;
    assert!(followups[0].body["content"].as_str().unwrap().starts_with("T-1 classified"));
    assert!(followups[0].body.get("flags").is_none());
    fake.wait_calls("DELETE", "/messages/@original", 1).await;

    // An error: the placeholder is edited, so only the person sees it.
    let missing = json!([option("ticket", "T-99"), option("severity", "P2")]);
    fake.dispatch("INTERACTION_CREATE", fake.command(thread, Some(GUILD), BOB, "classify", missing));
    let edits = fake.wait_calls("PATCH", "/messages/@original", 1).await;
    assert!(edits[0].path.contains(&webhook));
    assert_eq!(edits[0].body["content"], "there is no ticket T-99");
    bot.stop().await;
}

async fn a_button_press_is_allowed_for_the_customer_and_refused_for_another(db: &TestDb) {
    let fake = FakeDiscord::start().await;
    let bot = Running::start(db, &fake, 1, &[]).await;
    let thread = alice_opens_a_ticket(db, &fake, "the phone gets hot").await;
    fake.dispatch(
        "INTERACTION_CREATE",
        fake.command(
            thread,
            Some(GUILD),
            BOB,
            "resolve",
            json!([option("resolution", "new battery firmware")]),
        ),
    );
    let card = fake
        .wait_for("the resolution card", |calls| {
            calls.iter().any(|c| {
                c.path.ends_with(&format!("/channels/{ALICE_DM}/messages"))
                    && c.body.get("components").is_some()
            })
        })
        .await;
    let card = card.iter().rev().find(|c| c.body.get("components").is_some()).unwrap();
    let ids: Vec<&str> = card.body["components"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|row| row["components"].as_array().unwrap())
        .map(|b| b["custom_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["confirm:T-1", "notfixed:T-1", "rate:T-1:1", "rate:T-1:2", "rate:T-1:3", "rate:T-1:4", "rate:T-1:5"]
    );

    // Mallory, another customer, cannot confirm Alice's ticket.
    fake.dispatch("INTERACTION_CREATE", fake.press(MALLORY_DM, None, MALLORY, "confirm:T-1"));
    let callbacks = fake.wait_calls("POST", "/callback", 2).await;
    assert_eq!(callbacks[1].body["data"]["flags"], 64);
    assert!(
        callbacks[1].body["data"]["content"].as_str().unwrap().contains("only the customer who reported it")
    );
    assert_eq!(db.store.ticket(TicketRef(1)).await.unwrap().unwrap().status, Status::Resolved);

    fake.dispatch("INTERACTION_CREATE", fake.press(ALICE_DM, None, ALICE, "confirm:T-1"));
    let callbacks = fake.wait_calls("POST", "/callback", 3).await;
    assert_eq!(callbacks[2].body["data"]["content"], "Thank you. T-1 is closed.");
    assert_eq!(db.store.ticket(TicketRef(1)).await.unwrap().unwrap().status, Status::Closed);
    bot.stop().await;
}

async fn replayed_gateway_events_change_nothing(db: &TestDb) {
    let fake = FakeDiscord::start().await;
    let bot = Running::start(db, &fake, 1, &[]).await;
    let message = fake.message(ALICE_DM, None, ALICE, "my screen flickers");
    fake.dispatch("MESSAGE_CREATE", message.clone());
    fake.dispatch("MESSAGE_CREATE", message);
    let thread = alice_opens_a_ticket(db, &fake, "and it is getting worse").await;
    let classify = fake.command(thread, Some(GUILD), BOB, "classify", json!([option("severity", "P1")]));
    fake.dispatch("INTERACTION_CREATE", classify.clone());
    fake.dispatch("INTERACTION_CREATE", classify);
    let callbacks = fake.wait_calls("POST", "/callback", 2).await;
    let answers: Vec<&str> = callbacks.iter().map(|c| c.body["data"]["content"].as_str().unwrap()).collect();
    assert!(answers.contains(&"This was handled already; nothing changed."), "{answers:?}");

    let store = db.store.clone();
    eventually("both messages on T-1", || {
        let store = store.clone();
        async move { (store.messages_of(TicketRef(1)).await.unwrap().len() == 2).then_some(()) }
    })
    .await;
    assert_eq!(db.store.tickets(None).await.unwrap().len(), 1);
    let timeline = db.store.timeline(TicketRef(1)).await.unwrap();
    assert_eq!(timeline.iter().filter(|e| matches!(e.kind, EventKind::Classified { .. })).count(), 1);
    assert_eq!(
        timeline
            .iter()
            .filter(|e| matches!(e.kind, EventKind::Created { .. } | EventKind::Message { .. }))
            .count(),
        2
    );
    bot.stop().await;
}

async fn messages_sent_while_down_are_taken_in_after_a_restart(db: &TestDb) {
    let fake = FakeDiscord::start().await;
    let bot = Running::start(db, &fake, 1, &[]).await;
    let thread = alice_opens_a_ticket(db, &fake, "my screen flickers").await;
    bot.stop().await;

    // While resolvd is away, Alice writes twice and Bob answers in the staff thread.
    fake.add_history(&fake_discord::message_json(
        fake.new_id(),
        ALICE_DM,
        ALICE,
        false,
        "it happens at night",
    ));
    fake.add_history(&fake_discord::message_json(fake.new_id(), ALICE_DM, ALICE, false, "and when charging"));
    fake.add_history(&fake_discord::message_json(
        fake.new_id(),
        thread,
        BOB,
        false,
        "!reply Which model is it?",
    ));

    let bot = Running::start(db, &fake, 2, &[]).await;
    let store = db.store.clone();
    eventually("the missed messages on T-1", || {
        let store = store.clone();
        async move { (store.messages_of(TicketRef(1)).await.unwrap().len() == 3).then_some(()) }
    })
    .await;
    let texts: Vec<String> =
        db.store.messages_of(TicketRef(1)).await.unwrap().into_iter().map(|m| m.message.text).collect();
    assert_eq!(texts, ["my screen flickers", "it happens at night", "and when charging"]);
    let to_alice = fake
        .wait_for("Bob's missed reply relayed", |calls| {
            calls.iter().any(|c| {
                c.path.ends_with(&format!("/channels/{ALICE_DM}/messages"))
                    && c.body["content"] == "Bob Li (T-1): Which model is it?"
            })
        })
        .await;
    assert!(!to_alice.is_empty());
    // A second restart finds nothing new.
    bot.stop().await;
    let bot = Running::start(db, &fake, 3, &[]).await;
    fake.wait_calls("GET", &format!("/channels/{ALICE_DM}/messages?after="), 2).await;
    assert_eq!(db.store.messages_of(TicketRef(1)).await.unwrap().len(), 3);
    bot.stop().await;
}

async fn a_429_is_waited_out_before_the_post_is_sent_again(db: &TestDb) {
    let fake = FakeDiscord::start().await;
    let bot = Running::start(db, &fake, 1, &[]).await;
    let limited = json!({ "message": "You are being rate limited.", "retry_after": 0.4, "global": false });
    fake.plan("POST", &format!("/channels/{ALICE_DM}/messages"), 429, limited);
    fake.dispatch("MESSAGE_CREATE", fake.message(ALICE_DM, None, ALICE, "my screen flickers"));
    let sent = fake.wait_calls("POST", &format!("/channels/{ALICE_DM}/messages"), 2).await;
    let waited = sent[1].at.duration_since(sent[0].at);
    assert!(waited >= Duration::from_millis(400), "retried after {waited:?}");
    assert_eq!(sent[0].body, sent[1].body, "the same message again");
    let store = db.store.clone();
    eventually("an empty outbox", || {
        let store = store.clone();
        async move { (store.unsent_post_count().await.unwrap() == 0).then_some(()) }
    })
    .await;
    bot.stop().await;
}

async fn everyone_in_a_customer_message_is_echoed_without_pinging(db: &TestDb) {
    let fake = FakeDiscord::start().await;
    let bot = Running::start(db, &fake, 1, &[]).await;
    let thread = alice_opens_a_ticket(db, &fake, "@everyone my screen <@&42> flickers @here").await;
    let staff = fake.wait_calls("POST", &format!("/channels/{thread}/messages"), 1).await;
    let text = staff[0].body["content"].as_str().unwrap();
    assert!(text.contains("everyone my screen"), "{text}");
    for live in ["@everyone", "@here", "<@&42>"] {
        assert!(!text.contains(live), "{live} is live in {text:?}");
    }
    for call in fake.calls_to("POST", "/messages") {
        assert_eq!(call.body["allowed_mentions"]["parse"], json!([]), "{}", call.body);
    }
    bot.stop().await;
}

/// The `resolvd` binary, killed when dropped (also when a test fails).
struct Process(std::process::Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn_binary(db: &TestDb, fake: &FakeDiscord, data_dir: &std::path::Path) -> Process {
    spawn_binary_serving(db, fake, data_dir, "")
}

/// The binary on the fake Discord running the gateway shards `shards` (`"0/2"`), with an intake
/// channel, beside other instances on the same database.
fn spawn_binary_sharded(
    db: &TestDb,
    fake: &FakeDiscord,
    data_dir: &std::path::Path,
    shards: &str,
) -> Process {
    let intake = format!("[{INTAKE}, {OTHER_INTAKE}]");
    spawn_binary_with(
        db,
        fake,
        data_dir,
        &[("RESOLVD_DISCORD__INTAKE_CHANNELS", intake.as_str()), ("RESOLVD_DISCORD__SHARDS", shards)],
    )
}

/// The binary on the fake Discord with the cockpit on `web_listen` ("" for none).
fn spawn_binary_serving(
    db: &TestDb,
    fake: &FakeDiscord,
    data_dir: &std::path::Path,
    web_listen: &str,
) -> Process {
    spawn_binary_with(db, fake, data_dir, &[("RESOLVD_WEB__LISTEN", web_listen)])
}

/// The binary on the fake Discord (no cockpit), with `extra` environment settings on top.
fn spawn_binary_with(
    db: &TestDb,
    fake: &FakeDiscord,
    data_dir: &std::path::Path,
    extra: &[(&str, &str)],
) -> Process {
    let users = format!(r#"{{ "{ALICE}" = "alice", "{BOB}" = "bob", "{FRANK}" = "frank" }}"#);
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_resolvd"))
        .env("RESOLVD_WEB__LISTEN", "")
        .current_dir(repo_path(""))
        .env("RESOLVD_DATABASE_URL", &db.url)
        .env("DISCORD_TOKEN", "fake-token")
        .env("RESOLVD_DISCORD__API_BASE", &fake.api_base)
        .env("RESOLVD_DISCORD__GUILDS", format!("[{GUILD}]"))
        .env("RESOLVD_DISCORD__STAFF_CHANNEL", STAFF.to_string())
        .env("RESOLVD_DISCORD__USERS", users)
        .envs(extra.iter().copied())
        .arg("--data-dir")
        .arg(data_dir)
        .arg("run")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    Process(child)
}

async fn the_binary_serves_discord_when_a_token_is_set(db: &TestDb) {
    let fake = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let process = spawn_binary(db, &fake, data.path());
    fake.wait_ready(1).await;
    fake.wait_calls("PUT", &format!("/guilds/{GUILD}/commands"), 1).await;
    let thread = alice_opens_a_ticket(db, &fake, "my screen flickers").await;
    let started = Instant::now();
    fake.dispatch(
        "INTERACTION_CREATE",
        fake.command(thread, Some(GUILD), BOB, "classify", json!([option("domain", "screen")])),
    );
    let callbacks = fake.wait_calls("POST", "/callback", 1).await;
    assert!(callbacks[0].at.duration_since(started) < Duration::from_secs(3));
    assert!(callbacks[0].body["data"]["content"].as_str().unwrap().starts_with("T-1 classified"));
    drop(process);

    // The same definitions again: nothing is registered.
    let process = spawn_binary(db, &fake, data.path());
    fake.wait_ready(2).await;
    fake.dispatch("MESSAGE_CREATE", fake.message(ALICE_DM, None, ALICE, "any news?"));
    fake.wait_calls("POST", &format!("/channels/{thread}/messages"), 2).await;
    assert_eq!(fake.calls_to("PUT", "/commands").len(), 2, "one server, and the customers' DMs");
    drop(process);
}

async fn a_discord_role_mapped_in_config_grants_its_role_while_held(db: &TestDb) {
    let fake = FakeDiscord::start().await;
    let bot = Running::start(db, &fake, 1, &[]).await;
    let thread = alice_opens_a_ticket(db, &fake, "the phone gets hot").await;

    let severity = || json!([option("severity", "P3")]);
    fake.dispatch(
        "INTERACTION_CREATE",
        fake.command_with_roles(thread, DAN, &[SUPPORT_ROLE], "classify", severity()),
    );
    let callbacks = fake.wait_calls("POST", "/callback", 1).await;
    assert!(
        callbacks[0].body["data"]["content"].as_str().unwrap().starts_with("T-1 classified"),
        "{}",
        callbacks[0].body
    );

    // Without the role, Dan is a customer again.
    fake.dispatch("INTERACTION_CREATE", fake.command_with_roles(thread, DAN, &[], "classify", severity()));
    let callbacks = fake.wait_calls("POST", "/callback", 2).await;
    assert_eq!(callbacks[1].body["data"]["flags"], 64);
    assert!(
        callbacks[1].body["data"]["content"].as_str().unwrap().contains("you are a customer"),
        "{}",
        callbacks[1].body
    );
    bot.stop().await;
}

/// Whether a JSON value is the Discord id `id` (Discord writes ids as strings).
fn is_id(value: &Value, id: u64) -> bool {
    value.as_str().and_then(|s| s.parse::<u64>().ok()) == Some(id)
}

/// How many messages the bot has posted in a channel.
fn posted_ids(fake: &FakeDiscord, channel: u64) -> usize {
    fake.calls_to("POST", &format!("/channels/{channel}/messages")).len()
}

async fn an_s_level_ticket_gets_a_private_war_room_with_a_pinned_card_and_its_buttons_work(db: &TestDb) {
    let fake = FakeDiscord::start().await;
    let bot = Running::start(db, &fake, 1, &[]).await;
    let thread = alice_opens_a_ticket(db, &fake, "every phone in our fleet shows a black screen").await;
    let classify = json!([option("domain", "screen"), option("severity", "P1")]);
    fake.dispatch("INTERACTION_CREATE", fake.command(thread, Some(GUILD), BOB, "classify", classify));
    fake.wait_calls("POST", "/callback", 1).await;
    let escalate = json!([option("reason", "a key account's fleet is down"), option("to", "S")]);
    fake.dispatch("INTERACTION_CREATE", fake.command(thread, Some(GUILD), BOB, "escalate", escalate));
    let callbacks = fake.wait_calls("POST", "/callback", 2).await;
    assert_eq!(callbacks[1].body["data"]["content"], "Asked erin to confirm S-level for T-1");

    // Erin, the screen domain's owner, gets the card in a DM; Mallory cannot press it.
    let dms = fake
        .wait_for("a DM opened to erin", |calls| {
            calls
                .iter()
                .any(|c| c.path.ends_with("/users/@me/channels") && is_id(&c.body["recipient_id"], ERIN))
        })
        .await;
    let asks_erin = |c: &fake_discord::Call| {
        c.method == "POST" && c.body["content"].as_str().is_some_and(|t| t.contains("asks to raise T-1"))
    };
    let calls = fake.wait_for("the S card to erin", |calls| calls.iter().any(asks_erin)).await;
    let erin_dm_path = calls.iter().find(|c| asks_erin(c)).map(|c| c.path.clone()).unwrap();
    assert!(dms.iter().any(|c| is_id(&c.body["recipient_id"], ERIN)));
    let card = fake.calls().into_iter().find(|c| c.path == erin_dm_path).unwrap();
    assert_eq!(card.body["components"][0]["components"][0]["custom_id"], "sconfirm:T-1");
    assert!(card.body["content"].as_str().unwrap().starts_with(&format!("<@{ERIN}> ")), "erin is pinged");

    fake.dispatch("INTERACTION_CREATE", fake.press(MALLORY_DM, None, MALLORY, "sconfirm:T-1"));
    let callbacks = fake.wait_calls("POST", "/callback", 3).await;
    assert_eq!(callbacks[2].body["data"]["flags"], 64);
    assert!(
        callbacks[2].body["data"]["content"]
            .as_str()
            .unwrap()
            .starts_with("only the owners of the screen domain")
    );

    fake.dispatch("INTERACTION_CREATE", fake.press(thread, Some(GUILD), ERIN, "sconfirm:T-1"));
    let created = fake.wait_calls("POST", &format!("/guilds/{GUILD}/channels"), 1).await;
    let body = &created[0].body;
    assert_eq!(body["name"], "war-room-t-1");
    assert_eq!(body["type"], 0);
    let overwrites = body["permission_overwrites"].as_array().unwrap();
    let overwrite = |id: u64| overwrites.iter().find(|o| is_id(&o["id"], id)).cloned();
    let everyone = overwrite(GUILD).expect("@everyone has an overwrite");
    assert_eq!(
        (everyone["type"].as_u64(), everyone["deny"].as_str()),
        (Some(0), Some("1024")),
        "@everyone may not see it"
    );
    let bot_allow: u64 =
        overwrite(fake_discord::BOT_USER).unwrap()["allow"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        bot_allow & (1 << 10 | 1 << 11 | 1 << 51),
        1 << 10 | 1 << 11 | 1 << 51,
        "the bot sees, writes, pins (Pin Messages, split from Manage Messages)"
    );
    for member in [ERIN, GRACE, BOB, FRANK] {
        let o = overwrite(member).unwrap_or_else(|| panic!("{member} is let in"));
        assert_eq!(
            (o["type"].as_u64(), o["allow"].as_str()),
            (Some(1), Some("68608")),
            "view, send, history"
        );
    }
    assert!(overwrite(ALICE).is_none() && overwrite(MALLORY).is_none(), "no customer is let in");
    let room: u64 = eventually("the war room recorded", || {
        let store = db.discord.clone();
        async move { store.discord_war_room(TicketRef(1)).await.unwrap() }
    })
    .await as u64;

    // The welcome calls the roster in; the incident card is posted and pinned.
    let pins = fake.wait_calls("PUT", &format!("/channels/{room}/messages/pins/"), 1).await;
    let posts = fake.calls_to("POST", &format!("/channels/{room}/messages"));
    assert!(
        contents(&posts)[0].contains(&format!("<@{ERIN}>"))
            && contents(&posts)[0].contains("War room for T-1")
    );
    let card_post =
        posts.iter().find(|c| c.body["content"].as_str().unwrap().starts_with("INCIDENT T-1")).unwrap();
    assert!(card_post.body["content"].as_str().unwrap().contains("Impact: a key account's fleet is down"));
    let card_id = pins[0].path.rsplit('/').next().unwrap().to_owned();

    // /timeline in the room is about its ticket; a pinned message goes on the timeline too.
    let timeline = json!([option("text", "firmware rolled back on 10 phones")]);
    fake.dispatch("INTERACTION_CREATE", fake.command(room, Some(GUILD), BOB, "timeline", timeline));
    let callbacks = fake.wait_calls("POST", "/callback", 5).await;
    assert_eq!(
        callbacks[4].body["data"]["content"],
        "On the incident timeline of T-1: firmware rolled back on 10 phones"
    );
    fake.dispatch("MESSAGE_UPDATE", fake.pinned(room, GRACE, "market informed; press statement at 14:00"));
    let store = db.store.clone();
    eventually("the pin on the timeline", || {
        let store = store.clone();
        async move {
            let timeline = store.timeline(TicketRef(1)).await.unwrap();
            timeline.iter().any(|e| {
                e.actor == "grace"
                    && matches!(&e.kind, EventKind::TimelineEntry { text, .. } if text.starts_with("market informed"))
            })
            .then_some(())
        }
    })
    .await;

    // Resolving edits the pinned card in place; the customer's card has the rating buttons.
    let resolve = json!([option("resolution", "firmware 2.1.5 restores the screens")]);
    fake.dispatch("INTERACTION_CREATE", fake.command(room, Some(GUILD), BOB, "resolve", resolve));
    let edits = fake.wait_calls("PATCH", &format!("/channels/{room}/messages/{card_id}"), 1).await;
    assert!(edits[0].body["content"].as_str().unwrap().contains("Status: resolved"));
    assert_eq!(fake.calls_to("PUT", "/messages/pins/").len(), 1, "the card is pinned once");
    fake.wait_for("the resolution card", |calls| {
        calls.iter().any(|c| {
            c.path.ends_with(&format!("/channels/{ALICE_DM}/messages")) && c.body.get("components").is_some()
        })
    })
    .await;
    fake.dispatch("INTERACTION_CREATE", fake.press(ALICE_DM, None, ALICE, "rate:T-1:4"));
    fake.wait_calls("POST", "/callback", 7).await;
    fake.dispatch("INTERACTION_CREATE", fake.press(ALICE_DM, None, ALICE, "confirm:T-1"));
    let callbacks = fake.wait_calls("POST", "/callback", 8).await;
    assert_eq!(callbacks[7].body["data"]["content"], "Thank you. T-1 is closed.");

    // The room asks for the report: its button opens a modal, whose answers file it and archive the room.
    let before = posted_ids(&fake, room);
    fake.dispatch("INTERACTION_CREATE", fake.press(room, Some(GUILD), BOB, "report:T-1"));
    let callbacks = fake.wait_calls("POST", "/callback", 9).await;
    assert_eq!(callbacks[8].body["type"], 9, "a modal");
    assert_eq!(callbacks[8].body["data"]["custom_id"], "form:cmd:report:T-1");
    assert_eq!(callbacks[8].body["data"]["components"].as_array().unwrap().len(), 5);
    let answers = [
        ("problem", "black screens after 2.1.4"),
        ("root_cause", "a missing timing table"),
        ("containment", "2.1.4 withdrawn"),
        ("corrective", "firmware 2.1.5"),
        ("preventive", "panel rev B in the test matrix"),
    ];
    fake.dispatch("INTERACTION_CREATE", fake.form(room, Some(GUILD), BOB, "form:cmd:report:T-1", &answers));
    let room_path = format!("/api/v10/channels/{room}");
    let calls = fake
        .wait_for("the room archived", |calls| {
            calls.iter().any(|c| c.method == "PATCH" && c.path == room_path)
        })
        .await;
    let archived = calls.iter().find(|c| c.method == "PATCH" && c.path == room_path).unwrap();
    assert_eq!(archived.body["name"], "archived-war-room-t-1");
    let locked = archived.body["permission_overwrites"].as_array().unwrap();
    let grace = locked.iter().find(|o| is_id(&o["id"], GRACE)).unwrap();
    assert_eq!(grace["deny"], "2048", "the roster may no longer write");
    assert!(posted_ids(&fake, room) > before);
    let room_row = db.store.war_room(TicketRef(1)).await.unwrap().unwrap();
    assert_eq!(room_row.report.unwrap().root_cause, "a missing timing table");
    let t = db.store.ticket(TicketRef(1)).await.unwrap().unwrap();
    assert_eq!((t.status, t.close_reason), (Status::Closed, Some(resolvd::domain::CloseReason::Confirmed)));

    // It comes back: reopening the ticket opens the room again, unlocked and under its name.
    let reopen = json!([option("ticket", "T-1"), option("reason", "black screens again on rev C")]);
    fake.dispatch("INTERACTION_CREATE", fake.command(thread, Some(GUILD), BOB, "reopen", reopen));
    let calls = fake
        .wait_for("the room reopened", |calls| {
            calls.iter().filter(|c| c.method == "PATCH" && c.path == room_path).count() == 2
        })
        .await;
    let reopened = calls.iter().filter(|c| c.method == "PATCH" && c.path == room_path).nth(1).unwrap();
    assert_eq!(reopened.body["name"], "war-room-t-1");
    let open = reopened.body["permission_overwrites"].as_array().unwrap();
    let grace = open.iter().find(|o| is_id(&o["id"], GRACE)).unwrap();
    assert_eq!(grace["deny"], "0", "the roster may write again");
    let room_row = db.store.war_room(TicketRef(1)).await.unwrap().unwrap();
    assert!(!room_row.is_archived());
    bot.stop().await;
}

async fn a_card_whose_pin_failed_is_pinned_on_the_retry_and_posted_once(db: &TestDb) {
    let fake = FakeDiscord::start().await;
    let bot = Running::start(db, &fake, 1, &[]).await;
    let thread = alice_opens_a_ticket(db, &fake, "every phone in our fleet is dead").await;
    fake.plan("PUT", "/messages/pins/", 500, json!({ "message": "try again" }));
    let classify = json!([option("domain", "screen"), option("severity", "P1")]);
    fake.dispatch("INTERACTION_CREATE", fake.command(thread, Some(GUILD), BOB, "classify", classify));
    fake.wait_calls("POST", "/callback", 1).await;
    let escalate = json!([option("reason", "fleet down"), option("to", "S")]);
    fake.dispatch("INTERACTION_CREATE", fake.command(thread, Some(GUILD), BOB, "escalate", escalate));
    fake.wait_calls("POST", "/callback", 2).await;
    fake.dispatch("INTERACTION_CREATE", fake.press(thread, Some(GUILD), ERIN, "sconfirm:T-1"));

    let pins = fake.wait_calls("PUT", "/messages/pins/", 2).await;
    assert_eq!(pins[0].path, pins[1].path, "the same message is pinned again");
    let room = db.discord.discord_war_room(TicketRef(1)).await.unwrap().unwrap() as u64;
    let cards: Vec<String> = contents(&fake.calls_to("POST", &format!("/channels/{room}/messages")))
        .into_iter()
        .filter(|c| c.starts_with("INCIDENT T-1"))
        .collect();
    assert_eq!(cards.len(), 1, "the card is not posted twice");
    bot.stop().await;
}

const OPS: u64 = 800_000_000_000_000_009;

/// Waits up to `seconds` for the fake to have recorded a call that `done` finds.
async fn within(fake: &FakeDiscord, seconds: u64, what: &str, done: impl Fn(&fake_discord::Call) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while !fake.calls_to("POST", "/messages").iter().any(&done) {
        assert!(Instant::now() < deadline, "timed out after {seconds} s waiting for {what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// `resolvd run` on the fake Discord with a policy of minutes and no `jobs run-once`: the L1 OLA
/// escalates the ticket, an unanswered resolution card is auto-confirmed, and the digest reaches the
/// ops channel, all from the scheduler the binary runs.
async fn the_binary_on_discord_runs_the_jobs_by_itself(db: &TestDb) {
    let fake = FakeDiscord::start().await;
    let dir = common::config_copy();
    let sla = dir.path().join("config/sla.toml");
    let policy = std::fs::read_to_string(&sla)
        .unwrap()
        .replacen(r#"P1 = { response = "1h", resolution = "24h" }"#, r#"P1 = { response = "1m", resolution = "2m" }"#, 1)
        .replace(
            "[severities.P1]\nresponse_calendar = \"business_hours\"\nresolution_calendar = \"working_days\"",
            "[severities.P1]\nresponse_calendar = \"round_the_clock\"\nresolution_calendar = \"round_the_clock\"",
        );
    assert!(
        policy.contains(r#"P1 = { response = "1m""#)
            && policy.contains("[severities.P1]\nresponse_calendar = \"round_the_clock\"")
    );
    std::fs::write(&sla, policy).unwrap();
    // The digest goes out half a minute from now.
    let digest_at = (chrono::Utc::now() + chrono::Duration::seconds(30)).format("%H:%M:%S").to_string();
    let data = tempfile::tempdir().unwrap();
    let users = format!(r#"{{ "{ALICE}" = "alice", "{BOB}" = "bob" }}"#);
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_resolvd"))
        .current_dir(repo_path(""))
        .env("RESOLVD_DATABASE_URL", &db.url)
        .env("DISCORD_TOKEN", "fake-token")
        .env("RESOLVD_DISCORD__API_BASE", &fake.api_base)
        .env("RESOLVD_DISCORD__GUILDS", format!("[{GUILD}]"))
        .env("RESOLVD_DISCORD__STAFF_CHANNEL", STAFF.to_string())
        .env("RESOLVD_DISCORD__USERS", users)
        .env("RESOLVD_WEB__LISTEN", "")
        .env("RESOLVD_SCHEDULER__TICK_SECONDS", "1")
        .env("RESOLVD_CONFIRMATION__REMIND_AFTER_MINUTES", "1")
        .env("RESOLVD_CONFIRMATION__AUTO_CONFIRM_AFTER_MINUTES", "2")
        .env("RESOLVD_OPS__TIME_ZONE", "UTC")
        .env("RESOLVD_OPS__DIGEST_AT", &digest_at)
        .env("RESOLVD_OPS__CONVERSATION", format!("channel:{OPS}"))
        .arg("--config")
        .arg(dir.path().join("config"))
        .arg("--data-dir")
        .arg(data.path())
        .arg("run")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let _process = Process(child);
    fake.wait_ready(1).await;

    // T-1, screen P1 with bob (L1): its L1 OLA is a fifth of two minutes.
    let thread = alice_opens_a_ticket(db, &fake, "my screen flickers").await;
    fake.dispatch(
        "INTERACTION_CREATE",
        fake.command(
            thread,
            Some(GUILD),
            BOB,
            "classify",
            json!([option("domain", "screen"), option("severity", "P1")]),
        ),
    );
    let staff_thread = format!("/channels/{thread}/messages");
    within(&fake, 90, "the L1 OLA escalation in the staff thread", |c| {
        c.path.ends_with(&staff_thread)
            && c.body["content"].as_str().unwrap_or("").contains("The L1 OLA ran out: escalated to L2")
    })
    .await;
    assert_eq!(db.store.ticket(TicketRef(1)).await.unwrap().unwrap().tier, resolvd::domain::Tier::L2);

    within(&fake, 60, "the daily digest in the ops channel", |c| {
        c.path.ends_with(&format!("/channels/{OPS}/messages"))
            && c.body["content"].as_str().unwrap_or("").starts_with("Daily digest for")
    })
    .await;

    // Resolved, and nobody answers the card: reminded after a minute, closed after two.
    fake.dispatch(
        "INTERACTION_CREATE",
        fake.command(
            thread,
            Some(GUILD),
            BOB,
            "resolve",
            json!([option("resolution", "display driver 2.1.5")]),
        ),
    );
    let dm = format!("/channels/{ALICE_DM}/messages");
    within(&fake, 200, "the auto-confirmation goodbye in alice's DM", |c| {
        c.path.ends_with(&dm)
            && c.body["content"]
                .as_str()
                .unwrap_or("")
                .contains("We closed T-1 as we have not heard from you")
    })
    .await;
    let ticket = db.store.ticket(TicketRef(1)).await.unwrap().unwrap();
    assert_eq!(
        (ticket.status, ticket.close_reason),
        (Status::Closed, Some(resolvd::domain::CloseReason::AutoConfirmed))
    );
}

/// `resolvd …` beside the running bot, on its database; returns whether it succeeded and what it
/// printed. Off the runtime's threads: the fake Discord must go on answering meanwhile.
async fn operator(db: &TestDb, data_dir: &std::path::Path, args: &[&str]) -> (bool, String) {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_resolvd"));
    command
        .current_dir(repo_path(""))
        .env("RESOLVD_DATABASE_URL", &db.url)
        .env("RESOLVD_WEB__LISTEN", "")
        .arg("--data-dir")
        .arg(data_dir)
        .args(args);
    let output = tokio::task::spawn_blocking(move || command.output().unwrap()).await.unwrap();
    let text =
        String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), text)
}

async fn a_post_discord_refuses_is_a_dead_letter_the_operator_lists_and_resends(db: &TestDb) {
    let fake = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let _process = spawn_binary(db, &fake, data.path());
    fake.wait_ready(1).await;
    // Alice accepts no DMs from the bot for now: Discord refuses, for good.
    fake.plan(
        "POST",
        &format!("/channels/{ALICE_DM}/messages"),
        403,
        json!({ "code": 50007, "message": "Cannot send messages to this user" }),
    );
    alice_opens_a_ticket(db, &fake, "my screen flickers").await;
    fake.wait_calls("POST", &format!("/channels/{ALICE_DM}/messages"), 1).await;

    let dead = eventually("the acknowledgement as a dead letter", || async {
        let (ok, out) = operator(db, data.path(), &["outbox", "list", "--dead", "--json"]).await;
        assert!(ok, "{out}");
        let dead: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
        (!dead.is_empty()).then_some(dead)
    })
    .await;
    assert_eq!(dead.len(), 1, "{dead:?}");
    assert_eq!((dead[0]["audience"].as_str(), dead[0]["ticket"].as_str()), (Some("alice"), Some("T-1")));
    assert_eq!(dead[0]["attempts"], 1, "a 403 is not tried again");
    let error = dead[0]["last_error"].as_str().unwrap();
    assert!(error.contains("403") && error.contains("Cannot send messages"), "{error}");
    let (_, listed) = operator(db, data.path(), &["outbox", "list", "--dead"]).await;
    assert!(listed.contains("DEAD since") && listed.contains("to alice (1 attempts)"), "{listed}");
    let (ok, stats) = operator(db, data.path(), &["outbox", "stats", "--json"]).await;
    assert!(ok, "{stats}");
    let stats: serde_json::Value = serde_json::from_str(&stats).unwrap();
    assert_eq!(stats["dead_letters"], 1, "{stats}");
    let (_, said) = operator(db, data.path(), &["outbox", "stats"]).await;
    assert!(said.contains("; 1 dead letter"), "{said}");
    let refused = fake.calls_to("POST", &format!("/channels/{ALICE_DM}/messages"))[0].body["content"].clone();
    let tries =
        |calls: Vec<fake_discord::Call>| calls.iter().filter(|c| c.body["content"] == refused).count();
    assert_eq!(
        tries(fake.calls_to("POST", &format!("/channels/{ALICE_DM}/messages"))),
        1,
        "never retried alone"
    );

    // She opened her DMs; the operator resends.
    let (ok, out) = operator(db, data.path(), &["outbox", "retry", "--all"]).await;
    assert!(ok && out.contains("1 dead letters are sent again"), "{out}");
    fake.wait_for("the refused post sent again", |_| {
        tries(fake.calls_to("POST", &format!("/channels/{ALICE_DM}/messages"))) == 2
    })
    .await;
    eventually("the outbox empty of dead letters", || async {
        let (_, out) = operator(db, data.path(), &["outbox", "list", "--dead"]).await;
        out.contains("no dead letters").then_some(())
    })
    .await;
    let (ok, out) = operator(db, data.path(), &["outbox", "retry", "999999"]).await;
    assert!(!ok && out.contains("there is no unsent post #999999"), "{out}");
}

async fn a_ticket_staff_open_for_a_customer_reaches_their_dm_and_their_answer_lands_on_it(db: &TestDb) {
    let fake = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let _process = spawn_binary(db, &fake, data.path());
    fake.wait_ready(1).await;
    fake.wait_calls("PUT", &format!("/guilds/{GUILD}/commands"), 1).await;
    let options = json!([
        { "name": "customer", "type": 6, "value": ALICE.to_string() },
        option("text", "alice called: her screen flickers after the update"),
    ]);
    fake.dispatch("INTERACTION_CREATE", fake.command(STAFF, Some(GUILD), BOB, "ticket", options));
    let callbacks = fake.wait_calls("POST", "/callback", 1).await;
    assert!(callbacks[0].body["data"]["content"].as_str().unwrap().starts_with("Opened T-1 for alice"));

    let dm = eventually("the bot opening a DM with alice", || async { fake.dm_channel_of(ALICE) }).await;
    let told = fake.wait_calls("POST", &format!("/channels/{dm}/messages"), 1).await;
    assert!(told[0].body["content"].as_str().unwrap().contains("T-1"), "{}", told[0].body);

    fake.dispatch("MESSAGE_CREATE", fake.message(dm, None, ALICE, "yes, since this morning"));
    let show = eventually("alice's answer on T-1", || async {
        let (ok, out) = operator(db, data.path(), &["ticket", "show", "T-1", "--json"]).await;
        assert!(ok, "{out}");
        let view: serde_json::Value = serde_json::from_str(&out).unwrap();
        let text = view["events"].to_string();
        text.contains("yes, since this morning").then_some(view)
    })
    .await;
    assert_eq!(show["conversation"], format!("dm:{dm}"), "her DM is the ticket's conversation now");
    let (_, list) = operator(db, data.path(), &["ticket", "list", "--json"]).await;
    let tickets: Vec<serde_json::Value> = serde_json::from_str(&list).unwrap();
    assert_eq!(tickets.len(), 1, "no second ticket: {list}");
}

/// A customer with two open tickets in one DM replies (Discord's reply) to the bot's post about
/// the older one: the message lands there, not on the most recently active one.
async fn a_reply_to_the_bots_post_about_a_ticket_lands_on_that_ticket(db: &TestDb) {
    let fake = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let _process = spawn_binary(db, &fake, data.path());
    fake.wait_ready(1).await;
    fake.wait_calls("PUT", &format!("/guilds/{GUILD}/commands"), 1).await;
    let open_for_alice = |text: &str| {
        let options =
            json!([{ "name": "customer", "type": 6, "value": ALICE.to_string() }, option("text", text)]);
        fake.dispatch("INTERACTION_CREATE", fake.command(STAFF, Some(GUILD), BOB, "ticket", options));
    };
    open_for_alice("alice called: the battery drains overnight");
    let dm = eventually("the bot opening a DM with alice", || async { fake.dm_channel_of(ALICE) }).await;
    fake.wait_calls("POST", &format!("/channels/{dm}/messages"), 1).await;
    fake.dispatch("MESSAGE_CREATE", fake.message(dm, None, ALICE, "yes, every night since Monday"));
    eventually("alice's answer on T-1", || async {
        let (_, out) = operator(db, data.path(), &["ticket", "show", "T-1", "--json"]).await;
        out.contains("every night since Monday").then_some(())
    })
    .await;
    open_for_alice("alice called again: the screen flickers too");
    let about_t2 = eventually("the bot's post to alice about T-2", || async {
        fake.history_of(dm)
            .into_iter()
            .find(|m| m["author"]["bot"] == true && m["content"].as_str().is_some_and(|c| c.contains("T-2")))
    })
    .await;
    let about_t2: u64 = about_t2["id"].as_str().unwrap().parse().unwrap();
    let memory = db.discord.clone();
    eventually("the bot remembering its post about T-2", || {
        let memory = memory.clone();
        async move { memory.discord_state(&format!("sent:{about_t2}")).await.unwrap() }
    })
    .await;
    // T-1 is the most recently active now: staff write to alice on it.
    let reply = json!([option("ticket", "T-1"), option("text", "Which app drains it most?")]);
    fake.dispatch("INTERACTION_CREATE", fake.command(STAFF, Some(GUILD), BOB, "reply", reply));
    fake.wait_calls("POST", "/callback", 3).await;

    let mut answer = fake.message(dm, None, ALICE, "only below half brightness");
    answer["message_reference"] = json!({ "message_id": about_t2.to_string(), "channel_id": dm.to_string() });
    answer["type"] = json!(19);
    fake.dispatch("MESSAGE_CREATE", answer);
    let t2 = eventually("the reply on T-2", || async {
        let (ok, out) = operator(db, data.path(), &["ticket", "show", "T-2", "--json"]).await;
        assert!(ok, "{out}");
        let view: serde_json::Value = serde_json::from_str(&out).unwrap();
        view["events"].to_string().contains("only below half brightness").then_some(view)
    })
    .await;
    assert_eq!(t2["conversation"], format!("dm:{dm}"));
    let (_, t1) = operator(db, data.path(), &["ticket", "show", "T-1", "--json"]).await;
    assert!(!t1.contains("only below half brightness"), "{t1}");
    assert!(t1.contains("every night since Monday"), "{t1}");
}

async fn a_photo_alone_in_a_dm_opens_a_ticket_with_the_file_linked_for_staff(db: &TestDb) {
    let fake = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let _process = spawn_binary(db, &fake, data.path());
    fake.wait_ready(1).await;
    let mut photo = fake.message(ALICE_DM, None, ALICE, "");
    let url = format!("https://cdn.discordapp.com/attachments/{ALICE_DM}/1/IMG_0042.jpg");
    photo["attachments"] = json!([{
        "id": fake.new_id().to_string(),
        "filename": "IMG_0042.jpg",
        "size": 1_572_864,
        "url": url,
        "proxy_url": url,
        "content_type": "image/jpeg",
        "width": 3024,
        "height": 4032,
    }]);
    fake.dispatch("MESSAGE_CREATE", photo);
    let thread = eventually("the staff thread of T-1", || {
        let store = db.discord.clone();
        async move { store.discord_staff_thread(TicketRef(1)).await.unwrap() }
    })
    .await;
    let posts = fake.wait_calls("POST", &format!("/channels/{thread}/messages"), 1).await;
    let notice = posts[0].body["content"].as_str().unwrap();
    assert!(notice.contains(&format!("📎 IMG_0042.jpg (image/jpeg, 1.5 MB): {url}")), "{notice}");
    let acknowledged = fake.wait_calls("POST", &format!("/channels/{ALICE_DM}/messages"), 1).await;
    assert!(acknowledged[0].body["content"].as_str().unwrap().contains("T-1"));

    let (ok, out) = operator(db, data.path(), &["ticket", "show", "T-1", "--json"]).await;
    assert!(ok, "{out}");
    let view: serde_json::Value = serde_json::from_str(&out).unwrap();
    let file = &view["events"][0]["attachments"][0];
    assert_eq!((file["filename"].as_str(), file["size"].as_u64()), (Some("IMG_0042.jpg"), Some(1_572_864)));
    assert_eq!(file["url"], url.as_str());
}

async fn operators_commands_work_beside_the_running_bot(db: &TestDb) {
    let fake = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let _process = spawn_binary(db, &fake, data.path());
    fake.wait_ready(1).await;
    alice_opens_a_ticket(db, &fake, "my screen flickers").await;

    let (ok, out) = operator(db, data.path(), &["ticket", "show", "T-1"]).await;
    assert!(ok && out.contains("T-1"), "{out}");
    let (ok, out) = operator(db, data.path(), &["ticket", "list"]).await;
    assert!(ok && out.lines().count() == 1, "{out}");
    let (ok, out) = operator(db, data.path(), &["kb", "search", "screen flicker", "--json"]).await;
    assert!(ok, "the bot holds the writer; a search only reads: {out}");
    assert!(!serde_json::from_str::<Vec<serde_json::Value>>(&out).unwrap().is_empty(), "{out}");
    let (ok, out) = operator(db, data.path(), &["check"]).await;
    assert!(ok && out.contains("config is valid"), "{out}");
    let (ok, out) = operator(db, data.path(), &["jobs", "run-once"]).await;
    assert!(ok && out.contains("sla_sweep"), "{out}");

    let ahead = (chrono::Utc::now() + chrono::Duration::hours(2)).to_rfc3339();
    let (ok, out) = operator(db, data.path(), &["jobs", "run-once", "--now", &ahead]).await;
    assert!(!ok && out.contains("ahead of the clock") && out.contains("--force"), "{out}");
    let (ok, out) = operator(db, data.path(), &["kb", "reindex"]).await;
    assert!(!ok && out.contains("being written by another resolvd process"), "{out}");

    // The bot still serves.
    fake.dispatch("MESSAGE_CREATE", fake.message(ALICE_DM, None, ALICE, "any news?"));
    let thread = db.discord.discord_staff_thread(TicketRef(1)).await.unwrap().unwrap();
    fake.wait_calls("POST", &format!("/channels/{thread}/messages"), 2).await;
}

/// The small version of `cargo bench --bench crash_soak` (500 messages).
async fn a_bot_killed_mid_burst_loses_and_doubles_no_message_after_a_restart(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    let repo = repo_path("");
    let scenario = fake_discord::crash::Scenario {
        binary: env!("CARGO_BIN_EXE_resolvd"),
        repo,
        database_url: db.url.clone(),
        store: db.store.clone(),
        data_dir: data.path(),
        customers: 4,
        messages: 40,
        burst: 8,
        kill_after: 20,
        settle: Duration::from_secs(30),
    };
    let report = fake_discord::crash::run(&scenario).await;
    assert!(report.dispatched_before_kill == 20 && report.written_while_down == 20, "{report:?}");
    assert_eq!((report.missing, report.duplicates), (0, 0), "{report:?}");
    assert_eq!(report.on_a_ticket, report.written, "every message on a ticket: {report:?}");
}

async fn http_get(url: String, bearer: Option<String>) -> (u16, String) {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let mut request = client.get(url);
    if let Some(token) = bearer {
        request = request.bearer_auth(token);
    }
    match request.send().await {
        Ok(response) => (response.status().as_u16(), response.text().await.unwrap_or_default()),
        Err(e) => (0, e.to_string()),
    }
}

async fn the_binary_on_discord_serves_the_cockpit_ready_once_connected(db: &TestDb) {
    let fake = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let _process = spawn_binary_serving(db, &fake, data.path(), &format!("127.0.0.1:{port}"));
    fake.wait_ready(1).await;
    // Ready once the database is migrated and the gateway connected.
    let deadline = Instant::now() + Duration::from_secs(20);
    let ready = loop {
        let (status, body) = http_get(format!("{base}/readyz"), None).await;
        if status == 200 || Instant::now() > deadline {
            break (status, body);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(ready, (200, "ready\n".to_owned()));

    let (created, token) = operator(db, data.path(), &["token", "create", "--person", "frank"]).await;
    assert!(created, "{token}");
    let token = token.lines().next().unwrap().trim().to_owned();
    let (status, metrics) = http_get(format!("{base}/metrics"), Some(token)).await;
    assert_eq!(status, 200);
    assert!(metrics.contains("resolvd_gateway_connected 1"), "{metrics}");

    // /dashboard answers the manager alone, with a link to this server that signs in once.
    fake.dispatch("INTERACTION_CREATE", fake.command(STAFF, Some(GUILD), FRANK, "dashboard", json!([])));
    let callbacks = fake.wait_calls("POST", "/callback", 1).await;
    let data_of = &callbacks[0].body["data"];
    assert_eq!(data_of["flags"], 64, "ephemeral: {data_of}");
    let content = data_of["content"].as_str().unwrap();
    let link =
        content.split_whitespace().find(|w| w.starts_with(&format!("{base}/login?t="))).expect(content);
    assert_eq!(http_get(link.to_owned(), None).await.0, 303);
    assert_eq!(http_get(link.to_owned(), None).await.0, 401, "once");
    fake.dispatch("INTERACTION_CREATE", fake.command(ALICE_DM, None, ALICE, "dashboard", json!([])));
    let callbacks = fake.wait_calls("POST", "/callback", 2).await;
    assert!(
        !callbacks[1].body["data"]["content"].as_str().unwrap().contains("/login"),
        "customers get no link"
    );

    // /stats answers with the indicators as text and the daily inflow as a PNG upload.
    let range = json!([option("range", "7d")]);
    fake.dispatch("INTERACTION_CREATE", fake.command(STAFF, Some(GUILD), FRANK, "stats", range));
    let callbacks = fake.wait_calls("POST", "/callback", 3).await;
    let stats = &callbacks[2];
    assert!(stats.body["data"]["content"].as_str().unwrap().contains("1. Inflow:"), "{}", stats.body);
    assert_eq!(stats.body["data"]["attachments"][0]["filename"], "chart.png");
    assert_eq!(stats.files.len(), 1, "one file uploaded");
    assert_eq!(stats.files[0].0, "chart.png");
    assert!(stats.files[0].1.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
}

async fn two_instances_split_the_shards_and_each_event_is_handled_once(db: &TestDb) {
    let fake = FakeDiscord::start().await;
    let (first_data, second_data) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let _first = spawn_binary_sharded(db, &fake, first_data.path(), "0/2");
    fake.wait_ready(1).await;
    let _second = spawn_binary_sharded(db, &fake, second_data.path(), "1/2");
    fake.wait_ready(2).await;
    let mut identified = fake.identified();
    identified.sort();
    assert_eq!(identified, vec![(0, 2), (1, 2)], "each instance identifies with its own shard only");

    // A DM (shard 0), and a message in each server's intake channel: one per shard.
    let shard_of = |guild| resolvd::config::ShardRange::shard_of(Some(guild), 2);
    let (home, other) = (shard_of(GUILD), shard_of(OTHER_GUILD));
    assert_ne!(home, other, "the two servers are on different shards");
    fake.dispatch("MESSAGE_CREATE", fake.message(ALICE_DM, None, ALICE, "my screen flickers"));
    fake.dispatch("MESSAGE_CREATE", fake.message(INTAKE, Some(GUILD), HEIDI, "no signal at all"));
    fake.dispatch(
        "MESSAGE_CREATE",
        fake.message(OTHER_INTAKE, Some(OTHER_GUILD), GRACE, "the antenna broke"),
    );
    let routed: Vec<u32> = fake.routed().iter().map(|(_, shard)| *shard).collect();
    assert_eq!(routed, vec![0, home, other]);

    let store = db.store.clone();
    let tickets = eventually("three tickets", || {
        let store = store.clone();
        async move {
            let all = store.tickets(None).await.unwrap();
            (all.len() >= 3).then_some(all)
        }
    })
    .await;
    let mut customers: Vec<String> = tickets.iter().map(|t| t.customer.clone()).collect();
    customers.sort();
    assert_eq!(customers, vec!["alice".to_owned(), format!("discord:{GRACE}"), format!("discord:{HEIDI}")]);
    // Each message was taken in by one instance: one staff thread per ticket, one acknowledgement each.
    fake.wait_calls("POST", &format!("/channels/{STAFF}/threads"), 3).await;
    fake.wait_calls("POST", &format!("/channels/{ALICE_DM}/messages"), 1).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(fake.calls_to("POST", &format!("/channels/{STAFF}/threads")).len(), 3, "no ticket twice");
    let to_alice = contents(&fake.calls_to("POST", &format!("/channels/{ALICE_DM}/messages")));
    assert_eq!(to_alice.iter().filter(|c| c.contains("we opened")).count(), 1, "no post twice: {to_alice:?}");
    assert_eq!(store.tickets(None).await.unwrap().len(), 3);
}

/// Queues `per_channel` posts to each of `channels` channels (as `channel:<id>` conversations),
/// numbered in order; returns the channel ids.
pub async fn queue_posts(db: &TestDb, channels: u64, per_channel: usize) -> Vec<u64> {
    let ids: Vec<u64> = (0..channels).map(|n| 810_000_000_000_000_000 + n).collect();
    let mut tx = db.store.begin().await.unwrap();
    for n in 0..per_channel {
        for channel in &ids {
            let audience =
                resolvd::domain::Audience::Conversation { conversation: format!("channel:{channel}") };
            let post = resolvd::domain::Post::new(audience, None, format!("post {n}"));
            tx.enqueue_post(&post, chrono::Utc::now()).await.unwrap();
        }
    }
    tx.commit().await.unwrap();
    ids
}

async fn the_outbox_sends_channels_side_by_side_in_order_within_discords_limits(db: &TestDb) {
    let fake = FakeDiscord::start().await;
    // Discord's global limit, and channel buckets scaled down so the test is quick: 30 channels
    // could take 90 posts a second, the global limit allows 50. The binary must keep both.
    fake.enforce_limits(fake_discord::Limits {
        global_per_second: 50,
        per_channel: 3,
        window: Duration::from_secs(1),
    });
    let channels = queue_posts(db, 30, 5).await;
    let data = tempfile::tempdir().unwrap();
    let _process = spawn_binary(db, &fake, data.path());
    let posts = fake
        .wait_for("150 posts", |calls| {
            calls.iter().filter(|c| c.method == "POST" && c.path.contains("/channels/81")).count() >= 150
        })
        .await;
    let posts: Vec<&fake_discord::Call> =
        posts.iter().filter(|c| c.method == "POST" && c.path.contains("/channels/81")).collect();
    assert_eq!(fake.rate_limited().len(), 0, "no request was refused: the limits were kept before sending");
    for channel in &channels {
        let said: Vec<&str> = posts
            .iter()
            .filter(|c| c.path.contains(&format!("/channels/{channel}/")))
            .map(|c| c.body["content"].as_str().unwrap())
            .collect();
        let expected: Vec<String> = (0..5).map(|n| format!("post {n}")).collect();
        assert_eq!(said, expected, "each channel's posts in order, each once");
    }
    // Side by side: the first posts go to several channels, not all of one channel first.
    let first: std::collections::BTreeSet<&str> = posts[..6].iter().map(|c| c.path.as_str()).collect();
    assert!(first.len() > 1, "{first:?}");
    // Every post is marked sent.
    let store = db.store.clone();
    eventually("the outbox drained", || {
        let store = store.clone();
        async move { (store.unsent_post_count().await.unwrap() == 0).then_some(()) }
    })
    .await;
}

/// `/kb edit` without its text opens a modal asking for the title and the text; the filled-in
/// modal edits the draft, which `/kb publish` then publishes as edited.
async fn a_draft_is_edited_in_a_modal_then_published_with_its_text(db: &TestDb) {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let articles = dir.path().join("kb");
    common::copy_dir(&repo_path("config/kb"), &articles);
    let kb = resolvd::kb::KnowledgeBase::open(&articles, &dir.path().join("index")).unwrap();
    let engine =
        Engine::new(db.store.clone(), Arc::new(config(&fake, &[]))).with_knowledge_base(Arc::new(kb));
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(resolvd::chat::discord::serve(Arc::new(engine), db.discord.clone(), async {
        let _ = stopped.await;
    }));
    fake.wait_ready(1).await;
    let bot = Running { stop: Some(stop), task };
    let thread = alice_opens_a_ticket(db, &fake, "my fingerprint sensor stopped after the lake").await;

    let classify = json!([option("domain", "id"), option("kind", "fault")]);
    fake.dispatch("INTERACTION_CREATE", fake.command(thread, Some(GUILD), BOB, "classify", classify));
    fake.wait_calls("POST", "/callback", 1).await;
    let resolve = json!([option("resolution", "Dried the sensor and re-enrolled the fingerprints")]);
    fake.dispatch("INTERACTION_CREATE", fake.command(thread, Some(GUILD), BOB, "resolve", resolve));
    fake.wait_calls("POST", "/callback", 2).await;
    let add = json!([{ "name": "add", "type": 1, "options": [] }]);
    fake.dispatch("INTERACTION_CREATE", fake.command(thread, Some(GUILD), BOB, "kb", add));
    let callbacks = fake.wait_calls("POST", "/callback", 3).await;
    assert!(callbacks[2].body["data"]["content"].as_str().unwrap().starts_with("Drafted ticket-t-1"));

    let edit = json!([{ "name": "edit", "type": 1, "options": [option("draft", "ticket-t-1")] }]);
    fake.dispatch("INTERACTION_CREATE", fake.command(thread, Some(GUILD), BOB, "kb", edit));
    let callbacks = fake.wait_calls("POST", "/callback", 4).await;
    assert_eq!(callbacks[3].body["type"], 9, "a modal: {:#}", callbacks[3].body);
    assert_eq!(callbacks[3].body["data"]["custom_id"], "form:cmd:kb edit:T-1");
    let inputs: Vec<&Value> = callbacks[3].body["data"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| &row["components"][0])
        .collect();
    assert_eq!(
        inputs.iter().map(|i| i["custom_id"].as_str().unwrap()).collect::<Vec<_>>(),
        ["title", "text"]
    );
    assert_eq!(inputs[1]["style"], 2, "the text is a paragraph");

    let answers = [
        ("title", "Fingerprint sensor fails after water"),
        ("text", "Let the phone dry for a day, then delete and enrol your fingerprints again."),
    ];
    fake.dispatch(
        "INTERACTION_CREATE",
        fake.form(thread, Some(GUILD), BOB, "form:cmd:kb edit:T-1", &answers),
    );
    let callbacks = fake.wait_calls("POST", "/callback", 5).await;
    assert!(
        callbacks[4].body["data"]["content"].as_str().unwrap().starts_with("Edited ticket-t-1:"),
        "{:#}",
        callbacks[4].body
    );
    let publish = json!([{ "name": "publish", "type": 1, "options": [option("article", "ticket-t-1")] }]);
    fake.dispatch("INTERACTION_CREATE", fake.command(thread, Some(GUILD), BOB, "kb", publish));
    let callbacks = fake.wait_calls("POST", "/callback", 6).await;
    assert_eq!(callbacks[5].body["data"]["content"], "Published ticket-t-1: searchable now");
    // The article is a row of the shared knowledge base, not a file.
    assert!(!articles.join("ticket-t-1.md").exists());
    let row = db.store.kb_document(resolvd::store::kb::KbDocKind::Article, "ticket-t-1").await.unwrap();
    let file = row.expect("the published article").body;
    assert!(file.contains("title = \"Fingerprint sensor fails after water\""), "{file}");
    assert!(file.contains("delete and enrol your fingerprints again"), "{file}");
    assert!(!file.contains("after the lake"), "the customer's words stay out: {file}");
    bot.stop().await;
}

/// Two instances running the same shard both receive every event (issue 12, point 2): the
/// database keeps each message once, on one ticket per customer, with one acknowledgement each.
async fn two_instances_given_every_event_open_one_ticket_per_customer(db: &TestDb) {
    const CUSTOMERS: u64 = 8;
    const MESSAGES: usize = 3;
    let fake = FakeDiscord::start().await;
    let (first_data, second_data) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let _first = spawn_binary_sharded(db, &fake, first_data.path(), "0/1");
    fake.wait_ready(1).await;
    let _second = spawn_binary_sharded(db, &fake, second_data.path(), "0/1");
    fake.wait_ready(2).await;
    assert_eq!(fake.identified(), vec![(0, 1), (0, 1)], "both instances run shard 0");

    let dm = |n: u64| 600_000_000_000_001_000 + n;
    let user = |n: u64| 700_000_000_000_001_000 + n;
    for m in 0..MESSAGES {
        for n in 0..CUSTOMERS {
            fake.dispatch(
                "MESSAGE_CREATE",
                fake.message(dm(n), None, user(n), &format!("my screen flickers ({m})")),
            );
        }
    }
    let store = db.store.clone();
    let tickets = eventually("every message on a ticket", || {
        let store = store.clone();
        async move {
            let tickets = store.tickets(None).await.unwrap();
            let mut held = 0;
            for ticket in &tickets {
                held += store.messages_of(ticket.reference).await.unwrap().len();
            }
            (held >= CUSTOMERS as usize * MESSAGES).then_some(tickets)
        }
    })
    .await;
    let mut customers: Vec<String> = tickets.iter().map(|t| t.customer.clone()).collect();
    customers.sort();
    let expected: Vec<String> = (0..CUSTOMERS).map(|n| format!("discord:{}", user(n))).collect();
    assert_eq!(customers, expected, "one ticket per customer");
    for ticket in &tickets {
        let messages = store.messages_of(ticket.reference).await.unwrap();
        assert_eq!(
            messages.len(),
            MESSAGES,
            "{} holds each of its customer's messages once",
            ticket.reference
        );
    }
    for n in 0..CUSTOMERS {
        let path = format!("/channels/{}/messages", dm(n));
        fake.wait_for("the acknowledgement", |calls| {
            contents(
                &calls
                    .iter()
                    .filter(|c| c.method == "POST" && c.path.contains(&path))
                    .cloned()
                    .collect::<Vec<_>>(),
            )
            .iter()
            .any(|c| c.contains("we opened"))
        })
        .await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    for n in 0..CUSTOMERS {
        let to_them = contents(&fake.calls_to("POST", &format!("/channels/{}/messages", dm(n))));
        assert_eq!(
            to_them.iter().filter(|c| c.contains("we opened")).count(),
            1,
            "one acknowledgement: {to_them:?}"
        );
    }
    assert_eq!(store.tickets(None).await.unwrap().len(), CUSTOMERS as usize);
}

/// Catch-up after a restart reads the DM of a ticket still open, and not that of a ticket closed
/// longer ago than `catch_up_closed_days` (issue 12, point 5).
async fn catch_up_reads_the_channels_of_open_tickets_not_those_closed_long_ago(db: &TestDb) {
    let fake = FakeDiscord::start().await;
    let bot = Running::start(db, &fake, 1, &[]).await;
    alice_opens_a_ticket(db, &fake, "my screen flickers").await;
    fake.dispatch("MESSAGE_CREATE", fake.message(MALLORY_DM, None, MALLORY, "no signal at all"));
    let store = db.store.clone();
    let mallorys = eventually("Mallory's ticket", || {
        let store = store.clone();
        async move { store.tickets(None).await.unwrap().into_iter().find(|t| t.customer == "mallory") }
    })
    .await;
    bot.stop().await;
    // Mallory's ticket was closed a month ago.
    let mut tx = db.store.begin().await.unwrap();
    let mut closed = tx.ticket_for_update(mallorys.reference).await.unwrap().unwrap();
    closed.close(resolvd::domain::CloseReason::ClosedByStaff).unwrap();
    closed.updated_at = chrono::Utc::now() - chrono::Duration::days(30);
    tx.update_ticket(&closed).await.unwrap();
    tx.commit().await.unwrap();

    fake.add_history(&fake_discord::message_json(
        fake.new_id(),
        ALICE_DM,
        ALICE,
        false,
        "it happens at night",
    ));
    fake.add_history(&fake_discord::message_json(fake.new_id(), MALLORY_DM, MALLORY, false, "thanks again"));
    let bot = Running::start(db, &fake, 2, &[("RESOLVD_DISCORD__CATCH_UP_CLOSED_DAYS", "7")]).await;
    eventually("Alice's missed message on T-1", || {
        let store = store.clone();
        async move { (store.messages_of(TicketRef(1)).await.unwrap().len() == 2).then_some(()) }
    })
    .await;
    bot.stop().await;
    assert_eq!(fake.calls_to("GET", &format!("/channels/{ALICE_DM}/messages?after=")).len(), 1);
    assert!(
        fake.calls_to("GET", &format!("/channels/{MALLORY_DM}/messages?after=")).is_empty(),
        "a channel whose ticket closed a month ago is not read"
    );
    assert_eq!(db.store.messages_of(mallorys.reference).await.unwrap().len(), 1);
}

/// `resolvd run` on Discord sends the outbound deliveries by itself: a customer's pricing question
/// in a DM is a new ticket (`ticket.created` to the subscribed webhook) and an inquiry handed to
/// sales (`handoff.sales`), each POSTed signed to a local receiver, and the ticket waits for sales.
async fn the_binary_on_discord_sends_signed_deliveries_and_hands_inquiries_to_sales(db: &TestDb) {
    type Got = Arc<std::sync::Mutex<Vec<(String, axum::http::HeaderMap, Vec<u8>)>>>;
    let got: Got = Arc::default();
    let recorded = got.clone();
    let app = axum::Router::new().fallback(
        move |uri: axum::http::Uri, headers: axum::http::HeaderMap, body: axum::body::Bytes| {
            let recorded = recorded.clone();
            async move {
                recorded.lock().unwrap().push((uri.path().to_owned(), headers, body.to_vec()));
                "thanks"
            }
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let fake = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let hook = format!(r#"[{{ url = "{url}/hook", secret = "hook-key", events = ["ticket.created"] }}]"#);
    let sales = format!("{url}/sales");
    let extra = [
        ("RESOLVD_WEBHOOKS", hook.as_str()),
        ("RESOLVD_HANDOFF__SALES__URL", sales.as_str()),
        ("RESOLVD_HANDOFF__SALES__SECRET", "sales-key"),
    ];
    let _process = spawn_binary_with(db, &fake, data.path(), &extra);
    fake.wait_ready(1).await;
    alice_opens_a_ticket(db, &fake, "what is the price of 200 phones?").await;
    let deliveries = got.clone();
    eventually("both deliveries", || {
        let deliveries = deliveries.clone();
        async move { (deliveries.lock().unwrap().len() >= 2).then_some(()) }
    })
    .await;

    let got = got.lock().unwrap().clone();
    let mut paths: Vec<&str> = got.iter().map(|(path, _, _)| path.as_str()).collect();
    paths.sort_unstable();
    assert_eq!(paths, ["/hook", "/sales"]);
    for (path, headers, body) in &got {
        use hmac::Mac;
        let key: &[u8] = if path == "/hook" { b"hook-key" } else { b"sales-key" };
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
        mac.update(body);
        let expected: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(headers["x-resolvd-signature"].to_str().unwrap(), format!("sha256={expected}"), "{path}");
        let event = headers["x-resolvd-event"].to_str().unwrap();
        assert_eq!(event, if path == "/hook" { "ticket.created" } else { "handoff.sales" });
        let json: Value = serde_json::from_slice(body).unwrap();
        assert_eq!(json["ticket"]["ref"], "T-1", "{json}");
    }
    let ticket = db.store.ticket(TicketRef(1)).await.unwrap().unwrap();
    assert_eq!(ticket.status, Status::WaitingCustomer, "waiting for sales");
}

/// A crash between learning a new customer's DM channel and taking in their first message leaves
/// the channel with no message seen and no ticket; the restarted bot's catch-up reads it from its
/// start, so the message lands on a ticket though the customer never writes again (the storm of
/// the fault harness lost such first messages before).
async fn catch_up_reads_a_dm_channel_learnt_before_its_first_message_was_taken_in(db: &TestDb) {
    use resolvd::store::discord::{DiscordChannel, DiscordChannelKind};
    let fake = FakeDiscord::start().await;
    db.discord
        .record_discord_channel(&DiscordChannel {
            channel_id: MALLORY_DM as i64,
            kind: DiscordChannelKind::Dm,
            ticket: None,
            owner: Some(MALLORY.to_string()),
            last_message_id: None,
        })
        .await
        .unwrap();
    fake.add_history(&fake_discord::message_json(
        fake.new_id(),
        MALLORY_DM,
        MALLORY,
        false,
        "no signal at all",
    ));
    let bot = Running::start(db, &fake, 1, &[]).await;
    let store = db.store.clone();
    let ticket = eventually("Mallory's first message on a ticket", || {
        let store = store.clone();
        async move { store.tickets(None).await.unwrap().into_iter().find(|t| t.customer == "mallory") }
    })
    .await;
    bot.stop().await;
    assert_eq!(db.store.messages_of(ticket.reference).await.unwrap().len(), 1);
    assert_eq!(fake.calls_to("GET", &format!("/channels/{MALLORY_DM}/messages?after=0")).len(), 1);
}
