//! The customer registry (issue 14, point 1), on SQLite and PostgreSQL: customers written and
//! found by every chat name through the store, a ticket taking its customer's tier (and an import
//! changing it), the customer card through the engine (a new ticket's first staff post, `/customer`)
//! and the registry's language; through the binary, `resolvd customers import` of the sample and of
//! a file with broken rows, `examples/customers-registry.txt`, and `ticket show --json`'s
//! `known_customer`, `warranty` and a gold customer's earlier P1 deadline.

mod common;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use common::{Driver, TestDb, ok, reply, repo_path, resolvd, t0, ticket_json};
use resolvd::domain::{Audience, CloseReason, Customer, Locale, Status, TicketRef};
use resolvd::store::customers::Upsert;
use serde_json::Value;

on_both_databases!(
    a_customer_is_added_then_updated_by_id_and_found_by_every_chat_name,
    a_chat_name_of_another_customer_refuses_the_row_and_writes_nothing,
    a_ticket_takes_its_customer_tier_and_a_reimport_moves_its_open_tickets,
    the_history_lists_the_newest_five_with_outcome_and_score,
    the_first_staff_post_carries_the_card_and_customer_shows_it_on_demand,
    the_registry_locale_picks_the_language_after_people_toml,
    the_sample_registry_and_script_mark_warranty_known_customers_and_gold_deadlines,
    a_broken_row_is_reported_by_line_and_the_others_are_imported,
);

fn customer(id: &str, tier: &str, discord: &[&str]) -> Customer {
    Customer {
        id: id.into(),
        name: format!("{id} name"),
        organisation: Some("Acme Mobile".into()),
        tier: tier.into(),
        warranty_until: NaiveDate::from_ymd_opt(2030, 12, 31),
        discord_ids: discord.iter().map(|d| (*d).to_owned()).collect(),
        email: None,
        account_owner: Some("frank".into()),
        locale: None,
    }
}

async fn staff_posts(d: &Driver, ticket: i64) -> Vec<String> {
    let far = Utc::now() + Duration::days(3650);
    let posts = d.store().claim_posts(far, far, 1000).await.unwrap();
    for p in &posts {
        d.store().mark_post_sent(p.id, far).await.unwrap();
    }
    posts
        .into_iter()
        .filter(|p| p.post.audience == Audience::Staff { ticket: TicketRef(ticket) })
        .map(|p| p.post.text)
        .collect()
}

async fn a_customer_is_added_then_updated_by_id_and_found_by_every_chat_name(db: &TestDb) {
    let store = &db.store;
    let acme = customer("acme", "gold", &["1001", "1002"]);
    assert_eq!(store.upsert_customer(&acme, t0()).await.unwrap(), Upsert::Added { retiered: 0 });
    assert_eq!(store.customer("acme").await.unwrap(), Some(acme.clone()));
    for name in ["acme", "discord:1001", "discord:1002"] {
        assert_eq!(store.customer_of(name).await.unwrap().map(|c| c.id), Some("acme".into()), "{name}");
    }
    assert_eq!(store.customer_of("discord:1003").await.unwrap(), None);
    assert_eq!(store.customer_of("alice").await.unwrap(), None);

    // Importing again replaces the row: the Discord id dropped no longer names them.
    let changed = Customer {
        tier: "standard".into(),
        discord_ids: vec!["1003".into()],
        warranty_until: None,
        locale: Some(Locale::ZhCn),
        ..acme.clone()
    };
    assert_eq!(store.upsert_customer(&changed, t0()).await.unwrap(), Upsert::Updated { retiered: 0 });
    assert_eq!(store.customer("acme").await.unwrap(), Some(changed));
    assert_eq!(store.customer_of("discord:1001").await.unwrap(), None);
    assert_eq!(store.customer_of("discord:1003").await.unwrap().map(|c| c.id), Some("acme".into()));
}

async fn a_chat_name_of_another_customer_refuses_the_row_and_writes_nothing(db: &TestDb) {
    let store = &db.store;
    store.upsert_customer(&customer("acme", "gold", &["1001"]), t0()).await.unwrap();
    let taken = store.upsert_customer(&customer("globex", "gold", &["2001", "1001"]), t0()).await.unwrap();
    assert_eq!(taken, Upsert::HandleTaken { handle: "discord:1001".into(), owner: "acme".into() });
    assert_eq!(store.customer("globex").await.unwrap(), None);
    assert_eq!(store.customer_of("discord:2001").await.unwrap(), None, "nothing of the row is written");
    assert_eq!(store.customer_of("discord:1001").await.unwrap().map(|c| c.id), Some("acme".into()));
}

