//! The message catalogues: the shipped ones are complete and alike, a broken one is refused
//! naming its file, and the binary's `check` stops on nothing but a good set. Through the binary,
//! a desk whose staff read Chinese gets no English words from the bot: the knowledge base's
//! replies, storms, `/queue` and `/stats` errors, `/kb publish` and the console's own words, on
//! SQLite and PostgreSQL.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{TestDb, ok, repo_path};
use resolvd::i18n::{Catalog, Locale, Msg};

on_both_databases!(
    a_chinese_desk_reads_the_knowledge_base_and_its_errors_in_chinese,
    a_chinese_desk_reads_a_storm_in_chinese_while_its_customers_read_english,
);

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_shipped_catalogues_have_the_same_keys_with_the_same_variables() {
    let shipped = Catalog::from_dir(&root().join("locales")).expect("locales/ is complete");
    let english: BTreeSet<String> = shipped.keys(Locale::En).into_iter().collect();
    let chinese: BTreeSet<String> = shipped.keys(Locale::ZhCn).into_iter().collect();
    assert_eq!(english, chinese);
    assert!(english.len() > 100, "only {} keys", english.len());
    resolvd::i18n::check().expect("the built-in catalogue is the shipped one");
}

#[test]
fn a_catalogue_folder_missing_a_key_is_refused_naming_the_file_and_the_key() {
    let error = Catalog::from_dir(&root().join("tests/i18n_broken")).unwrap_err();
    assert!(error.file.ends_with("zh-CN.ftl"), "{error}");
    assert!(error.to_string().contains("`farewell` is missing"), "{error}");
}

#[test]
fn a_catalogue_folder_missing_a_language_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("en.ftl"), "a = A\n").unwrap();
    let error = Catalog::from_dir(dir.path()).unwrap_err();
    assert!(error.to_string().contains("zh-CN.ftl"), "{error}");
}

#[test]
fn text_that_is_not_fluent_is_refused_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("en.ftl"), "a = A\nb = { $x\n").unwrap();
    std::fs::write(dir.path().join("zh-CN.ftl"), "a = 甲\n").unwrap();
    let error = Catalog::from_dir(dir.path()).unwrap_err();
    assert!(error.file.ends_with("en.ftl"), "{error}");
    assert!(matches!(error.line, Some(2..=3)), "{error}");
}

#[test]
fn the_resolution_card_reads_in_each_language() {
    let card = Msg::new("card-resolved").arg("ticket", "T-4").arg("resolution", "firmware 2.1");
    assert_eq!(
        resolvd::i18n::text(Locale::En, &card),
        "T-4 is resolved: firmware 2.1\nIs it fixed? And how did we do, from 1 to 5?"
    );
    assert!(resolvd::i18n::text(Locale::ZhCn, &card).starts_with("T-4 已解决：firmware 2.1"));
}

/// `resolvd` on a copy of the config (the scripts draft articles), for a desk whose
/// `default_locale` is Chinese: staff without a locale of their own read Chinese.
fn chinese_desk(db: &TestDb, config: &Path, data: &Path) -> std::process::Command {
    let mut command = common::resolvd(db, data);
    command.env("RESOLVD_DEFAULT_LOCALE", "zh-CN").arg("--config").arg(config);
    command
}

/// The posts and replies of a transcript for `whom` (`bot → WHOM…`), with their further lines.
fn blocks_for(stdout: &str, whom: impl Fn(&str) -> bool) -> String {
    let mut text = String::new();
    let mut inside = false;
    for line in stdout.lines() {
        if let Some(head) = line.strip_prefix("bot → ") {
            inside = whom(head);
        } else if !line.starts_with("    ") && !line.starts_with("  (") && !line.starts_with("  （") {
            inside = false;
        }
        if inside {
            text.push_str(line);
            text.push('\n');
        }
    }
    text
}

/// The words of English left in `text` once what belongs to no language is taken out: the
/// console's `bot →` marker, what people wrote (quoted “…”, `> ` lines, `…` in backticks, a
/// draft article's own text), commands with their subcommand, references, ids and options (a word
/// with a digit, `-`, `:`, `/`, `_` or `.`), and the names of people, domains, kinds and options.
fn english_words(text: &str) -> Vec<String> {
    const NAMES: [&str; 29] = [
        "bob", "erin", "carol", "frank", "dave", "grace", "heidi", "ivan", "alice", "mallory", "wang", "li",
        "zhao", "chen", "sun", "zhou", "screen", "rf", "id", "fault", "view", "mine", "all", "text", "title",
        "draft", "article", "Markdown", "S",
    ];
    let quoted = regex::Regex::new(r"“[^”]*”|`[^`]*`").unwrap();
    let command = regex::Regex::new(r"/kb [a-z]+").unwrap();
    let syntax = regex::Regex::new(r"\S*[0-9:/_.@-]\S*").unwrap();
    let word = regex::Regex::new(r"[A-Za-z]+").unwrap();
    let mut found = Vec::new();
    let mut in_draft = false;
    for line in text.lines() {
        if line.starts_with("bot → ") {
            // A draft article's text is the article's, in the language of its ticket.
            in_draft = line.contains(" 起草 ") || line.contains("已编辑 ");
        } else if in_draft {
            continue;
        }
        let line = line.trim_start().trim_start_matches("bot → ");
        if line.starts_with('>') {
            continue;
        }
        let line = quoted.replace_all(line, " ");
        let line = command.replace_all(&line, " ");
        let line = syntax.replace_all(&line, " ");
        for w in word.find_iter(&line) {
            if !NAMES.contains(&w.as_str()) {
                found.push(w.as_str().to_owned());
            }
        }
    }
    found
}

