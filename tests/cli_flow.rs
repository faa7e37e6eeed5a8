//! The ticket flow as customers and engineers live it, through the binary: each example script
//! about merges, follow-ups, ownership, the incident's clock and what customers read is run with
//! `resolvd chat --script`, and its end state read back with `ticket show --json` and the posts
//! it printed, on SQLite and PostgreSQL.

mod common;

use chrono::{Duration, Utc};
use common::{TestDb, ok, resolvd, ticket_json};
use serde_json::Value;

on_both_databases!(
    a_merged_customer_hears_the_other_ticket_and_their_follow_up_lands_there,
    a_follow_up_goes_to_the_ticket_it_replies_to_and_staff_can_move_one,
    ownership_changes_are_said_and_the_tier_follows_the_engineer,
    an_incident_has_one_clock_a_second_confirmation_and_a_room_that_reopens,
    the_ola_does_not_escalate_an_open_incident_but_tells_its_leader,
    customers_read_plain_words_their_time_zone_and_no_goodbye_for_spam,
    an_engineer_outside_the_queues_takes_their_own_tier_or_is_refused_as_config_says,
    the_queue_lists_each_engineers_tickets_with_their_next_deadline,
    staff_read_the_four_indicators_in_chat_and_a_bad_range_is_named,
    a_chinese_and_an_english_customer_each_read_their_own_language_end_to_end,
);

async fn a_chinese_and_an_english_customer_each_read_their_own_language_end_to_end(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    let stdout = run_example(db, data.path(), "languages.txt");
    // A post's buttons and further lines follow it, indented.
    let posts_to = |whom: &str| -> String {
        let mut text = String::new();
        let mut inside = false;
        for line in stdout.lines() {
            if line.starts_with("bot → ") || !line.starts_with("    ") {
                inside = line.starts_with(&format!("bot → {whom}:"))
                    || line.starts_with(&format!("bot → {whom} ("));
            }
            if inside {
                text.push_str(line);
                text.push('\n');
            }
        }
        text
    };
    let mallory = posts_to("mallory");
    for chinese in [
        "谢谢，我们已为您创建工单 T-1。",
        "在等待期间，以下文章或许能帮助解决 T-1：",
        "如何申请退款",
        "1. 已解决",
        "我仍需要帮助",
        "T-1“我被重复扣款了，想申请退款”：我们正在处理。Bob Li 正在为您处理。",
        "T-1 已解决：已退还重复扣款的金额",
        "[confirm:T-1] 是的，已修复",
        "[notfixed:T-1] 没有，仍未修复",
        "[rate:T-1:5] 5 星",
        "只有报告问题的客户才能确认此工单",
        "感谢您为 T-1 打了 5 分（满分 5 分）。",
        "谢谢。T-1 已关闭。",
        "没有工单 T-99",
        "/status [ticket:] — 显示工单状态",
        "示例：/status ticket:T-1",
    ] {
        assert!(mallory.contains(chinese), "mallory reads {chinese:?}: {mallory}");
    }
    // The day her ticket was solved, in her language.
    assert!(mallory.contains("日 周"), "{mallory}");
    for english in ["Thanks, we opened", "While you wait", "Yes, it is fixed", "stars", "Thank you"] {
        assert!(!mallory.contains(english), "mallory reads no {english:?}: {mallory}");
    }
    let alice = posts_to("alice");
    for english in [
        "Thanks, we opened T-2 for you.",
        "While you wait, these articles may help with T-2:",
        "[solved:T-2:billing-refund-en] 1. solved it",
        "T-2 “I was charged twice for my order, I want a refund”: we are working on it. Bob Li is helping you.",
        "T-2 is resolved: We refunded the second charge",
        "[confirm:T-2] Yes, it is fixed",
        "[rate:T-2:1] 1 star ",
        "[rate:T-2:5] 5 stars",
        "Thank you. T-2 is closed.",
    ] {
        assert!(alice.contains(english), "alice reads {english:?}: {alice}");
    }
    let cjk = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
    assert!(!alice.chars().any(cjk), "alice reads no Chinese: {alice}");
    // Staff share one language, default_locale.
    assert!(stdout.contains("bot → staff of T-1, for @bob: New ticket T-1 from mallory"), "{stdout}");
    let t1 = show(db, data.path(), "T-1");
    assert_eq!((t1["status"].as_str(), t1["close_reason"].as_str()), (Some("closed"), Some("confirmed")));
    assert!(types(&t1).contains(&"rated".to_owned()), "{t1}");
    let t2 = show(db, data.path(), "T-2");
    assert_eq!(t2["close_reason"], "confirmed");

    // A desk whose default_locale is Chinese: staff threads read Chinese, each customer still
    // their own language.
    let file = data.path().join("zoe.txt");
    std::fs::write(&file, "zoe: my phone restarts by itself\n").unwrap();
    let stdout = ok(resolvd(db, data.path())
        .env("RESOLVD_DEFAULT_LOCALE", "zh-CN")
        .args(["chat", "--script"])
        .arg(&file)
        .output()
        .unwrap());
    assert!(stdout.contains("bot → zoe: Thanks, we opened T-3 for you."), "{stdout}");
    assert!(stdout.contains("新工单 T-3，来自 zoe"), "{stdout}");
    assert!(stdout.contains("[claim:T-3] 接手"), "{stdout}");
}

