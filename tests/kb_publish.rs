mod kb_support;

use kb_support::{ids, sample_kb};
use resolvd::kb::{KbError, Language, OpenOutcome, Source, TicketDoc, draft_from_ticket};

fn resolved_ticket() -> TicketDoc {
    TicketDoc {
        reference: "T-12".to_owned(),
        title: "Earpiece crackles on calls after the 4.2 update".to_owned(),
        problem: "Since updating to 4.2 the earpiece crackles during every call.".to_owned(),
        resolution: "Fixed by the 4.2.1 audio patch; clearing the audio cache helps until then.".to_owned(),
    }
}

#[test]
fn a_published_ticket_is_found_by_the_next_search_on_the_same_instance() {
    let sample = sample_kb();
    assert!(!ids(&sample.kb, "earpiece crackles", 10).contains(&"T-12".to_owned()));
    sample.kb.publish_ticket(&resolved_ticket()).unwrap();
    let hits = sample.kb.search("earpiece crackles", 3).unwrap();
    assert_eq!(hits[0].id, "T-12");
    assert_eq!(hits[0].source, Source::Ticket);
    assert_eq!(hits[0].domain, None);
}

#[test]
fn publishing_a_ticket_again_replaces_it() {
    let sample = sample_kb();
    sample.kb.publish_ticket(&resolved_ticket()).unwrap();
    let mut updated = resolved_ticket();
    updated.title = "Earpiece hisses on calls".to_owned();
    updated.problem = "The earpiece hisses.".to_owned();
    updated.resolution = "Audio patch.".to_owned();
    sample.kb.publish_ticket(&updated).unwrap();
    assert!(!ids(&sample.kb, "crackles", 10).contains(&"T-12".to_owned()));
    assert_eq!(ids(&sample.kb, "hisses", 1), ["T-12"]);
}

#[test]
fn a_ticket_reference_that_is_not_a_safe_file_name_is_rejected() {
    let sample = sample_kb();
    let mut ticket = resolved_ticket();
    ticket.reference = "../T-12".to_owned();
    let error = sample.kb.publish_ticket(&ticket).unwrap_err();
    assert!(matches!(error, KbError::InvalidTicketReference { .. }), "{error:?}");
}

#[test]
fn a_draft_from_a_resolved_ticket_is_found_as_soon_as_it_is_published() {
    let sample = sample_kb();
    let draft = draft_from_ticket(&resolved_ticket(), "rf");
    sample.kb.publish_article(&draft).unwrap();

    let hit = &sample.kb.search("earpiece crackles", 1).unwrap()[0];
    assert_eq!(hit.id, "ticket-t-12");
    assert_eq!(hit.source, Source::Article);
    assert_eq!(hit.domain.as_deref(), Some("rf"));

    let saved = std::fs::read_to_string(sample.articles_dir().join("ticket-t-12.md")).unwrap();
    assert!(saved.starts_with("+++\n"));
    assert!(saved.contains("source_ticket = \"T-12\""));
    assert!(saved.contains("clearing the audio cache"));
}

#[test]
fn an_article_published_through_the_knowledge_base_does_not_make_the_next_open_rebuild() {
    let sample = sample_kb();
    sample.kb.publish_article(&draft_from_ticket(&resolved_ticket(), "rf")).unwrap();
    let sample = sample.reopen();
    assert_eq!(sample.kb.open_outcome(), OpenOutcome::Reused);
    assert_eq!(ids(&sample.kb, "crackles", 1), ["ticket-t-12"]);
}

#[test]
fn a_chinese_ticket_becomes_a_chinese_draft_found_by_two_characters() {
    let sample = sample_kb();
    let ticket = TicketDoc {
        reference: "T-30".to_owned(),
        title: "折叠屏铰链处有折痕".to_owned(),
        problem: "用户反映折叠屏中间折痕明显。".to_owned(),
        resolution: "说明折痕属于正常现象，贴膜起泡的更换贴膜。".to_owned(),
    };
    let draft = draft_from_ticket(&ticket, "screen");
    assert_eq!(draft.language, Language::Zh);
    sample.kb.publish_article(&draft).unwrap();
    assert_eq!(ids(&sample.kb, "折痕", 1), ["ticket-t-30"]);
}

#[test]
fn an_article_that_would_not_read_back_is_rejected_and_not_written() {
    let sample = sample_kb();
    let mut draft = draft_from_ticket(&resolved_ticket(), "rf");
    draft.title = "  ".to_owned();
    let error = sample.kb.publish_article(&draft).unwrap_err();
    assert!(matches!(error, KbError::InvalidArticle { .. }), "{error:?}");
    assert!(!sample.articles_dir().join("ticket-t-12.md").exists());
}