fn staff_of_the_desk(head: &str) -> bool {
    ["bob", "carol", "erin", "frank"]
        .iter()
        .any(|p| head.starts_with(&format!("{p}:")) || head.starts_with(&format!("{p} ")))
        || head.contains("的工作人员")
        || head.contains("的作战室")
}

async fn a_chinese_desk_reads_the_knowledge_base_and_its_errors_in_chinese(db: &TestDb) {
    let copy = common::config_copy();
    let config = copy.path().join("config");
    let data = tempfile::tempdir().unwrap();
    let script = repo_path("examples/languages-desk.txt");
    let stdout =
        ok(chinese_desk(db, &config, data.path()).args(["chat", "--script"]).arg(&script).output().unwrap());
    let staff = blocks_for(&stdout, staff_of_the_desk);
    for chinese in [
        "bob (仅你可见): page:0 超出范围；页码从 1 开始",
        "`lastweek` 不是有效的范围",
        "范围为 1d 到 366d，不能是 0d",
        "图表（如有显示）：每天的工单数，+ 为新建，✓ 为关闭。",
        "篇文章都还没有被推荐、解决过工单或被引用。",
        "没有缺口：在查看的 0 张已解决工单中",
        "没有文章 `no-such-article`；可用 /kb search 查找",
        "T-1 引用了 billing-refund-en",
        "billing-refund-en 之前已在 T-1 上被引用；每张工单只计一次",
        "/kb publish 需要 article:…",
        "中的问题仍是客户的原话，不会被发布",
        "没有草稿 `ticket-t-9`",
        "已发布 ticket-t-1：现在即可搜索",
        "`ticket-t-1` 已经发布",
        "T-1 的工作人员",
    ] {
        assert!(staff.contains(chinese), "staff read {chinese:?}:\n{staff}");
    }
    let english = english_words(&staff);
    assert!(english.is_empty(), "no English for the Chinese desk, found {english:?} in\n{staff}");
    // The customer writes English, so she reads English; her ticket's title is her words.
    let alice = blocks_for(&stdout, |head| head.starts_with("alice"));
    assert!(alice.contains("Thanks, we opened T-1 for you."), "{alice}");
    let file =
        ok(chinese_desk(db, &config, data.path()).args(["kb", "show", "ticket-t-1"]).output().unwrap());
    assert!(file.contains("The phone heats up while charging"), "{file}");
}

async fn a_chinese_desk_reads_a_storm_in_chinese_while_its_customers_read_english(db: &TestDb) {
    let copy = common::config_copy();
    let config = copy.path().join("config");
    let data = tempfile::tempdir().unwrap();
    let script = repo_path("examples/storm.txt");
    let stdout =
        ok(chinese_desk(db, &config, data.path()).args(["chat", "--script"]).arg(&script).output().unwrap());
    let staff = blocks_for(&stdout, staff_of_the_desk);
    for chinese in [
        "screen 领域出现风暴：15 分钟内有 5 张相似的新工单（T-1、T-2、T-4、T-5和T-6）",
        "[stormconfirm:T-1] 确认：合并为一个事件",
        "[stormdecline:T-1] 拒绝",
        "已请负责人 erin 确认将它们合并为一个事件。",
        "与 T-1 的风暴相似，该风暴正在等待负责人答复",
        "只有 screen 领域的负责人（erin）可以答复 T-1 的风暴",
        "T-1 已成为事件（S 级，作战室",
        "已关联 5 张工单",
        "T-1 的风暴已由 erin 确认",
        "T-1 是一场风暴：已有 5 张工单关联到它",
        "，并送达 5 张关联工单的客户",
        "；5 张关联工单随之解决，每位客户都收到了自己的解决确认卡",
    ] {
        assert!(staff.contains(chinese), "staff read {chinese:?}:\n{staff}");
    }
    let english = english_words(&staff);
    assert!(english.is_empty(), "no English for the Chinese desk, found {english:?} in\n{staff}");
    // Each customer wrote English and reads English: the storm's words to them included.
    let zhou = blocks_for(&stdout, |head| head.starts_with("zhou"));
    assert!(zhou.contains("Other customers are reporting the same problem as your T-7"), "{zhou}");
    let cjk = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
    assert!(!zhou.chars().any(cjk), "zhou reads no Chinese: {zhou}");
}