async fn a_ticket_takes_its_customer_tier_and_a_reimport_moves_its_open_tickets(db: &TestDb) {
    let d = Driver::new(db);
    d.store().upsert_customer(&customer("alice", "gold", &["555"]), t0()).await.unwrap();
    d.message("alice", "my screen flickers").await;
    d.message("discord:555", "my screen flickers on the other phone").await;
    d.message("mallory", "my screen flickers").await;
    let store = d.store().clone();
    let tier = |n: i64| {
        let store = store.clone();
        async move { store.ticket(TicketRef(n)).await.unwrap().unwrap().customer_tier }
    };
    assert_eq!(tier(1).await.as_deref(), Some("gold"));
    assert_eq!(tier(2).await.as_deref(), Some("gold"), "a Discord id finds the customer");
    assert_eq!(tier(3).await, None, "not in the registry");

    // Closed tickets keep the tier they had; open ones take the new one and are due at the sweep.
    d.command("bob", "close ticket:T-2").await;
    let later = t0() + Duration::hours(1);
    let upsert = d.store().upsert_customer(&customer("alice", "silver", &["555"]), later).await.unwrap();
    assert_eq!(upsert, Upsert::Updated { retiered: 1 });
    assert_eq!(tier(1).await.as_deref(), Some("silver"));
    assert_eq!(tier(2).await.as_deref(), Some("gold"));
    assert_eq!(d.store().next_alarm(TicketRef(1)).await.unwrap(), Some(later));
    let again = d.store().upsert_customer(&customer("alice", "silver", &["555"]), later).await.unwrap();
    assert_eq!(again, Upsert::Updated { retiered: 0 }, "a tier already taken moves nothing");
    // A customer registered after opening a ticket gives it their tier too.
    let mallory = d.store().upsert_customer(&customer("mallory", "gold", &[]), later).await.unwrap();
    assert_eq!(mallory, Upsert::Added { retiered: 1 });
    assert_eq!(tier(3).await.as_deref(), Some("gold"));
}

async fn the_history_lists_the_newest_five_with_outcome_and_score(db: &TestDb) {
    let d = Driver::new(db);
    d.store().upsert_customer(&customer("alice", "gold", &["555"]), t0()).await.unwrap();
    for n in 1..=6 {
        let author = if n % 2 == 0 { "discord:555" } else { "alice" };
        d.message(author, &format!("problem number {n}")).await;
        if n < 6 {
            d.command("bob", &format!("resolve ticket:T-{n} resolution:\"fixed {n}\"")).await;
            d.press(author, &format!("rate:T-{n}:{}", n % 5 + 1)).await;
            d.press(author, &format!("confirm:T-{n}")).await;
        }
    }
    d.message("mallory", "not hers").await;
    let history = d.store().customer_history("alice", Some(TicketRef(6)), 5).await.unwrap();
    let refs: Vec<i64> = history.iter().map(|p| p.reference.0).collect();
    assert_eq!(refs, [5, 4, 3, 2, 1], "newest first, under any chat name, the one left out left out");
    assert_eq!(history[0].status, Status::Closed);
    assert_eq!(history[0].close_reason, Some(CloseReason::Confirmed));
    assert_eq!(history[0].score, Some(1));
    assert_eq!(history[1].score, Some(5));
    let all = d.store().customer_history("alice", None, 5).await.unwrap();
    assert_eq!(all[0].reference, TicketRef(6));
    assert_eq!((all[0].status, all[0].score), (Status::New, None));
    assert_eq!(all.len(), 5);
}