async fn the_queue_lists_each_engineers_tickets_with_their_next_deadline(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    let stdout = run_example(db, data.path(), "queue.txt");
    let bob = to(&stdout, "bob");
    let after = |line: &str| -> Vec<String> {
        let at = stdout.find(line).unwrap_or_else(|| panic!("{line} in {stdout}"));
        stdout[at..].lines().skip(1).take_while(|l| !l.contains(": /")).map(str::to_owned).collect()
    };
    let mine = after("bob: /queue\n");
    assert!(mine[0].contains("Your open tickets (page 1):"), "{mine:?}");
    assert!(
        mine.iter().any(|l| l.contains("T-1 The screen flickers") && l.contains("first response due")),
        "{mine:?}"
    );
    assert!(!mine.iter().any(|l| l.contains("T-2")), "T-2 is carol's: {mine:?}");
    let carol = after("carol: /queue\n");
    assert!(carol.iter().any(|l| l.contains("T-2") && l.contains("due")), "{carol:?}");
    let all = after("bob: /queue view:all\n");
    assert!(all.iter().any(|l| l.contains("T-1")) && all.iter().any(|l| l.contains("T-2")), "{all:?}");
    let search = after("bob: /queue view:all q:ANTENNA");
    assert!(
        search.iter().any(|l| l.contains("T-2")) && !search.iter().any(|l| l.contains("T-1")),
        "{search:?}"
    );
    let in_message = after("bob: /queue view:all q:\"lift\"");
    assert!(in_message.iter().any(|l| l.contains("T-2")), "{in_message:?}");
    assert!(bob.iter().any(|l| l.contains("Open tickets: no page 2.")), "{bob:?}");
    assert!(bob.iter().any(|l| l.contains("page:0 is out of range")), "{bob:?}");
    assert!(bob.iter().any(|l| l.contains("`everything` is not a choice for view")), "{bob:?}");
    let alice = to(&stdout, "alice");
    assert!(alice.iter().any(|l| l.contains("/queue is for engineers")), "{alice:?}");
    assert!(
        alice.iter().any(|l| l.contains("/dashboard is for engineers")),
        "customers get no link: {alice:?}"
    );
    assert!(to(&stdout, "frank").iter().any(|l| l.contains("the dashboard is not served here")), "{stdout}");
}

/// Runs an example script; returns what it printed.
fn run_example(db: &TestDb, data_dir: &std::path::Path, name: &str) -> String {
    let stdout =
        ok(resolvd(db, data_dir).args(["chat", "--script", &format!("examples/{name}")]).output().unwrap());
    assert!(!stdout.contains("internal error"), "{stdout}");
    stdout
}

fn show(db: &TestDb, data_dir: &std::path::Path, reference: &str) -> Value {
    ticket_json(db, data_dir, reference)
}

fn events(ticket: &Value) -> Vec<&Value> {
    ticket["events"].as_array().unwrap().iter().collect()
}

fn types(ticket: &Value) -> Vec<String> {
    events(ticket).iter().map(|e| e["type"].as_str().unwrap().to_owned()).collect()
}

