mod kb_support;

use std::cell::RefCell;
use std::sync::Arc;

use kb_support::{copy_sample_articles, ids, sample_kb};
use resolvd::kb::{BuildReason, KbError, KnowledgeBase, OpenOutcome, TicketDoc};

#[test]
fn the_first_open_builds_the_index() {
    let sample = sample_kb();
    assert_eq!(sample.kb.open_outcome(), OpenOutcome::Built(BuildReason::Missing));
    assert_eq!(sample.kb.len(), 38);
}

#[test]
fn reopening_when_no_article_changed_reuses_the_index() {
    let sample = sample_kb().reopen();
    assert_eq!(sample.kb.open_outcome(), OpenOutcome::Reused);
    assert_eq!(ids(&sample.kb, "退款", 1), ["billing-refund-zh"]);
}

#[test]
fn an_edited_article_makes_the_index_stale_and_the_next_open_rebuilds_it() {
    let sample = sample_kb();
    let path = sample.articles_dir().join("screen-flicker-en.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("Work through", "Zanzibar owners: work through")).unwrap();
    let sample = sample.reopen();
    assert_eq!(sample.kb.open_outcome(), OpenOutcome::Built(BuildReason::Stale));
    assert_eq!(ids(&sample.kb, "zanzibar", 3), ["screen-flicker-en"]);
}

#[test]
fn a_removed_article_makes_the_index_stale_and_disappears_from_search() {
    let sample = sample_kb();
    std::fs::remove_file(sample.articles_dir().join("billing-refund-zh.md")).unwrap();
    let sample = sample.reopen();
    assert_eq!(sample.kb.open_outcome(), OpenOutcome::Built(BuildReason::Stale));
    assert!(!ids(&sample.kb, "退款", 10).contains(&"billing-refund-zh".to_owned()));
}

#[test]
fn a_renamed_article_makes_the_index_stale() {
    let sample = sample_kb();
    let dir = sample.articles_dir();
    std::fs::rename(dir.join("rf-5g-zh.md"), dir.join("rf-5g-network-zh.md")).unwrap();
    let sample = sample.reopen();
    assert_eq!(sample.kb.open_outcome(), OpenOutcome::Built(BuildReason::Stale));
    assert_eq!(ids(&sample.kb, "5G网络", 1), ["rf-5g-network-zh"]);
}

#[test]
fn an_unreadable_index_is_rebuilt_rather_than_failing_the_start() {
    let sample = sample_kb();
    std::fs::write(sample.index_dir().join("tantivy/meta.json"), "not json").unwrap();
    let sample = sample.reopen();
    assert_eq!(sample.kb.open_outcome(), OpenOutcome::Built(BuildReason::Incompatible));
    assert_eq!(ids(&sample.kb, "退款", 1), ["billing-refund-zh"]);
}

#[test]
fn an_article_with_bad_front_matter_stops_the_open_and_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let articles = dir.path().join("articles");
    copy_sample_articles(&articles);
    std::fs::write(
        articles.join("broken.md"),
        "+++\ntitle = \"Broken\"\ndomain = \"screen\"\nlanguage = \"fr\"\n+++\nbody\n",
    )
    .unwrap();
    let error = KnowledgeBase::open(&articles, &dir.path().join("index"))
        .err()
        .expect("a bad article must stop the open");
    assert!(matches!(error, KbError::InvalidArticle { .. }), "{error:?}");
    assert!(error.to_string().contains("broken.md"), "{error}");
}

#[test]
fn rebuild_keeps_every_article_and_published_ticket_searchable() {
    let sample = sample_kb();
    sample.kb.publish_ticket(&ticket("T-3", "Hinge creaks")).unwrap();
    sample.kb.rebuild().unwrap();
    assert_eq!(sample.kb.len(), 39);
    assert_eq!(ids(&sample.kb, "hinge", 1), ["T-3"]);
}

