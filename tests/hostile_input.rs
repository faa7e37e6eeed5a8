//! Hostile input, whatever a customer, a script or a command line says: properties over the
//! cleaning function, the console line parser, command options and config durations (no panic,
//! no control or direction character out, no live mention out, bounded output), and each
//! reproducer of issue 17 as a named regression test through the binary.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{TestDb, repo_path};
use proptest::prelude::*;
use resolvd::chat::console::line::{Input, parse_line};
use resolvd::domain::sla::SlaDuration;
use resolvd::domain::text::{clean, elide};

on_both_databases!(
    a_megabyte_of_random_words_is_taken_in_whole_and_quoted_short,
    a_control_character_inside_a_mention_does_not_revive_it,
    a_mention_as_a_customer_name_is_not_live_in_the_console_header,
    a_line_that_is_not_utf8_is_answered_and_the_script_goes_on,
    a_user_name_of_seventy_thousand_characters_is_refused,
    declining_s_level_on_an_unclassified_ticket_says_so,
);

// ----- properties ---------------------------------------------------------------------------------

fn no_live_mention(text: &str) -> bool {
    !["@everyone", "@here", "<@&", "<@!"].iter().any(|live| text.contains(live))
        && !text.as_bytes().windows(3).any(|w| w[0] == b'<' && w[1] == b'@' && w[2].is_ascii_digit())
}

fn shown_safely(text: &str) -> bool {
    !text.chars().any(|c| (c.is_control() && c != '\n') || resolvd::domain::text::is_bidi_control(c))
}

/// Text built from the pieces hostile input is made of.
fn hostile_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("@everyone".to_owned()),
        Just("@here".to_owned()),
        Just("<@&123>".to_owned()),
        Just("<@!42>".to_owned()),
        Just("<@42>".to_owned()),
        Just("@".to_owned()),
        Just("<".to_owned()),
        Just("\u{1b}]0;pwned\u{7}".to_owned()),
        Just("\u{202e}".to_owned()),
        Just("\u{61c}".to_owned()),
        Just("\u{85}".to_owned()),
        Just("\0".to_owned()),
        Just("\t".to_owned()),
        Just("\n".to_owned()),
        Just(":".to_owned()),
        Just("\"".to_owned()),
        Just("/".to_owned()),
        Just("!press ".to_owned()),
        Just("!attach ".to_owned()),
        "[a-z]{1,8}",
        "[一-龥]{1,4}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn cleaned_text_has_no_control_no_direction_and_no_live_mention(text in hostile_text()) {
        let safe = clean(&text);
        prop_assert!(shown_safely(&safe), "{safe:?}");
        prop_assert!(no_live_mention(&safe), "{text:?} became {safe:?}");
        // A zero-width break per `@` at most.
        prop_assert!(safe.chars().count() <= 2 * text.chars().count());
        prop_assert_eq!(clean(&safe), safe.clone(), "cleaning twice changes nothing");
    }

    #[test]
    fn elided_text_is_bounded(text in hostile_text(), max in 0usize..50) {
        let shown = elide(&text, max);
        prop_assert!(shown_safely(&shown) && no_live_mention(&shown));
        prop_assert!(shown.chars().count() <= max + 40, "{shown:?}");
    }

    #[test]
    fn any_console_line_parses_or_says_why(user in "[a-z]{1,8}|.{0,80}", text in hostile_text()) {
        let line = format!("{user}: {text}");
        match parse_line(&line) {
            Ok(Some(parsed)) => {
                prop_assert!(parsed.user.chars().count() <= 64);
                if let Input::Command(invocation) = parsed.input {
                    // Command options are checked against the definitions without panicking.
                    let _ = common::sample_config().commands.check(&invocation);
                }
            }
            Ok(None) => {}
            Err(message) => prop_assert!(!message.is_empty() && clean(&message).chars().count() < 400 + line.chars().count()),
        }
    }

    #[test]
    fn any_duration_text_parses_within_ten_years_or_is_refused(text in "[0-9]{0,25} ?(m|h|d|min|hours|working days|x)?( [0-9]{0,20}h)?|.{0,30}") {
        if let Ok(duration) = SlaDuration::parse(&text) {
            prop_assert!(duration.days_part() <= 10 * 366, "{text:?}");
            prop_assert!(duration.business_time() <= chrono::TimeDelta::days(10 * 366), "{text:?}");
        }
    }
}

// ----- the reproducers, through the binary ------------------------------------------------------

fn resolvd(db: &TestDb, data_dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_resolvd"));
    command.current_dir(repo_path("")).env("RESOLVD_DATABASE_URL", &db.url).arg("--data-dir").arg(data_dir);
    command
}

fn chat_bytes(db: &TestDb, data_dir: &std::path::Path, script: &[u8]) -> (bool, String) {
    let mut child = resolvd(db, data_dir)
        .args(["chat", "--script", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let script = script.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&script));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    let text =
        String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), text)
}