/// The lines the bot printed to `whom` (`bot → whom: …` and `bot → whom (…): …`).
fn to<'a>(stdout: &'a str, whom: &str) -> Vec<&'a str> {
    let plain = format!("bot → {whom}: ");
    let marked = format!("bot → {whom} (");
    stdout.lines().filter(|l| l.starts_with(&plain) || l.starts_with(&marked)).collect()
}

async fn a_merged_customer_hears_the_other_ticket_and_their_follow_up_lands_there(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    let stdout = run_example(db, data.path(), "merge.txt");
    let mallory = to(&stdout, "mallory");
    let said = |text: &str| mallory.iter().any(|l| l.contains(text));
    assert!(said("T-2 is the same problem as T-1"), "{mallory:#?}");
    assert!(said("Bob Li (T-1): We found the cause"), "the reply on T-1 reaches mallory: {mallory:#?}");
    assert!(said("T-2 was the same problem as T-1, so we carry on there."), "{mallory:#?}");
    assert!(said("T-1 is resolved: update 2.1.4"), "the card reaches mallory: {mallory:#?}");
    assert!(stdout.contains("itself"), "a merge into itself is refused: {stdout}");
    assert!(stdout.contains("T-2 is closed; merge into an open ticket"), "{stdout}");
    assert!(stdout.contains("T-1 is closed; merge into an open ticket"), "{stdout}");

    let t1 = show(db, data.path(), "T-1");
    let follow_up = events(&t1)
        .into_iter()
        .find(|e| e["type"] == "message" && e["actor"] == "mallory")
        .expect("mallory's follow-up is on T-1");
    assert_eq!(follow_up["text"], "is there a workaround until then?");
    assert_eq!(t1["status"], "closed");
    assert_eq!(t1["close_reason"], "confirmed", "mallory confirmed the card of T-1");
    let t2 = show(db, data.path(), "T-2");
    assert_eq!((t2["status"].as_str(), t2["close_reason"].as_str()), (Some("closed"), Some("merged")));
    let t3 = show(db, data.path(), "T-3");
    assert_eq!(t3["status"], "new", "T-3 stayed open: {t3:#}");
}

async fn a_follow_up_goes_to_the_ticket_it_replies_to_and_staff_can_move_one(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    let stdout = run_example(db, data.path(), "follow-ups.txt");
    let texts = |ticket: &Value, kind: &str| -> Vec<String> {
        events(ticket)
            .into_iter()
            .filter(|e| e["type"] == kind)
            .map(|e| e["text"].as_str().unwrap().to_owned())
            .collect()
    };
    let t1 = show(db, data.path(), "T-1");
    let t2 = show(db, data.path(), "T-2");
    assert_eq!(
        texts(&t2, "message"),
        ["the battery is at 40% every morning"],
        "the most recently active ticket took the message"
    );
    assert_eq!(
        texts(&t1, "message"),
        ["only below half brightness", "and it started on Monday"],
        "the reply went to T-1, and so did the next message, T-1 being the most recently active"
    );
    assert!(
        stdout.contains("beside T-1; if it is about another: /move message:2 to:T-n"),
        "staff are told where it went and how to move it: {stdout}"
    );
    assert_eq!(texts(&t1, "message_moved"), ["and it started on Monday"]);
    assert_eq!(texts(&t2, "message_moved"), ["and it started on Monday"]);
    assert!(stdout.contains("Message 4 moved from T-1 to T-2"), "{stdout}");
}

