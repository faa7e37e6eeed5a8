//! The knowledge base in the ticket flow, on SQLite and PostgreSQL.

mod common;

use common::{Driver, TestDb, reply};
use resolvd::domain::{Audience, CloseReason, EventKind, Status, TicketRef};

on_both_databases!(
    a_refund_request_is_offered_the_refund_article_and_solved_closes_it_as_self_served,
    a_message_the_knowledge_base_does_not_cover_gets_no_suggestion,
    still_needing_help_keeps_the_ticket_with_its_engineer,
    only_the_asking_customer_answers_the_suggestions,
    an_article_published_from_a_ticket_is_found_by_the_next_search,
    resolved_tickets_are_searchable_by_staff_but_not_by_customers,
);

async fn customer_posts(d: &Driver) -> Vec<(String, Vec<String>)> {
    let now = chrono::Utc::now() + chrono::Duration::days(1);
    let posts = d.store().claim_posts(now, now, 1000).await.unwrap();
    posts
        .into_iter()
        .filter(|p| matches!(p.post.audience, Audience::Customer { .. }))
        .map(|p| (p.post.text, p.post.buttons.into_iter().map(|b| b.id).collect()))
        .collect()
}

async fn a_refund_request_is_offered_the_refund_article_and_solved_closes_it_as_self_served(db: &TestDb) {
    let (d, _kb) = Driver::with_knowledge_base(db);
    d.message("alice", "hi, I want a refund for my order").await;
    let posts = customer_posts(&d).await;
    let (card, buttons) =
        posts.iter().find(|(text, _)| text.starts_with("While you wait")).expect("a suggestion card");
    assert!(!card.contains("kb:"), "no internal ids: {card}");
    assert!(
        card.contains("1. Request a refund for an order\n   You can return a phone"),
        "the first lines: {card}"
    );
    assert_eq!(buttons.first().map(String::as_str), Some("solved:T-1:billing-refund-en"));
    assert_eq!(buttons.last().map(String::as_str), Some("needhelp:T-1"));

    assert_eq!(reply(&d.press("alice", "solved:T-1").await), "Glad it helped. T-1 is closed.");
    let ticket = d.store().ticket(TicketRef(1)).await.unwrap().unwrap();
    assert_eq!((ticket.status, ticket.close_reason), (Status::Closed, Some(CloseReason::SelfServed)));
    let timeline = d.store().timeline(TicketRef(1)).await.unwrap();
    assert!(
        matches!(&timeline[0].kind, EventKind::Created { suggested, .. } if suggested[0] == "billing-refund-en")
    );
    assert!(
        matches!(&timeline[1].kind, EventKind::Closed { article: Some(a), .. } if a == "billing-refund-en")
    );
}

async fn a_message_the_knowledge_base_does_not_cover_gets_no_suggestion(db: &TestDb) {
    let (d, _kb) = Driver::with_knowledge_base(db);
    d.message("alice", "what will the weather be like on Mars tomorrow?").await;
    d.message("mallory", "我的猫把充电线咬断了").await;
    assert!(customer_posts(&d).await.iter().all(|(text, _)| !text.starts_with("While you wait")));
    for n in [1, 2] {
        let types: Vec<_> =
            d.store().timeline(TicketRef(n)).await.unwrap().iter().map(|e| e.kind.type_name()).collect();
        assert_eq!(types, ["created"]);
    }
    assert_eq!(reply(&d.press("alice", "solved:T-1").await), "no articles were suggested for T-1");
}

async fn still_needing_help_keeps_the_ticket_with_its_engineer(db: &TestDb) {
    let (d, _kb) = Driver::with_knowledge_base(db);
    d.message("alice", "你好，我想申请退款").await;
    let outcome = d.press("alice", "needhelp:T-1").await;
    // She wrote in Chinese, so she reads Chinese.
    assert_eq!(reply(&outcome), "感谢您的尝试。工程师会在这里帮您处理 T-1。");
    let ticket = d.store().ticket(TicketRef(1)).await.unwrap().unwrap();
    assert_eq!((ticket.status, ticket.assignee.as_deref()), (Status::New, Some("bob")));
    let last = d.store().timeline(TicketRef(1)).await.unwrap().pop().unwrap();
    assert_eq!(last.kind, EventKind::NeedsHelp);
}