async fn the_first_staff_post_carries_the_card_and_customer_shows_it_on_demand(db: &TestDb) {
    let d = Driver::new(db);
    let mut alice = customer("alice", "gold", &[]);
    alice.warranty_until = NaiveDate::from_ymd_opt(2020, 1, 31);
    d.store().upsert_customer(&alice, t0()).await.unwrap();
    d.message("alice", "my screen flickers").await;
    d.command("bob", "resolve ticket:T-1 resolution:\"new firmware\"").await;
    d.press("alice", "rate:T-1:4").await;
    d.press("alice", "confirm:T-1").await;
    staff_posts(&d, 1).await;

    d.message("alice", "the flicker is back").await;
    let first = staff_posts(&d, 2).await;
    let card = &first[0];
    assert!(card.starts_with("New ticket T-2 from alice"), "{card}");
    assert!(card.contains("Customer alice name (alice) of Acme Mobile · tier gold"), "{card}");
    assert!(card.contains("warranty EXPIRED (ended 2020-01-31) · account owner frank"), "{card}");
    assert!(
        card.contains("Their last ticket:\n  T-1 “my screen flickers”: closed (confirmed), rated 4/5"),
        "{card}"
    );

    d.message("trent", "my screen flickers too").await;
    let unknown = staff_posts(&d, 3).await;
    assert!(unknown[0].contains("trent is not a known customer"), "{}", unknown[0]);

    // On demand: the conversation's ticket, a ticket named, a person named; staff only.
    let named = d.command("bob", "customer ticket:T-2").await;
    assert!(reply(&named).contains("Their last 2 tickets:\n  T-2"), "{}", reply(&named));
    let person = d.command("bob", "customer user:trent").await;
    assert_eq!(reply(&person), "trent is not a known customer (not in the customer registry).");
    let refused = d.command("alice", "customer ticket:T-2").await;
    assert!(reply(&refused).contains("/customer"), "{}", reply(&refused));
    assert!(!reply(&refused).contains("Acme"), "{}", reply(&refused));
}