async fn ownership_changes_are_said_and_the_tier_follows_the_engineer(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    let stdout = run_example(db, data.path(), "ownership.txt");
    assert!(
        stdout.contains("T-1 is with bob; to take it over, say why: /claim ticket:T-1 reason:…"),
        "{stdout}"
    );
    let bob = to(&stdout, "bob");
    assert!(
        bob.iter().any(|l| l.contains("erin took T-1 from you: I fixed the same flicker yesterday")),
        "the previous owner is told: {bob:#?}"
    );
    assert!(stdout.contains("erin keeps it (given by hand"), "{stdout}");
    assert!(stdout.contains("it is with erin now, next in its queue"), "{stdout}");
    let erin = to(&stdout, "erin");
    assert!(erin.iter().any(|l| l.contains("T-1 is yours now")), "the next owner is told: {erin:#?}");

    let t1 = show(db, data.path(), "T-1");
    assert_eq!((t1["assignee"].as_str(), t1["tier"].as_str()), (Some("dave"), Some("RnD")), "{t1:#}");
    assert_eq!(t1["domain"], "screen");
    assert_eq!(
        types(&t1),
        [
            "created",
            "classified",
            "claimed",
            "tier_changed",
            "classified",
            "classified",
            "classified",
            "classified",
            "unassigned",
            "assigned",
            "tier_changed"
        ]
    );
    let claimed = events(&t1).into_iter().find(|e| e["type"] == "claimed").unwrap();
    assert_eq!((claimed["previous"].as_str(), claimed["assignee"].as_str()), (Some("bob"), Some("erin")));
    let rerouted: Vec<&Value> = events(&t1).into_iter().filter(|e| e["type"] == "classified").collect();
    assert_eq!(rerouted[1]["assignee"], Value::Null, "erin kept it through the first change of domain");
    assert_eq!(rerouted[3]["assignee"], "carol", "reroute:true handed it to the rf queue");
}

async fn an_incident_has_one_clock_a_second_confirmation_and_a_room_that_reopens(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    let stdout = run_example(db, data.path(), "incident-clock.txt");
    assert!(
        stdout.contains("Asked frank to confirm S-level for T-1"),
        "an owner's own S goes to a manager: {stdout}"
    );
    assert!(stdout.contains("you asked for S-level on T-1; frank answers it"), "{stdout}");
    let alice = to(&stdout, "alice");
    assert!(!alice.iter().any(|l| l.contains("passed") || l.contains("R&D")), "{alice:#?}");
    assert!(stdout.contains("[room: open again to"), "{stdout}");

    let t1 = show(db, data.path(), "T-1");
    let types = types(&t1);
    let position =
        |kind: &str| types.iter().rposition(|t| t == kind).unwrap_or_else(|| panic!("no {kind}: {types:?}"));
    assert_eq!(types.iter().filter(|t| *t == "severity_changed").count(), 1);
    assert!(position("room_archived") < position("reopened"));
    assert!(position("reopened") < position("room_reopened"));
    assert!(position("room_reopened") < position("timeline_entry"), "/timeline works again: {types:?}");
    assert_eq!((t1["tier"].as_str(), t1["status"].as_str()), (Some("RnD"), Some("open")));
}

async fn the_ola_does_not_escalate_an_open_incident_but_tells_its_leader(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    let file = data.path().join("incident.txt");
    let script = "alice: every phone in our fleet reboots in a loop after the update\n\
                  bob: /classify ticket:T-1 domain:screen kind:fault severity:P1\n\
                  bob: /escalate ticket:T-1 to:S reason:\"fleet-wide boot loop\"\n\
                  erin: !press sconfirm:T-1\n";
    std::fs::write(&file, script).unwrap();
    ok(resolvd(db, data.path()).args(["chat", "--script"]).arg(&file).output().unwrap());
    let later = Utc::now() + Duration::days(10);
    let printed = ok(resolvd(db, data.path())
        .args(["jobs", "run-once", "--force", "--now", &later.to_rfc3339()])
        .output()
        .unwrap());
    assert!(printed.contains("The L1 OLA ran out; the war room drives this incident"), "{printed}");
    assert!(printed.contains("war room of T-1"), "the leader hears of it in the room: {printed}");
    let t1 = show(db, data.path(), "T-1");
    assert!(!types(&t1).contains(&"escalated".to_owned()), "{:?}", types(&t1));
    assert_eq!(t1["tier"], "L1");
    assert!(types(&t1).contains(&"sla_alarm".to_owned()));
}