async fn only_the_asking_customer_answers_the_suggestions(db: &TestDb) {
    let (d, _kb) = Driver::with_knowledge_base(db);
    d.message("alice", "hi, I want a refund for my order").await;
    let refused = d.press("mallory", "solved:T-1:billing-refund-en").await;
    assert_eq!(reply(&refused), "only the customer who asked can answer these suggestions");
    let not_offered = d.press("alice", "solved:T-1:screen-flicker-en").await;
    assert_eq!(reply(&not_offered), "`screen-flicker-en` was not suggested for T-1");
    assert_eq!(d.store().ticket(TicketRef(1)).await.unwrap().unwrap().status, Status::New);
}

async fn an_article_published_from_a_ticket_is_found_by_the_next_search(db: &TestDb) {
    let (d, _kb) = Driver::with_knowledge_base(db);
    d.message("mallory", "the fingerprint sensor stopped working after the lake trip").await;
    assert_eq!(
        reply(&d.command("bob", "kb add ticket:T-1").await),
        "T-1 is new; resolve it before drafting an article"
    );
    d.command("bob", "classify ticket:T-1 domain:id").await;
    d.command("bob", "resolve ticket:T-1 resolution:\"dried the sensor and re-enrolled the fingerprints\"")
        .await;
    let drafted = d.command("bob", "kb add ticket:T-1").await;
    assert!(reply(&drafted).starts_with("Drafted ticket-t-1 from T-1:"), "{}", reply(&drafted));
    assert_eq!(
        reply(&d.command("alice", "kb search query:fingerprint").await),
        "Nothing in the knowledge base matches “fingerprint”"
    );

    // The draft's problem is mallory's own words: they are not published as they are.
    let asked = d.command("bob", "kb publish article:ticket-t-1").await;
    assert!(
        reply(&asked).contains("still says the problem in the customer's own words"),
        "{}",
        reply(&asked)
    );
    let form = asked.form.expect("a form for the problem");
    assert_eq!(form.fields[0].name, "problem");
    assert_eq!(
        reply(&d.command("alice", "kb search query:fingerprint").await),
        "Nothing in the knowledge base matches “fingerprint”"
    );
    assert_eq!(
        reply(
            &d.command("bob", "kb publish ticket:T-1 problem:\"The fingerprint sensor fails after water gets under the glass\"")
                .await
        ),
        "Published ticket-t-1: searchable now"
    );
    let found = d.command("alice", "kb search query:fingerprint").await;
    assert!(reply(&found).contains("(kb:ticket-t-1)"), "{}", reply(&found));
    assert!(reply(&found).contains("The fingerprint sensor fails after water"), "{}", reply(&found));
    let lake = d.command("alice", "kb search query:\"lake trip\"").await;
    assert!(!reply(&lake).contains("ticket-t-1"), "the customer's words are not published: {}", reply(&lake));
    assert_eq!(
        reply(&d.command("bob", "kb publish article:ticket-t-1 problem:again").await),
        "`ticket-t-1` is already published"
    );
    let types: Vec<_> =
        d.store().timeline(TicketRef(1)).await.unwrap().iter().map(|e| e.kind.type_name()).collect();
    assert_eq!(types[types.len() - 2..], ["article_drafted", "article_published"]);
}

async fn resolved_tickets_are_searchable_by_staff_but_not_by_customers(db: &TestDb) {
    let (d, _kb) = Driver::with_knowledge_base(db);
    d.message("mallory", "the fingerprint sensor stopped working after the lake trip").await;
    d.command("bob", "resolve ticket:T-1 resolution:\"dried the sensor and re-enrolled the fingerprints\"")
        .await;
    let staff = d.command("bob", "kb search query:fingerprint").await;
    assert!(reply(&staff).contains("(from ticket T-1)"), "{}", reply(&staff));
    let customer = d.command("alice", "kb search query:fingerprint").await;
    assert!(!reply(&customer).contains("T-1"), "{}", reply(&customer));
}
