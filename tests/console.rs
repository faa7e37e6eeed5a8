//! The console channel in-process: whatever a person types, the bot answers and keeps going.

mod common;

use std::sync::Arc;

use common::{TestDb, sample_config};
use resolvd::chat::console::{Console, Summary};
use resolvd::engine::Engine;

on_both_databases!(nothing_typed_crashes_the_bot_and_every_bad_line_is_answered);

async fn run(db: &TestDb, script: &str) -> (String, Summary) {
    let engine = Arc::new(Engine::new(db.store.clone(), Arc::new(sample_config())));
    let mut console = Console::new(engine, Vec::new(), "script:hostile".into(), true);
    let summary = console.run(script.as_bytes(), std::future::pending()).await.unwrap();
    (String::from_utf8(console.into_output()).unwrap(), summary)
}

async fn nothing_typed_crashes_the_bot_and_every_bad_line_is_answered(db: &TestDb) {
    let hostile = [
        "alice: my screen flickers",
        "alice: /",
        "alice: / classify",
        "bob: /classify ticket:T-99999999999999999999 severity:P1",
        "bob: /classify ticket:T-1 severity:P1 severity:P2",
        "bob: /note ticket:T-1 text:\"\u{0}\u{7}\u{1b}[31m red\"",
        "bob: /note ticket:T-1 text:\"\u{202e}reversed\u{202c} and 👍🏽\"",
        "bob: /note ticket:T-1 text:\"\"",
        "bob: /escalate ticket:T-1 to:L9 reason:x",
        "bob: /link ticket:T-1 to:T-1",
        "alice: !press confirm:T-1:extra:parts",
        "alice: !press ::::",
        "alice: !press claim:T-0",
        "mallory: /classify ticket:T-1 domain:\"'; DROP TABLE tickets;--\"",
        "@everyone: hello",
        "alice: \u{200b}",
    ];
    let script = hostile.join("\n");
    let (output, summary) = run(db, &script).await;
    // Every line but the good message and the two notes (odd, but fine text) is refused with an
    // answer.
    let answers = output.lines().filter(|l| l.starts_with("bot → ") && l.contains("(only you)")).count();
    let line_errors = output.lines().filter(|l| l.starts_with("! line")).count();
    assert_eq!(answers + line_errors, hostile.len() - 3, "{output}");
    assert!(output.contains("bot → alice (only you): Your message is empty; nothing was sent"), "{output}");
    for unsafe_char in ['\u{0}', '\u{7}', '\u{1b}', '\u{202e}'] {
        assert!(!output.contains(unsafe_char), "{unsafe_char:?} reached the terminal");
    }
    assert_eq!(summary.errors, line_errors);
    assert!(output.contains("`T-99999999999999999999` is not a ticket reference"), "{output}");
    assert!(output.contains("/classify got `severity` twice"), "{output}");
    assert!(output.contains("`L9` is not a choice for to in /escalate"), "{output}");
    assert!(output.contains("/classify is for engineers and managers; you are a customer"), "{output}");
    assert!(!output.contains("@everyone"), "{output}");
    // The ticket and its store survived all of it.
    assert_eq!(db.store.tickets(None).await.unwrap().len(), 1);
    assert_eq!(
        db.store.timeline(resolvd::domain::TicketRef(1)).await.unwrap()[0].kind.type_name(),
        "created"
    );
}