async fn customers_read_plain_words_their_time_zone_and_no_goodbye_for_spam(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    let stdout = run_example(db, data.path(), "customers.txt");
    let alice = to(&stdout, "alice");
    let statuses: Vec<&&str> = alice.iter().filter(|l| l.contains("T-1 “my screen flickers")).collect();
    assert_eq!(statuses.len(), 3, "{alice:#?}");
    assert!(statuses[1].contains("we are working on it. Bob Li is helping you."), "{statuses:#?}");
    assert!(statuses[1].contains("(Europe/Berlin)"), "the promise is in alice's time zone: {statuses:#?}");
    assert!(statuses[2].contains("waiting for you"), "{statuses:#?}");
    for status in &statuses {
        for internal in ["L1", "fault", "P3", "waiting_customer", " new", "screen ·"] {
            assert!(!status.contains(internal), "`{internal}` in {status}");
        }
    }
    let offer = stdout.split("While you wait").nth(1).expect("an article is offered");
    let offer: String = offer.lines().take(4).collect::<Vec<_>>().join("\n");
    assert!(!offer.contains("(kb:"), "no internal ids: {offer}");
    assert!(offer.lines().nth(1).is_some_and(|l| l.starts_with("   ")), "the article's first lines: {offer}");
    assert!(to(&stdout, "mallory").iter().all(|l| !l.contains("is closed")), "{stdout}");
    let t2 = show(db, data.path(), "T-2");
    assert_eq!(t2["close_reason"], "spam");
}

async fn an_engineer_outside_the_queues_takes_their_own_tier_or_is_refused_as_config_says(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    // Erin works L2 (people.toml) but is in none of the rf domain's queues.
    let lines = "mallory: no signal at home since yesterday\n\
                 bob: /classify ticket:T-1 domain:rf kind:fault severity:P3\n\
                 bob: /assign ticket:T-1 user:erin\n";
    let file = data.path().join("outside.txt");
    std::fs::write(&file, lines).unwrap();
    let refused = ok(resolvd(db, data.path())
        .env("RESOLVD_ASSIGNMENT__OUTSIDE_QUEUE", "refuse")
        .args(["chat", "--script"])
        .arg(&file)
        .output()
        .unwrap());
    assert!(refused.contains("erin is in none of the rf queues, so T-1 cannot go to them"), "{refused}");
    assert_eq!(show(db, data.path(), "T-1")["assignee"], "bob");

    let allowed = "bob: /assign ticket:T-1 user:erin\n";
    std::fs::write(&file, allowed).unwrap();
    let out = ok(resolvd(db, data.path()).args(["chat", "--script"]).arg(&file).output().unwrap());
    assert!(out.contains("T-1 assigned to erin; it moves to L2 with them"), "{out}");
    let t1 = show(db, data.path(), "T-1");
    assert_eq!((t1["assignee"].as_str(), t1["tier"].as_str()), (Some("erin"), Some("L2")));
}

async fn staff_read_the_four_indicators_in_chat_and_a_bad_range_is_named(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    let stdout = run_example(db, data.path(), "stats.txt");
    let frank = to(&stdout, "frank").join("\n");
    assert!(frank.contains("(only you): Indicators "), "privately: {frank}");
    assert!(frank.contains("(Asia/Shanghai)"), "{frank}");
    let all =
        stdout.split("frank: /stats\n").nth(1).unwrap().split("frank: /stats range:today").next().unwrap();
    assert!(all.contains("1. Inflow: 2 created, 1 closed"), "{all}");
    assert!(all.contains("  fault: 2 new, 1 resolved,"), "{all}");
    assert!(all.contains("  rf: 1 new, 0 resolved; 1 open now, 0 breached"), "{all}");
    assert!(all.contains("4. Resolution cards: 1 sent: 100% confirmed,"), "{all}");
    assert!(all.contains("Scores: mean 4.0 of 1 (1: 0, 2: 0, 3: 0, 4: 1, 5: 0)"), "{all}");
    let screen = stdout.split("frank: /stats range:today domain:screen\n").nth(1).unwrap();
    let screen = screen.split("bob: ").next().unwrap();
    assert!(screen.contains(", domain screen)") && !screen.contains("  rf:"), "{screen}");
    assert!(stdout.contains("the range starts after it ends (2026-11-30 is after 2026-11-01)"), "{stdout}");
    assert!(stdout.contains("`lastweek` is not a range; use today, 7d, 30d"), "{stdout}");
    assert!(
        stdout.contains("/stats is for engineers, domain owners, managers and leads; you are a customer")
    );
}
