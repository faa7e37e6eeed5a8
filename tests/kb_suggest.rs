mod kb_support;

use kb_support::sample_kb;
use resolvd::kb::{Article, ArticleId, Language, Source, TicketDoc};

fn suggested(sample: &kb_support::Sample, message: &str) -> Vec<String> {
    sample.kb.suggest(message).unwrap().into_iter().map(|hit| hit.id).collect()
}

#[test]
fn a_customer_asking_for_a_refund_is_offered_the_refund_article() {
    let sample = sample_kb();
    let ids = suggested(&sample, "hi, I want a refund for my order");
    assert_eq!(ids.first().map(String::as_str), Some("billing-refund-en"), "{ids:?}");
}

#[test]
fn a_chinese_refund_request_is_offered_the_chinese_refund_article() {
    let sample = sample_kb();
    let ids = suggested(&sample, "你好，我想申请退款");
    assert_eq!(ids.first().map(String::as_str), Some("billing-refund-zh"), "{ids:?}");
}

#[test]
fn a_customer_whose_screen_flickers_is_offered_the_flicker_article() {
    let sample = sample_kb();
    let ids = suggested(&sample, "My screen keeps flickering when the brightness is low");
    assert_eq!(ids.first().map(String::as_str), Some("screen-flicker-en"), "{ids:?}");
}

#[test]
fn a_chinese_message_about_a_green_line_is_offered_the_green_line_article() {
    let sample = sample_kb();
    let ids = suggested(&sample, "手机屏幕出现一条绿线怎么办");
    assert_eq!(ids.first().map(String::as_str), Some("screen-green-line-zh"), "{ids:?}");
}

#[test]
fn messages_about_things_the_knowledge_base_does_not_cover_get_no_suggestion() {
    let sample = sample_kb();
    for message in [
        "what is the weather like on Mars tomorrow",
        "my cat ate my charger cable",
        "can you recommend a good pizza place nearby",
        "how do I cook rice",
        "明天火星上的天气怎么样",
        "我家的猫把充电线咬断了",
        "我想买一台新电脑",
    ] {
        assert_eq!(suggested(&sample, message), Vec::<String>::new(), "{message}");
    }
}

#[test]
fn an_empty_message_gets_no_suggestion() {
    let sample = sample_kb();
    assert!(suggested(&sample, "  ").is_empty());
}

#[test]
fn no_more_than_three_articles_are_suggested() {
    let sample = sample_kb();
    let message = "screen flicker touch burn-in brightness green line black screen 屏幕 黑屏 绿线";
    assert!(suggested(&sample, message).len() <= 3);
}

#[test]
fn tickets_are_never_suggested_to_customers() {
    let sample = sample_kb();
    sample
        .kb
        .publish_ticket(&TicketDoc {
            reference: "T-7".to_owned(),
            title: "Refund for order not received".to_owned(),
            problem: "Customer wants a refund for an order that never arrived.".to_owned(),
            resolution: "Refund issued after the courier confirmed the loss.".to_owned(),
        })
        .unwrap();
    let hits = sample.kb.suggest("I want a refund for my order").unwrap();
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|hit| hit.source == Source::Article), "{hits:?}");
}

#[test]
fn a_correctly_spelt_word_is_not_read_as_a_typo_of_another() {
    let sample = sample_kb();
    // "black" is no word of the index, but it is no typo of "back" either.
    let ids = suggested(&sample, "black screen after the update");
    assert!(!ids.iter().any(|id| id == "id-scratches-en"), "{ids:?}");
    // Nor is "pain" one of "pin".
    sample
        .kb
        .publish_article(&Article {
            id: ArticleId::parse("account-sim-pin-en").unwrap(),
            title: "Change or unlock the SIM PIN".to_owned(),
            tags: vec!["pin".to_owned(), "sim".to_owned()],
            domain: None,
            language: Language::En,
            source_ticket: None,
            author: None,
            body: "Open Settings, then SIM, then PIN, and enter the old PIN before the new one.".to_owned(),
        })
        .unwrap();
    let ids = suggested(&sample, "how do I change my sim pin");
    assert!(ids.iter().any(|id| id == "account-sim-pin-en"), "{ids:?}");
    let ids = suggested(&sample, "pain in my wrist from holding the phone");
    assert!(!ids.iter().any(|id| id == "account-sim-pin-en"), "{ids:?}");
}

#[test]
fn a_real_typo_still_finds_its_article() {
    let sample = sample_kb();
    let ids = suggested(&sample, "my screen flikers");
    assert_eq!(ids.first().map(String::as_str), Some("screen-flicker-en"), "{ids:?}");
}

#[test]
fn a_message_about_another_device_gets_no_offer_while_its_phone_twin_does() {
    let sample = sample_kb();
    for (other_device, twin, article) in [
        (
            "my laptop screen flickers when the brightness is low",
            "my screen flickers when the brightness is low",
            "screen-flicker-en",
        ),
        (
            "my tablet touch screen does not respond to my fingers",
            "my touch screen does not respond to my fingers",
            "screen-touch-unresponsive-en",
        ),
        ("the microwave door button is stuck", "the volume button is stuck", "id-button-stuck-en"),
        ("我的笔记本电脑屏幕出现一条绿线", "手机屏幕出现一条绿线", "screen-green-line-zh"),
        ("投影仪黑屏但是有声音", "黑屏了但是有声音", "screen-black-zh"),
        ("视频网站的会员自动续费怎么取消", "会员自动续费怎么取消", "billing-subscription-zh"),
    ] {
        assert_eq!(suggested(&sample, other_device), Vec::<String>::new(), "{other_device}");
        let ids = suggested(&sample, twin);
        assert!(ids.iter().any(|id| id == article), "{twin}: {ids:?}");
    }
}

#[test]
fn another_device_named_beside_the_phone_leaves_the_phone_the_subject() {
    let sample = sample_kb();
    for (message, article) in [
        ("my phone screen flickers, my laptop screen does not", "screen-flicker-en"),
        ("手机屏幕出现一条绿线，连电脑也没用", "screen-green-line-zh"),
    ] {
        let ids = suggested(&sample, message);
        assert!(ids.iter().any(|id| id == article), "{message}: {ids:?}");
    }
}