fn show(db: &TestDb, data_dir: &std::path::Path, reference: &str) -> serde_json::Value {
    let output = resolvd(db, data_dir).args(["ticket", "show", reference, "--json"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

async fn a_megabyte_of_random_words_is_taken_in_whole_and_quoted_short(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    let mut seed: u64 = 17;
    let mut words = Vec::new();
    let mut bytes = 0;
    while bytes < 1_000_000 {
        let len = 4 + (seed % 6) as usize;
        let word: String = (0..len)
            .map(|_| {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                char::from(b'a' + ((seed >> 33) % 26) as u8)
            })
            .collect();
        bytes += word.len() + 1;
        words.push(word);
    }
    let text = words.join(" ");
    let (ok, out) = chat_bytes(db, data.path(), format!("zoe: {text}\n").as_bytes());
    assert!(ok && out.contains("we opened T-1"), "{}", &out[..out.len().min(500)]);
    assert!(out.len() < 20_000, "the bot quotes a prefix, not the megabyte: {} bytes", out.len());
    let view = show(db, data.path(), "T-1");
    assert_eq!(view["events"][0]["text"].as_str().unwrap().len(), text.len(), "stored whole");
}

async fn a_control_character_inside_a_mention_does_not_revive_it(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    let (ok, out) = chat_bytes(
        db,
        data.path(),
        "alice: hi @\u{7}everyone and <\u{0}@&123> and @\u{202e}here\n".as_bytes(),
    );
    assert!(ok, "{out}");
    assert!(no_live_mention(&out) && shown_safely(&out), "{out:?}");
    assert!(out.contains("we opened T-1"), "{out}");
}

async fn a_mention_as_a_customer_name_is_not_live_in_the_console_header(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    let (ok, out) = chat_bytes(db, data.path(), b"bob: /ticket customer:@everyone text:\"hi\"\n");
    assert!(ok, "{out}");
    assert!(out.contains("bot → @\u{200b}everyone"), "the header is cleaned too: {out}");
    assert!(no_live_mention(&out), "{out:?}");
}

async fn a_line_that_is_not_utf8_is_answered_and_the_script_goes_on(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    let (ok, out) = chat_bytes(db, data.path(), b"alice: hello\nalice: bad \xff\xfe bytes\nalice: after\n");
    assert!(out.contains("! line 2: the line is not UTF-8 text; it is skipped"), "{out}");
    assert!(ok, "a bad line is not the end of the script: {out}");
    let view = show(db, data.path(), "T-1");
    let texts = view["events"].to_string();
    assert!(texts.contains("hello") && texts.contains("after"), "the third line was read: {texts}");
}

async fn a_user_name_of_seventy_thousand_characters_is_refused(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    let name = "a".repeat(70_000);
    let (_, out) = chat_bytes(db, data.path(), format!("{name}: hello\n").as_bytes());
    assert!(out.contains("a user name is at most 64 characters"), "{}", &out[..out.len().min(300)]);
    assert!(out.len() < 1_000, "the name is not echoed: {} bytes", out.len());
}

async fn declining_s_level_on_an_unclassified_ticket_says_so(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    let (_, out) = chat_bytes(db, data.path(), b"alice: something odd\nerin: !press sdecline:T-1\n");
    assert!(out.contains("T-1 has no domain, so no S-level request to answer"), "{out}");
    assert!(!out.contains("the  domain"), "{out}");
}

#[test]
fn a_closed_pipe_ends_a_listing_without_a_panic() {
    let data = tempfile::tempdir().unwrap();
    for args in [&["ticket", "list"][..], &["check"], &["kb", "search", "screen"], &["--help"]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_resolvd"))
            .current_dir(repo_path(""))
            .env_remove("RESOLVD_DATABASE_URL")
            .arg("--data-dir")
            .arg(data.path())
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // the reader went away
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked") && output.status.code() != Some(101), "{args:?}: {stderr}");
    }
}

#[test]
fn command_line_errors_echo_no_escape() {
    let output = Command::new(env!("CARGO_BIN_EXE_resolvd"))
        .current_dir(repo_path(""))
        .args(["ticket", "show", "\u{1b}]0;pwned\u{7}\u{202e}"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(shown_safely(&stderr.replace('\n', "")), "{stderr:?}");
    let unknown = Command::new(env!("CARGO_BIN_EXE_resolvd")).args(["\u{1b}[2Jwipe"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(!unknown.status.success() && !stderr.contains('\u{1b}'), "{stderr:?}");
}

#[test]
fn an_article_of_an_unknown_domain_is_not_imported() {
    let data = tempfile::tempdir().unwrap();
    let config = common::config_copy();
    let articles = tempfile::tempdir().unwrap();
    std::fs::write(
        articles.path().join("toaster.md"),
        "+++\ntitle = \"Toaster smokes\"\ndomain = \"toasters\"\nlanguage = \"en\"\n+++\nUnplug it.\n",
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_resolvd"))
        .current_dir(repo_path(""))
        .env_remove("RESOLVD_DATABASE_URL")
        .arg("--config")
        .arg(config.path().join("config"))
        .arg("--data-dir")
        .arg(data.path())
        .args(["kb", "import"])
        .arg(articles.path())
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success(), "{report}");
    assert!(report.contains("toaster.md: domain `toasters` is not in domains.toml"), "{report}");
    assert!(report.starts_with("imported 0 articles"), "{report}");
    assert!(!config.path().join("config/kb/toaster.md").exists(), "nothing was imported");
}
