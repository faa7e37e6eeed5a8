//! The binary through its command line and the console, as a newcomer would use it.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{TestDb, repo_path};
use serde_json::Value;

on_both_databases!(
    the_demo_script_leaves_the_ticket_with_its_values_and_one_event_per_step,
    hostile_input_gets_specific_replies_and_no_live_mass_mention,
    a_script_stopped_midway_and_run_again_loses_and_duplicates_nothing,
    tickets_are_listed_by_status_as_json,
    the_knowledge_base_script_self_serves_and_publishes,
);

/// `resolvd` with its own data dir, pointed at the test's database.
fn resolvd(db: &TestDb, data_dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_resolvd"));
    command.current_dir(repo_path("")).env("RESOLVD_DATABASE_URL", &db.url).arg("--data-dir").arg(data_dir);
    command
}

fn run_script(db: &TestDb, data_dir: &std::path::Path, script: &str) -> Output {
    let output = resolvd(db, data_dir).args(["chat", "--script", script]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    output
}

fn show(db: &TestDb, data_dir: &std::path::Path, reference: &str) -> Value {
    let output = resolvd(db, data_dir).args(["ticket", "show", reference, "--json"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

fn event_types(ticket: &Value) -> Vec<String> {
    ticket["events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap().to_owned()).collect()
}

async fn the_demo_script_leaves_the_ticket_with_its_values_and_one_event_per_step(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    let output = run_script(db, data.path(), "examples/demo.txt");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("bot → alice: Thanks, we opened T-1 for you."), "{stdout}");

    let ticket = show(db, data.path(), "T-1");
    for (field, value) in [
        ("ref", "T-1"),
        ("status", "closed"),
        ("close_reason", "closed_by_staff"),
        ("kind", "fault"),
        ("domain", "screen"),
        ("severity", "P1"),
        ("tier", "L2"),
        ("assignee", "carol"),
        ("customer", "alice"),
    ] {
        assert_eq!(ticket[field], value, "{field} in {ticket:#}");
    }
    assert!(ticket["created_at"].is_string() && ticket["updated_at"].is_string());
    assert_eq!(
        event_types(&ticket),
        ["created", "classified", "assigned", "tier_changed", "resolved", "closed"]
    );
    for event in ticket["events"].as_array().unwrap() {
        assert!(event["actor"].is_string() && event["at"].is_string(), "{event}");
    }
    assert_eq!(ticket["events"][3]["reason"], "carol works in L2");
    assert_eq!(ticket["events"][3]["from"], "L1");
}

async fn hostile_input_gets_specific_replies_and_no_live_mass_mention(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    let output = run_script(db, data.path(), "examples/bad-input.txt");
    let stdout = String::from_utf8(output.stdout).unwrap();
    for expected in [
        "bot → mallory (only you): /assign is for engineers and managers; you are a customer",
        "bot → mallory (only you): there is no /frobnicate command; /help lists the commands",
        "bot → bob (only you): `P9` is not a choice for severity in /classify; choose one of S, P1, P2, P3",
        "bot → bob (only you): /resolve needs resolution:…",
        "bot → bob (only you): there is no ticket T-99",
        "bot → bob (only you): `T1` is not a ticket reference; write it as T-12",
        "bot → mallory (only you): only the customer who reported it can confirm this ticket",
        "! line 14: write lines as USER: TEXT",
        "Your message is long (10000 characters); all of it is on the ticket.",
    ] {
        assert!(stdout.contains(expected), "missing `{expected}` in\n{stdout}");
    }
    for line in stdout.lines().filter(|l| l.starts_with("bot") || l.starts_with("    ")) {
        for live in ["@everyone", "@here", "<@&", "<@4"] {
            assert!(!line.contains(live), "a bot post carries a live mention: {line}");
        }
    }
    // Nothing was lost: the long message is whole on mallory's ticket.
    let ticket = show(db, data.path(), "T-2");
    let long = ticket["events"].as_array().unwrap().iter().find(|e| e["type"] == "message").unwrap();
    assert_eq!(long["text"].as_str().unwrap().chars().count(), 10_000);
    // Mallory's refusals on alice's ticket are audited, not written where alice reads.
    let refused = show(db, data.path(), "T-1");
    assert!(!event_types(&refused).contains(&"refused".to_owned()));
}

async fn a_script_stopped_midway_and_run_again_loses_and_duplicates_nothing(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    let script = std::fs::read_to_string(repo_path("examples/demo.txt")).unwrap();
    let lines: Vec<&str> = script.lines().collect();

    // First run: half the script through standard input, then the process is killed outright.
    let mut child = resolvd(db, data.path())
        .args(["chat", "--script", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for line in &lines[..4] {
        writeln!(stdin, "{line}").unwrap();
    }
    stdin.flush().unwrap();
    // Wait for the answer to the last line sent (the /assign, line 4), then kill.
    let mut first_output = Vec::new();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 {
            break;
        }
        let done = line.starts_with("bot → carol (direct)");
        first_output.push(line);
        if done {
            break;
        }
    }
    // A post is printed, then marked sent: kill once the outbox has nothing unsent, so the stop
    // falls between two lines of the script, where a person's Ctrl-C would.
    while db.store.unsent_post_count().await.unwrap() > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    drop(stdin);

    // Second run: the whole script again.
    let mut child = resolvd(db, data.path())
        .args(["chat", "--script", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(script.as_bytes()).unwrap();
    let second = child.wait_with_output().unwrap();
    assert!(second.status.success());
    let second_output = String::from_utf8(second.stdout).unwrap();

    let posts: Vec<String> = first_output
        .iter()
        .map(String::as_str)
        .chain(second_output.lines())
        .filter(|l| l.starts_with("bot → "))
        .map(|l| l.trim_end().to_owned())
        .collect();
    let mut unique = posts.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(posts.len(), unique.len(), "a post was printed twice:\n{posts:#?}");
    assert!(posts.iter().any(|p| p.starts_with("bot → alice: Thanks, we opened T-1")));
    assert!(posts.iter().any(|p| p.starts_with("bot → alice: T-1 is closed.")));

    let ticket = show(db, data.path(), "T-1");
    assert_eq!(
        event_types(&ticket),
        ["created", "classified", "assigned", "tier_changed", "resolved", "closed"]
    );
    let list = resolvd(db, data.path()).args(["ticket", "list", "--json"]).output().unwrap();
    let list: Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1, "the replay opened a second ticket");
}

async fn tickets_are_listed_by_status_as_json(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    let script = data.path().join("two.txt");
    std::fs::write(&script, "alice: my screen flickers\nmallory: no signal\nbob: /resolve ticket:T-2 resolution:\"reset the network settings\"\n").unwrap();
    run_script(db, data.path(), script.to_str().unwrap());
    let output =
        resolvd(db, data.path()).args(["ticket", "list", "--status", "resolved", "--json"]).output().unwrap();
    let list: Value = serde_json::from_slice(&output.stdout).unwrap();
    let refs: Vec<&str> = list.as_array().unwrap().iter().map(|t| t["ref"].as_str().unwrap()).collect();
    assert_eq!(refs, ["T-2"]);
    assert_eq!(list[0]["events"][1]["resolution"], "reset the network settings");

    let bad = resolvd(db, data.path()).args(["ticket", "list", "--status", "lost"]).output().unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("`lost` is not a status"));
    let missing = resolvd(db, data.path()).args(["ticket", "show", "T-77"]).output().unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("there is no ticket T-77"));
}

#[test]
fn check_accepts_the_sample_config_and_names_the_file_and_key_of_a_broken_one() {
    let ok =
        Command::new(env!("CARGO_BIN_EXE_resolvd")).current_dir(repo_path("")).arg("check").output().unwrap();
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));

    let bad = Command::new(env!("CARGO_BIN_EXE_resolvd"))
        .current_dir(repo_path(""))
        .env("RESOLVD_INTAKE__TITLE_CHARS", "many")
        .arg("check")
        .output()
        .unwrap();
    assert!(!bad.status.success());
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(stderr.contains("config/default.toml: intake.title_chars: invalid type"), "{stderr}");
}

#[test]
fn check_warns_about_people_discord_cannot_reach_and_war_rooms_with_no_server() {
    let check = |users: &str, guilds: &str| {
        let output = Command::new(env!("CARGO_BIN_EXE_resolvd"))
            .current_dir(repo_path(""))
            .env("DISCORD_TOKEN", "t")
            .env("RESOLVD_DISCORD__STAFF_CHANNEL", "99")
            .env("RESOLVD_DISCORD__USERS", users)
            .env("RESOLVD_DISCORD__GUILDS", guilds)
            .arg("check")
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let out = check(r#"{ "1" = "bob" }"#, "[]");
    assert!(
        out.contains("warning: config/domains.toml: domains[0].owners[0]: `erin` has no id in discord.users"),
        "{out}"
    );
    assert!(out.contains("domains[0].war_room.market: `grace`"), "{out}");
    assert!(out.contains("domains[0].queues.L2[0]: `carol`"), "{out}");
    assert!(!out.contains("`bob`"), "bob is mapped: {out}");
    assert!(out.contains("config/default.toml: discord.war_rooms.guild: no server for war rooms"), "{out}");
    assert!(out.contains("ops.conversation: `ops` is not a Discord channel"), "{out}");

    let everyone = r#"{ "1" = "bob", "2" = "carol", "3" = "dave", "4" = "erin", "5" = "frank", "6" = "grace", "7" = "heidi", "8" = "ivan" }"#;
    let quiet = check(everyone, "[5]");
    assert!(!quiet.contains("war_rooms.guild"), "{quiet}");
}

#[test]
fn with_no_config_folder_the_built_in_sample_config_runs() {
    let elsewhere = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_resolvd"))
        .current_dir(elsewhere.path())
        .env_remove("RESOLVD_DATABASE_URL")
        .args(["chat", "--script", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            child.stdin.take().unwrap().write_all(b"alice: my screen flickers\n")?;
            child.wait_with_output()
        })
        .unwrap();
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("we opened T-1"));
    assert!(
        elsewhere.path().join("data/resolvd.db").is_file(),
        "the default database is a SQLite file in ./data"
    );
}

#[test]
fn the_bare_binary_runs_the_console_and_migrate_brings_the_schema_up() {
    let data = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_resolvd"))
        .current_dir(repo_path(""))
        .env_remove("RESOLVD_DATABASE_URL")
        .env("RESOLVD_DATA_DIR", data.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"alice: my screen flickers\nbob: /claim ticket:T-1\n").unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.starts_with("resolvd console."), "{stdout}");
    assert!(stdout.contains("bot → alice: Thanks, we opened T-1"), "{stdout}");
    assert!(stdout.contains("bot → bob (only you): T-1 is already assigned to bob"), "{stdout}");

    let migrate = Command::new(env!("CARGO_BIN_EXE_resolvd"))
        .current_dir(repo_path(""))
        .env_remove("RESOLVD_DATABASE_URL")
        .arg("--data-dir")
        .arg(data.path())
        .arg("migrate")
        .output()
        .unwrap();
    assert!(migrate.status.success());
    assert_eq!(String::from_utf8_lossy(&migrate.stdout).trim(), "database schema is up to date");
}

#[test]
fn kb_search_ranks_the_right_sample_articles_first() {
    let data = tempfile::tempdir().unwrap();
    for (query, first) in
        [("退款", "billing-refund-zh"), ("屏", "screen-"), ("screen flikers", "screen-flicker-en")]
    {
        let output = Command::new(env!("CARGO_BIN_EXE_resolvd"))
            .current_dir(repo_path(""))
            .arg("--data-dir")
            .arg(data.path())
            .args(["kb", "search", query, "--json"])
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let hits: Value = serde_json::from_slice(&output.stdout).unwrap();
        let top = &hits[0];
        assert!(top["id"].as_str().unwrap().starts_with(first), "{query}: {hits:#}");
        assert_eq!(top["source"], "article");
        assert!(top["title"].is_string() && top["score"].as_f64().unwrap() > 0.0);
    }
}

async fn the_knowledge_base_script_self_serves_and_publishes(db: &TestDb) {
    let config = common::config_copy();
    let data = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_resolvd"))
        .env("RESOLVD_DATABASE_URL", &db.url)
        .arg("--config")
        .arg(config.path().join("config"))
        .arg("--data-dir")
        .arg(data.path())
        .args(["chat", "--script"])
        .arg(repo_path("examples/kb.txt"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("[solved:T-1:billing-refund-en]"), "{stdout}");
    assert!(
        stdout.contains("bot → mallory (only you): Knowledge base, “fingerprint sensor”:\n    1. "),
        "{stdout}"
    );
    assert!(!stdout.contains("While you wait, these articles may help with T-2"), "{stdout}");
    let t1 = show(db, data.path(), "T-1");
    assert_eq!((t1["status"].as_str(), t1["close_reason"].as_str()), (Some("closed"), Some("self_served")));
    // The published article is a row of the shared knowledge base, which `kb show` prints.
    assert!(!config.path().join("config/kb/ticket-t-2.md").exists(), "no file is written");
    let shown = Command::new(env!("CARGO_BIN_EXE_resolvd"))
        .env("RESOLVD_DATABASE_URL", &db.url)
        .arg("--config")
        .arg(config.path().join("config"))
        .arg("--data-dir")
        .arg(data.path())
        .args(["kb", "show", "ticket-t-2"])
        .output()
        .unwrap();
    assert!(shown.status.success(), "{}", String::from_utf8_lossy(&shown.stderr));
    assert!(String::from_utf8_lossy(&shown.stdout).contains("source_ticket"), "{shown:?}");
}

#[test]
fn kb_import_takes_yaml_and_toml_articles_and_reports_each_file() {
    let config = common::config_copy();
    let data = tempfile::tempdir().unwrap();
    let incoming = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(incoming.path().join(name), text).unwrap();
    // YAML front matter, as most static-site tools write it; language given as people write it.
    write(
        "id-lanyard-en.md",
        "---\ntitle: Attach a lanyard to the case\ntags: [lanyard, strap]\ndomain: id\nlanguage: en-US\n---\n\nThread the lanyard through the loop at the bottom of the case.\n",
    );
    // TOML front matter without a domain: offered in every domain.
    write(
        "wallpaper-en.md",
        "+++\ntitle = \"Change the wallpaper\"\ntags = [\"wallpaper\"]\n+++\n\nOpen Settings, then Wallpaper, and pick a picture.\n",
    );
    // Only a title: the language is guessed from the text.
    write("id-keyring-zh.md", "---\ntitle: 钥匙扣挂孔松了\n---\n\n把钥匙扣挂绳从挂孔里取出，再重新穿好。\n");
    // Broken YAML on line 3 of the file.
    write("broken.md", "---\ntags: [broken]\ntitle: Broken: twice\n---\n\nbody\n");
    // A domain config does not know.
    write("kitchen-en.md", "+++\ntitle = \"Kitchen timer\"\ndomain = \"kitchen\"\n+++\n\nSet it.\n");
    let resolvd = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_resolvd"))
            .arg("--config")
            .arg(config.path().join("config"))
            .arg("--data-dir")
            .arg(data.path())
            .args(args)
            .output()
            .unwrap()
    };
    let imported = resolvd(&["kb", "import", incoming.path().to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&imported.stdout);
    assert!(!imported.status.success(), "a refused file must show in the exit status:\n{stdout}");
    assert!(stdout.starts_with("imported 3 articles from"), "{stdout}");
    assert!(stdout.contains("refused 2 files"), "{stdout}");
    let line_of = |name: &str| stdout.lines().find(|l| l.contains(name)).unwrap_or_default().to_owned();
    assert!(line_of("id-lanyard-en.md").contains("imported"), "{stdout}");
    assert!(line_of("wallpaper-en.md").contains("imported"), "{stdout}");
    assert!(line_of("id-keyring-zh.md").contains("imported"), "{stdout}");
    let broken = line_of("broken.md");
    assert!(broken.contains("refused") && broken.contains("broken.md:3"), "{stdout}");
    let kitchen = line_of("kitchen-en.md");
    assert!(kitchen.contains("refused") && kitchen.contains("kitchen"), "{stdout}");

    let search = |query: &str| -> Value {
        let found = resolvd(&["kb", "search", query, "--json"]);
        serde_json::from_slice(&found.stdout).unwrap()
    };
    assert_eq!(search("lanyard")[0]["id"], "id-lanyard-en");
    assert_eq!(search("wallpaper")[0]["id"], "wallpaper-en");
    assert_eq!(search("钥匙扣")[0]["id"], "id-keyring-zh");
    assert_eq!(search("kitchen").as_array().map(Vec::len), Some(0));
    let articles = config.path().join("config/kb");
    assert!(articles.join("wallpaper-en.md").exists());
    assert!(!articles.join("broken.md").exists() && !articles.join("kitchen-en.md").exists());
    // What was imported reads back on the next start, refused files were never copied.
    let reindexed = resolvd(&["kb", "reindex"]);
    assert!(reindexed.status.success(), "{}", String::from_utf8_lossy(&reindexed.stderr));
}

#[test]
fn kb_import_adds_a_folder_of_articles_that_search_then_finds() {
    let config = common::config_copy();
    let data = tempfile::tempdir().unwrap();
    let incoming = tempfile::tempdir().unwrap();
    std::fs::write(
        incoming.path().join("id-lanyard-en.md"),
        "+++\ntitle = \"Attach a lanyard to the case\"\ntags = [\"lanyard\", \"strap\"]\ndomain = \"id\"\nlanguage = \"en\"\n+++\n\nThread the lanyard through the loop at the bottom of the case.\n",
    )
    .unwrap();
    let resolvd = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_resolvd"))
            .arg("--config")
            .arg(config.path().join("config"))
            .arg("--data-dir")
            .arg(data.path())
            .args(args)
            .output()
            .unwrap()
    };
    let imported = resolvd(&["kb", "import", incoming.path().to_str().unwrap()]);
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    assert!(String::from_utf8_lossy(&imported.stdout).starts_with("imported 1 article from"));
    let found = resolvd(&["kb", "search", "lanyard", "--json"]);
    let hits: Value = serde_json::from_slice(&found.stdout).unwrap();
    assert_eq!(hits[0]["id"], "id-lanyard-en");
    // A row of the shared knowledge base, so every instance's index follows it.
    let shared = resolvd(&["kb", "show", "id-lanyard-en"]);
    assert!(shared.status.success(), "{}", String::from_utf8_lossy(&shared.stderr));
    assert!(String::from_utf8_lossy(&shared.stdout).contains("Thread the lanyard through the loop"));
    let reindexed = resolvd(&["kb", "reindex"]);
    assert!(reindexed.status.success());
    assert!(String::from_utf8_lossy(&reindexed.stdout).starts_with("reindexed "));
}
