mod kb_support;

use kb_support::{ids, sample_kb};
use resolvd::kb::{Article, ArticleId, KnowledgeBase, Language, Source};

#[test]
fn the_two_characters_for_refund_rank_the_chinese_refund_article_first() {
    let sample = sample_kb();
    assert_eq!(ids(&sample.kb, "退款", 3)[0], "billing-refund-zh");
}

#[test]
fn one_character_of_refund_finds_the_chinese_refund_article() {
    let sample = sample_kb();
    assert!(ids(&sample.kb, "退", 3).contains(&"billing-refund-zh".to_owned()));
}

#[test]
fn the_character_for_screen_ranks_a_chinese_screen_article_first() {
    let sample = sample_kb();
    let top = &sample.kb.search("屏", 1).unwrap()[0];
    assert_eq!(top.domain.as_deref(), Some("screen"));
    assert_eq!(top.language, Language::Zh);
    assert!(top.title.contains('屏'), "{top:?}");
}

#[test]
fn the_word_for_screen_finds_chinese_screen_articles() {
    let sample = sample_kb();
    let hits = sample.kb.search("屏幕", 3).unwrap();
    assert!(hits.iter().all(|h| h.language == Language::Zh), "{hits:?}");
    assert_eq!(hits[0].domain.as_deref(), Some("screen"));
}

#[test]
fn a_misspelt_screen_flickers_ranks_the_flicker_article_first() {
    let sample = sample_kb();
    assert_eq!(ids(&sample.kb, "screen flikers", 3)[0], "screen-flicker-en");
}

#[test]
fn every_inflection_of_flicker_finds_the_flicker_article() {
    let sample = sample_kb();
    for query in ["flicker", "flickers", "flickering", "flickered", "Flickering"] {
        assert_eq!(ids(&sample.kb, query, 1), ["screen-flicker-en"], "{query}");
    }
}

#[test]
fn a_one_letter_typo_finds_the_article_the_word_is_in() {
    let sample = sample_kb();
    for (typo, id) in [
        ("refnud", "billing-refund-en"),
        ("pasword", "account-password-reset-en"),
        ("invoise", "billing-invoice-en"),
        ("flikker", "screen-flicker-en"),
    ] {
        assert_eq!(ids(&sample.kb, typo, 1), [id], "{typo}");
    }
}

#[test]
fn a_typo_scores_below_the_correctly_spelt_word() {
    let sample = sample_kb();
    let exact = &sample.kb.search("refund", 1).unwrap()[0];
    let typo = &sample.kb.search("refnud", 1).unwrap()[0];
    assert_eq!(exact.id, typo.id);
    assert!(typo.score < exact.score, "typo {} vs exact {}", typo.score, exact.score);
}

#[test]
fn typos_in_words_shorter_than_four_letters_are_not_corrected() {
    let sample = sample_kb();
    assert!(ids(&sample.kb, "gpz", 3).is_empty());
}

#[test]
fn a_word_in_the_title_outranks_the_same_word_in_a_body() {
    let dir = tempfile::tempdir().unwrap();
    let articles = dir.path().join("articles");
    std::fs::create_dir_all(&articles).unwrap();
    let kb = KnowledgeBase::open(&articles, &dir.path().join("index")).unwrap();
    let article = |id: &str, title: &str, body: &str| Article {
        id: ArticleId::parse(id).unwrap(),
        title: title.to_owned(),
        tags: Vec::new(),
        domain: Some("id".to_owned()),
        language: Language::En,
        source_ticket: None,
        author: None,
        body: body.to_owned(),
    };
    kb.publish_article(&article("in-body", "Case fit", "A lanyard hole sits at the bottom.")).unwrap();
    kb.publish_article(&article("in-title", "Lanyard hole", "Sits at the bottom of the case.")).unwrap();
    assert_eq!(ids(&kb, "lanyard", 2), ["in-title", "in-body"]);
}

#[test]
fn hits_carry_title_domain_language_and_source() {
    let sample = sample_kb();
    let hit = &sample.kb.search("Screen flickers or blinks", 1).unwrap()[0];
    assert_eq!(hit.id, "screen-flicker-en");
    assert_eq!(hit.title, "Screen flickers or blinks");
    assert_eq!(hit.domain.as_deref(), Some("screen"));
    assert_eq!(hit.language, Language::En);
    assert_eq!(hit.source, Source::Article);
    assert!(hit.score > 0.0);
}

#[test]
fn hits_come_back_best_first_and_no_more_than_asked() {
    let sample = sample_kb();
    let hits = sample.kb.search("signal", 4).unwrap();
    assert_eq!(hits.len(), 4);
    assert!(hits.windows(2).all(|pair| pair[0].score >= pair[1].score));
}

#[test]
fn words_the_index_has_never_seen_find_nothing() {
    let sample = sample_kb();
    assert!(ids(&sample.kb, "xylophone", 5).is_empty());
    assert!(ids(&sample.kb, "   ", 5).is_empty());
    assert!(ids(&sample.kb, "refund", 0).is_empty());
}