async fn the_registry_locale_picks_the_language_after_people_toml(db: &TestDb) {
    let d = Driver::new(db);
    let wei = Customer { locale: Some(Locale::ZhCn), ..customer("wei", "gold", &["777"]) };
    d.store().upsert_customer(&wei, t0()).await.unwrap();
    d.message("discord:777", "my phone restarts when I call").await;
    let far = Utc::now() + Duration::days(3650);
    let posts = d.store().claim_posts(far, far, 1000).await.unwrap();
    let ack = posts
        .iter()
        .find(|p| matches!(p.post.audience, Audience::Customer { .. }))
        .map(|p| p.post.text.clone())
        .unwrap();
    assert!(ack.contains("T-1") && ack.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{ack}");
    // Their commands are answered in it too, although they write in English.
    let invocation = resolvd::command::Invocation {
        name: "status".into(),
        subcommand: None,
        options: vec![("ticket".into(), "T-1".into())],
    };
    let status = d.invoke("discord:777", invocation, "status-1").await;
    assert!(reply(&status).chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{}", reply(&status));
}

/// `resolvd customers import FILE`, its exit status and what it printed.
fn import(db: &TestDb, data: &std::path::Path, file: &std::path::Path) -> (bool, String) {
    let output = resolvd(db, data).args(["customers", "import"]).arg(file).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (output.status.success(), String::from_utf8(output.stdout).unwrap() + &stderr)
}

fn due(view: &Value, key: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(view[key].as_str().unwrap_or_else(|| panic!("{key} in {view:#}")))
        .unwrap()
        .to_utc()
}

async fn the_sample_registry_and_script_mark_warranty_known_customers_and_gold_deadlines(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    let (imported, printed) = import(db, data.path(), &repo_path("examples/customers-registry.csv"));
    assert!(imported, "{printed}");
    assert!(printed.contains("3 imported, 0 updated, 0 refused"), "{printed}");
    assert!(printed.contains("no customer_tiers.standard"), "{printed}");

    let stdout = ok(resolvd(db, data.path())
        .args(["chat", "--script"])
        .arg(repo_path("examples/customers-registry.txt"))
        .output()
        .unwrap());
    assert!(!stdout.contains("internal error"), "{stdout}");
    assert!(
        stdout.contains(
            "Customer Alice Chen (alice) of Acme Mobile · tier gold · warranty active until 2030-12-31"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("T-1 “my screen flickers at low brightness”: closed (confirmed), rated 5/5"),
        "{stdout}"
    );
    assert!(stdout.contains("warranty EXPIRED (ended 2024-06-30)"), "{stdout}");
    assert!(stdout.contains("trent is not a known customer"), "{stdout}");
    assert!(
        stdout.contains("bot → wei: 谢谢，我们已为您创建工单 T-5"),
        "wei reads the registry's zh-CN: {stdout}"
    );
    assert!(
        stdout.contains("bot → bob (only you): Customer Wang Wei (wei) of Shenzhen Handsets"),
        "{stdout}"
    );
    assert!(stdout.contains("/customer is for engineers, domain owners, managers and leads"), "{stdout}");

    let gold = ticket_json(db, data.path(), "T-2");
    let standard = ticket_json(db, data.path(), "T-3");
    let unknown = ticket_json(db, data.path(), "T-4");
    assert_eq!((gold["known_customer"].as_bool(), gold["warranty"].as_str()), (Some(true), Some("active")));
    assert_eq!(
        (standard["known_customer"].as_bool(), standard["warranty"].as_str()),
        (Some(true), Some("expired"))
    );
    assert_eq!(
        (unknown["known_customer"].as_bool(), unknown["warranty"].as_str()),
        (Some(false), Some("unknown"))
    );
    assert_eq!(
        (gold["customer_tier"].as_str(), standard["customer_tier"].as_str()),
        (Some("gold"), Some("standard"))
    );
    assert!(unknown["customer_tier"].is_null(), "{unknown:#}");
    // Both screen P1s, opened a moment apart: gold's resolution target is 12 hours, standard 24.
    let (gold_due, standard_due) = (due(&gold, "resolve_due"), due(&standard, "resolve_due"));
    assert!(standard_due - gold_due >= Duration::hours(11), "gold {gold_due}, standard {standard_due}");

    // Mallory moves to gold: her open ticket takes the tier and its deadline moves.
    let upgrade = data.path().join("upgrade.csv");
    std::fs::write(
        &upgrade,
        "id,name,organisation,tier,warranty_until,discord_ids,email,account_owner\n\
         mallory,Mallory Price,Price Retail,gold,2031-01-31,,mallory@price.example,frank\n",
    )
    .unwrap();
    let (imported, printed) = import(db, data.path(), &upgrade);
    assert!(imported, "{printed}");
    assert!(printed.contains("0 imported, 1 updated, 0 refused"), "{printed}");
    assert!(printed.contains("1 open ticket took"), "{printed}");
    let upgraded = ticket_json(db, data.path(), "T-3");
    assert_eq!(
        (upgraded["customer_tier"].as_str(), upgraded["warranty"].as_str()),
        (Some("gold"), Some("active"))
    );
    assert!(due(&upgraded, "resolve_due") < standard_due, "{upgraded:#}");

    let shown = ok(resolvd(db, data.path())
        .args(["customers", "show", "discord:100000000000000002", "--json"])
        .output()
        .unwrap());
    let shown: Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(shown["customer"]["id"], "wei");
    assert_eq!(shown["customer"]["locale"], "zh-CN");
    assert_eq!(shown["warranty"], "active");
    assert_eq!(shown["tickets"][0]["ref"], "T-5");
}

async fn a_broken_row_is_reported_by_line_and_the_others_are_imported(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    let file = data.path().join("registry.csv");
    std::fs::write(
        &file,
        "id,name,organisation,tier,warranty_until,discord_ids,email,account_owner,locale\n\
         acme,Ada Park,Acme Mobile,gold,2030-06-30,1001,ada@acme.example,frank,en\n\
         globex,Gus Lo,Globex,gold,30/06/2030,2001,gus@globex.example,frank,\n\
         initech,Ina Tech,Initech,standard,,3001,ina@initech.example,frank\n\
         hooli,Hal Li,Hooli,standard,2029-01-01,1001,hal@hooli.example,frank,\n\
         umbrella,Uma Bell,Umbrella,silver,2029-01-01,4001;4002,uma@umbrella.example,frank,zh-CN\n",
    )
    .unwrap();
    let (imported, printed) = import(db, data.path(), &file);
    assert!(!imported, "a refused row makes the import fail: {printed}");
    assert!(
        printed.contains("line 3: refused, warranty_until `30/06/2030` is not a date (YYYY-MM-DD)"),
        "{printed}"
    );
    assert!(printed.contains("line 4: refused, 8 fields, where the header has 9"), "{printed}");
    assert!(printed.contains("line 5: refused, discord:1001 is customer acme's already"), "{printed}");
    assert!(printed.contains("2 imported, 0 updated, 3 refused"), "{printed}");
    for (id, there) in
        [("acme", true), ("globex", false), ("initech", false), ("hooli", false), ("umbrella", true)]
    {
        assert_eq!(db.store.customer(id).await.unwrap().is_some(), there, "{id}");
    }

    // A header without a required column stops before any row, naming the file and the column.
    let headless = data.path().join("no-email.csv");
    std::fs::write(
        &headless,
        "id,name,organisation,tier,warranty_until,discord_ids,account_owner\nx,X,,gold,,,\n",
    )
    .unwrap();
    let (imported, printed) = import(db, data.path(), &headless);
    assert!(!imported);
    assert!(printed.contains("no-email.csv: the header has no column `email`"), "{printed}");
    assert_eq!(db.store.customer("x").await.unwrap(), None);
}