#[test]
fn a_published_ticket_survives_a_rebuild_caused_by_an_edited_article() {
    let sample = sample_kb();
    sample.kb.publish_ticket(&ticket("T-4", "Hinge creaks")).unwrap();
    std::fs::remove_file(sample.articles_dir().join("rf-wifi-zh.md")).unwrap();
    let sample = sample.reopen();
    assert_eq!(sample.kb.open_outcome(), OpenOutcome::Built(BuildReason::Stale));
    assert_eq!(ids(&sample.kb, "hinge", 1), ["T-4"]);
}

#[test]
fn a_rebuild_that_meets_a_bad_article_fails_and_leaves_the_index_as_it_was() {
    let sample = sample_kb();
    std::fs::write(sample.articles_dir().join("bad.md"), "no front matter").unwrap();
    assert!(sample.kb.rebuild().is_err());
    assert_eq!(sample.kb.len(), 38);
    sample.kb.publish_ticket(&ticket("T-5", "Hinge creaks")).unwrap();
    assert_eq!(sample.kb.len(), 39);
    assert_eq!(ids(&sample.kb, "退款", 1), ["billing-refund-zh"]);
}

#[test]
fn importing_a_folder_copies_and_indexes_its_articles_and_reports_progress() {
    let sample = sample_kb();
    let incoming = tempfile::tempdir().unwrap();
    std::fs::write(
        incoming.path().join("id-lanyard-en.md"),
        "+++\ntitle = \"Attach a lanyard\"\ntags = [\"lanyard\"]\ndomain = \"id\"\nlanguage = \"en\"\n+++\n\nThread the loop through the hole in the case.\n",
    )
    .unwrap();
    std::fs::write(
        incoming.path().join("id-lanyard-zh.md"),
        "+++\ntitle = \"安装挂绳\"\ntags = [\"挂绳\"]\ndomain = \"id\"\nlanguage = \"zh\"\n+++\n\n把挂绳穿过手机壳底部的小孔。\n",
    )
    .unwrap();
    let calls = RefCell::new(Vec::new());
    let imported = sample
        .kb
        .import_dir_with_progress(incoming.path(), &|done, total| calls.borrow_mut().push((done, total)))
        .unwrap();
    assert_eq!(imported, 2);
    assert_eq!(calls.into_inner(), [(1, 2), (2, 2)]);
    assert_eq!(ids(&sample.kb, "lanyard", 1), ["id-lanyard-en"]);
    assert_eq!(ids(&sample.kb, "挂绳", 1), ["id-lanyard-zh"]);
    assert!(sample.articles_dir().join("id-lanyard-zh.md").exists());
    // The import was recorded in the fingerprint, so it is not mistaken for an outside edit.
    assert_eq!(sample.reopen().kb.open_outcome(), OpenOutcome::Reused);
}

#[test]
fn an_import_with_one_bad_file_copies_nothing() {
    let sample = sample_kb();
    let incoming = tempfile::tempdir().unwrap();
    std::fs::write(
        incoming.path().join("good.md"),
        "+++\ntitle = \"Good\"\ndomain = \"id\"\nlanguage = \"en\"\n+++\n\nFine.\n",
    )
    .unwrap();
    std::fs::write(incoming.path().join("bad.md"), "no front matter").unwrap();
    assert!(sample.kb.import_dir(incoming.path()).is_err());
    assert!(!sample.articles_dir().join("good.md").exists());
}

#[test]
fn the_knowledge_base_can_be_searched_from_several_threads_at_once() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<KnowledgeBase>();

    let sample = sample_kb();
    let kb = Arc::new(sample.kb);
    let threads: Vec<_> = (0..4)
        .map(|i| {
            let kb = Arc::clone(&kb);
            std::thread::spawn(move || {
                if i == 0 {
                    kb.publish_ticket(&ticket("T-9", "Hinge creaks")).unwrap();
                }
                kb.search("退款", 1).unwrap()[0].id.clone()
            })
        })
        .collect();
    for thread in threads {
        assert_eq!(thread.join().unwrap(), "billing-refund-zh");
    }
}

fn ticket(reference: &str, title: &str) -> TicketDoc {
    TicketDoc {
        reference: reference.to_owned(),
        title: title.to_owned(),
        problem: "The hinge of the folding model creaks when opened.".to_owned(),
        resolution: "Replaced the hinge cover under warranty.".to_owned(),
    }
}
