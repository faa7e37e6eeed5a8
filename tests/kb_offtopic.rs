//! A customer writing about another device than the knowledge base's (a laptop, a projector)
//! gets a ticket and its acknowledgement but no article, through `resolvd chat --script`, while
//! the same symptom on the phone is offered its article. On SQLite and PostgreSQL.

mod common;

use common::{TestDb, ok, resolvd, ticket_json};

on_both_databases!(a_message_about_another_device_is_acknowledged_without_an_article_offer);

async fn a_message_about_another_device_is_acknowledged_without_an_article_offer(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    let script = data.path().join("offtopic.txt");
    std::fs::write(
        &script,
        "alice: my laptop screen flickers when the brightness is low\n\
         zoe: my screen flickers when the brightness is low\n\
         xiaoli: 投影仪黑屏了，但是有声音\n\
         xiaowang: 黑屏了，但是有声音\n",
    )
    .unwrap();
    let stdout = ok(resolvd(db, data.path()).args(["chat", "--script"]).arg(&script).output().unwrap());

    let posts_to = |who: &str| -> String {
        stdout
            .split("\nbot → ")
            .filter(|post| post.starts_with(&format!("{who}:")) || post.starts_with(&format!("{who} ")))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let alice = posts_to("alice");
    assert!(alice.contains("Thanks, we opened T-1 for you."), "{stdout}");
    assert!(!alice.contains("While you wait"), "{stdout}");
    let zoe = posts_to("zoe");
    assert!(zoe.contains("Thanks, we opened T-2 for you."), "{stdout}");
    assert!(zoe.contains("While you wait, these articles may help with T-2"), "{stdout}");
    assert!(zoe.contains("[solved:T-2:screen-flicker-en]"), "{stdout}");
    let li = posts_to("xiaoli");
    assert!(li.contains("谢谢，我们已为您创建工单 T-3"), "{stdout}");
    assert!(!li.contains("以下文章或许能帮助"), "{stdout}");
    let wang = posts_to("xiaowang");
    assert!(wang.contains("以下文章或许能帮助解决 T-4"), "{stdout}");
    assert!(wang.contains("[solved:T-4:screen-black-zh]"), "{stdout}");

    // Read back as an operator would: the timeline records what each ticket was offered.
    for (reference, offered) in
        [("T-1", None), ("T-2", Some("screen-flicker-en")), ("T-3", None), ("T-4", Some("screen-black-zh"))]
    {
        let ticket = ticket_json(db, data.path(), reference);
        let created = &ticket["events"][0];
        assert_eq!(created["type"].as_str(), Some("created"), "{ticket}");
        let suggested: Vec<&str> = created["suggested"]
            .as_array()
            .map(|ids| ids.iter().filter_map(|id| id.as_str()).collect())
            .unwrap_or_default();
        match offered {
            Some(article) => assert!(suggested.contains(&article), "{reference}: {suggested:?}"),
            None => assert!(suggested.is_empty(), "{reference}: {suggested:?}"),
        }
        assert_eq!(ticket["status"].as_str(), Some("new"), "{ticket}");
    }
}
