//! Outbound deliveries (webhooks, the VOC tracker, the sales hand-off): written with the events
//! they report, sent by the sender with their signature, retried with backoff, dead-lettered;
//! through the engine and through the binary (`chat --script` runs against a local receiver that
//! fails twice, restarted between the failures), on both databases.

mod common;

use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, StatusCode};
use chrono::{Duration, Utc};
use common::{Driver, TestDb, ok, reply, resolvd, sample_config, t0};
use resolvd::config::{Config, DeliverySettings, SalesHandoff, Secret, Tracker, Webhook};
use resolvd::domain::{HandoffOutcome, Status, TicketRef};
use resolvd::engine::{Engine, HandoffRefusal, OutboundEvent};
use resolvd::store::deliveries::DeliveryFilter;
use resolvd::webhooks::{Sender, signature};
use serde_json::{Value, json};

/// One request a fake receiver got.
#[derive(Debug, Clone)]
struct Received {
    path: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

/// A local HTTP server answering each request with the next of `answers` (the last one
/// repeated), and recording what it got.
struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    async fn start(answers: Vec<(u16, &'static str)>) -> Receiver {
        let got: Arc<Mutex<Vec<Received>>> = Arc::default();
        let recorded = got.clone();
        let app = axum::Router::new().fallback(
            move |uri: axum::http::Uri, headers: HeaderMap, body: axum::body::Bytes| {
                let recorded = recorded.clone();
                let answers = answers.clone();
                async move {
                    let mut got = recorded.lock().unwrap();
                    got.push(Received { path: uri.path().to_owned(), headers, body: body.to_vec() });
                    let (status, body) = answers[(got.len() - 1).min(answers.len() - 1)];
                    (StatusCode::from_u16(status).unwrap(), body)
                }
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Receiver { url, got }
    }

    fn got(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }
}

fn header<'a>(request: &'a Received, name: &str) -> &'a str {
    request.headers.get(name).map(|v| v.to_str().unwrap()).unwrap_or_default()
}

fn webhook(url: &str, events: &[&str]) -> Webhook {
    Webhook {
        url: url.to_owned(),
        secret: Secret::new("s3cret"),
        events: events.iter().map(|e| (*e).to_owned()).collect(),
    }
}

fn engine_with(db: &TestDb, config: Config) -> (Driver, Sender) {
    let config = Arc::new(config);
    let sender = Sender::new(db.store.clone(), config.clone()).unwrap();
    (Driver::with_engine(Engine::new(db.store.clone(), config)), sender)
}

async fn a_github_tracker_receives_an_accepted_item_as_an_issue_and_its_url_is_kept(db: &TestDb) {
    let github = Receiver::start(vec![(
        201,
        r#"{"number": 7, "html_url": "https://github.com/acme/phones/issues/7"}"#,
    )])
    .await;
    let mut config = sample_config();
    config.settings.voc.tracker = Some(Tracker::Github {
        repository: "acme/phones".into(),
        token: Secret::new("ghp_test"),
        api_url: github.url.clone(),
    });
    let (d, sender) = engine_with(db, config);
    let accepted = OutboundEvent {
        name: "voc.accepted",
        subject: "V-1".into(),
        data: json!({
            "item": { "ref": "V-1", "title": "Dark mode" },
            "title": "V-1: Dark mode",
            "body": "Asked for by 3 customers (T-1, T-4, T-9).",
        }),
    };
    d.engine.emit_alone(t0(), accepted).await.unwrap();
    assert_eq!(d.store().delivered_url("V-1", "voc.accepted").await.unwrap(), None, "not sent yet");

    let report = sender.send_due(Utc::now()).await.unwrap();
    assert_eq!(report.delivered, 1);
    let got = github.got();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].path, "/repos/acme/phones/issues");
    assert_eq!(header(&got[0], "authorization"), "Bearer ghp_test");
    assert_eq!(header(&got[0], "accept"), "application/vnd.github+json");
    let issue: Value = serde_json::from_slice(&got[0].body).unwrap();
    assert_eq!(
        issue,
        json!({ "title": "V-1: Dark mode", "body": "Asked for by 3 customers (T-1, T-4, T-9)." })
    );
    assert_eq!(
        d.store().delivered_url("V-1", "voc.accepted").await.unwrap().as_deref(),
        Some("https://github.com/acme/phones/issues/7")
    );
    assert_eq!(sender.send_due(Utc::now()).await.unwrap().delivered, 0, "delivered once");
}

async fn a_delivery_is_a_dead_letter_after_max_attempts_until_resent(db: &TestDb) {
    let receiver = Receiver::start(vec![(500, "down")]).await;
    let mut config = sample_config();
    config.settings.webhooks = vec![webhook(&receiver.url, &["ticket.created"])];
    config.settings.deliveries =
        DeliverySettings { max_attempts: 3, backoff_seconds: 10, ..Default::default() };
    let (d, sender) = engine_with(db, config);
    d.message("alice", "my screen flickers").await;

    let now = Utc::now();
    let passes = [now, now + Duration::seconds(5), now + Duration::seconds(11), now + Duration::seconds(40)];
    let mut tried = Vec::new();
    for at in passes {
        let report = sender.send_due(at).await.unwrap();
        tried.push((report.failed, report.dead));
    }
    // Tried at once, not again before its 10 s wait, again after it, and dead at the third failure.
    assert_eq!(tried, [(1, 0), (0, 0), (1, 0), (0, 1)]);
    assert_eq!(receiver.got().len(), 3);
    let dead = d.store().deliveries(DeliveryFilter::Dead, 10).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(
        (dead[0].attempts, dead[0].last_error.as_deref()),
        (3, Some("500 Internal Server Error: down"))
    );
    let later = now + Duration::days(1);
    assert_eq!(sender.send_due(later).await.unwrap(), Default::default(), "a dead letter is left alone");

    assert!(d.store().resend_delivery(dead[0].id, later).await.unwrap());
    assert_eq!(sender.send_due(later).await.unwrap().failed, 1, "resent, it is tried again from zero");
    assert!(d.store().deliveries(DeliveryFilter::Dead, 10).await.unwrap().is_empty());
    assert!(!d.store().resend_delivery(999, later).await.unwrap());
}

async fn ticket_events_are_written_with_the_change_that_causes_them(db: &TestDb) {
    let mut config = sample_config();
    let all = ["ticket.created", "ticket.resolved", "ticket.closed", "sla.breached", "incident.opened"];
    config.settings.webhooks =
        vec![webhook("http://127.0.0.1:9/all", &all), webhook("http://127.0.0.1:9/new", &all[..1])];
    let (d, _) = engine_with(db, config);
    d.message("alice", "my screen flickers").await;
    d.command("bob", "classify ticket:T-1 domain:screen kind:fault severity:P2").await;
    d.command("bob", "assign ticket:T-1 user:carol").await;
    // Nothing done for days: the SLA sweep notices the breach.
    d.engine.sla_sweep(t0() + Duration::days(10)).await.unwrap();
    d.command("carol", "resolve ticket:T-1 resolution:\"driver update\"").await;
    d.press("alice", "confirm:T-1").await;
    // A refused command changes nothing and sends nothing.
    d.command("alice", "resolve ticket:T-1 resolution:nothing").await;

    let deliveries = d.store().deliveries(DeliveryFilter::All, 100).await.unwrap();
    let seen: Vec<(&str, &str)> = deliveries.iter().map(|x| (x.target.as_str(), x.event.as_str())).collect();
    let breaches = seen.iter().filter(|(_, e)| *e == "sla.breached").count();
    assert!(breaches >= 1, "{seen:?}");
    let mut without_breaches: Vec<_> = seen.iter().filter(|(_, e)| *e != "sla.breached").cloned().collect();
    without_breaches.dedup();
    assert_eq!(
        without_breaches,
        [
            ("http://127.0.0.1:9/all", "ticket.created"),
            ("http://127.0.0.1:9/new", "ticket.created"),
            ("http://127.0.0.1:9/all", "ticket.resolved"),
            ("http://127.0.0.1:9/all", "ticket.closed"),
        ]
    );
    let created: Value = serde_json::from_str(&deliveries[0].body).unwrap();
    assert_eq!(created["event"], "ticket.created");
    assert_eq!(created["delivery"], deliveries[0].id);
    assert_eq!(created["ticket"]["ref"], "T-1");
    assert_eq!(created["ticket"]["customer"], "alice");
    assert_eq!(created["text"], "my screen flickers");
    let breach = deliveries.iter().find(|x| x.event == "sla.breached").unwrap();
    let breach: Value = serde_json::from_str(&breach.body).unwrap();
    assert!(breach["clock"].is_string() && breach["ticket"]["ref"] == "T-1", "{breach}");
    let closed = deliveries.iter().find(|x| x.event == "ticket.closed").unwrap();
    let closed: Value = serde_json::from_str(&closed.body).unwrap();
    assert_eq!(
        (closed["ticket"]["status"].as_str(), closed["reason"].as_str()),
        (Some("closed"), Some("confirmed"))
    );
    assert!(deliveries.iter().all(|x| x.subject == "T-1"));

    // An S incident's war room opening is one too.
    d.message("mallory", "every phone in our fleet shows a black screen").await;
    d.command("bob", "classify ticket:T-2 domain:screen kind:fault severity:P1").await;
    d.command("bob", "escalate ticket:T-2 to:S reason:\"a key account's fleet is down\"").await;
    d.press("erin", "sconfirm:T-2").await;
    let opened = d.store().deliveries(DeliveryFilter::All, 100).await.unwrap();
    let opened = opened.iter().find(|x| x.event == "incident.opened").expect("incident.opened");
    assert_eq!(opened.subject, "T-2");
}

fn with_sales(url: &str) -> Config {
    let mut config = sample_config();
    config.settings.handoff.sales =
        Some(SalesHandoff { url: url.to_owned(), secret: Secret::new("sales-key") });
    config
}

async fn an_inquiry_waits_for_sales_and_their_answer_closes_it(db: &TestDb) {
    let sales = Receiver::start(vec![(200, "ok")]).await;
    let (d, sender) = engine_with(db, with_sales(&sales.url));
    d.message("alice", "what is the price of 200 phones?").await;
    let t1 = d.store().ticket(TicketRef(1)).await.unwrap().unwrap();
    assert_eq!(t1.status, Status::WaitingCustomer, "waits for sales");
    assert_eq!(d.store().next_alarm(TicketRef(1)).await.unwrap(), None, "the clock stands still");
    let types: Vec<&str> =
        d.store().timeline(TicketRef(1)).await.unwrap().iter().map(|e| e.kind.type_name()).collect();
    assert_eq!(types, ["created", "handed_off"]);

    assert_eq!(sender.send_due(Utc::now()).await.unwrap().delivered, 1);
    let got = sales.got();
    assert_eq!(header(&got[0], "x-resolvd-event"), "handoff.sales");
    assert_eq!(header(&got[0], "x-resolvd-signature"), signature("sales-key", &got[0].body));
    let body: Value = serde_json::from_slice(&got[0].body).unwrap();
    assert_eq!(body["customer"]["id"], "alice");
    assert_eq!(body["text"], "what is the price of 200 phones?");
    assert_eq!(body["ticket"]["ref"], "T-1");
    assert_eq!(body["ticket"]["kind"], "inquiry");

    // Staff classify a ticket as an inquiry: handed over too, once.
    d.message("mallory", "my phone is slow").await;
    let outcome = d.command("bob", "classify ticket:T-2 kind:inquiry").await;
    assert!(reply(&outcome).contains("handed to sales"), "{}", reply(&outcome));
    d.command("bob", "classify ticket:T-2 kind:inquiry").await;
    let handed = d.store().deliveries(DeliveryFilter::All, 10).await.unwrap();
    assert_eq!(handed.iter().filter(|x| x.subject == "T-2").count(), 1);

    // Sales answers: refused for a ticket nobody handed them, taken once for theirs.
    d.message("carol2", "my screen flickers").await;
    let at = t0() + Duration::hours(2);
    let refused = d.engine.sales_answered(TicketRef(3), HandoffOutcome::Won, None, "frank", at).await;
    assert!(matches!(refused, Err(HandoffRefusal::NotHandedOff(_))), "{refused:?}");
    let unknown = d.engine.sales_answered(TicketRef(99), HandoffOutcome::Won, None, "frank", at).await;
    assert!(matches!(unknown, Err(HandoffRefusal::NoTicket(_))));
    let before = d.store().timeline(TicketRef(3)).await.unwrap().len();
    let note = Some("40 units ordered".to_owned());
    let closed = d.engine.sales_answered(TicketRef(1), HandoffOutcome::Won, note, "frank", at).await.unwrap();
    assert_eq!(closed.status, Status::Closed);
    assert_eq!(closed.close_reason, Some(resolvd::domain::CloseReason::Sales));
    let again = d.engine.sales_answered(TicketRef(1), HandoffOutcome::Lost, None, "frank", at).await;
    assert!(matches!(again, Err(HandoffRefusal::NotHandedOff(_))));
    assert_eq!(d.store().timeline(TicketRef(3)).await.unwrap().len(), before, "a refusal writes nothing");
    let types: Vec<&str> =
        d.store().timeline(TicketRef(1)).await.unwrap().iter().map(|e| e.kind.type_name()).collect();
    assert_eq!(types, ["created", "handed_off", "handoff_answered", "closed"]);
    let unsent = d.store().unsent_posts(false, 100).await.unwrap();
    let told = unsent.iter().filter(|p| p.post.text.contains("Thank you for your order")).count();
    assert_eq!(told, 1, "the customer is told");
}

async fn without_sales_in_config_an_inquiry_stays_with_support(db: &TestDb) {
    let d = Driver::new(db);
    d.message("alice", "what is the price of 200 phones?").await;
    let t1 = d.store().ticket(TicketRef(1)).await.unwrap().unwrap();
    assert_eq!(t1.status, Status::New);
    assert!(d.store().deliveries(DeliveryFilter::All, 10).await.unwrap().is_empty());
}

/// The binary with a webhook on `url` for new tickets, retried after 1 s.
fn subscribed(db: &TestDb, data: &std::path::Path, url: &str) -> std::process::Command {
    let mut command = resolvd(db, data);
    let hook = format!(r#"[{{ url = "{url}/hook", secret = "s3cret", events = ["ticket.created"] }}]"#);
    command.env("RESOLVD_WEBHOOKS", hook).env("RESOLVD_DELIVERIES__BACKOFF_SECONDS", "1");
    command
}

async fn a_webhook_failing_twice_is_delivered_once_across_restarts(db: &TestDb) {
    let receiver = Receiver::start(vec![(500, "busy"), (500, "busy"), (200, "thanks")]).await;
    let data = tempfile::tempdir().unwrap();
    let empty = data.path().join("empty.txt");
    std::fs::write(&empty, "").unwrap();
    let lines = data.path().join("lines.txt");
    std::fs::write(&lines, "alice: my screen flickers\n").unwrap();
    let run = |file: &std::path::Path| {
        let file = file.to_owned();
        let mut command = subscribed(db, data.path(), &receiver.url);
        async move {
            tokio::task::spawn_blocking(move || {
                ok(command.args(["chat", "--script"]).arg(&file).output().unwrap())
            })
            .await
            .unwrap()
        }
    };
    run(&lines).await;
    // Each run of the binary sends what is due as it starts; between runs, the 1 s wait passes.
    let mut runs = 1;
    while receiver.got().len() < 3 {
        assert!(runs < 12, "not delivered after {runs} runs: {:?}", receiver.got().len());
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        run(&empty).await;
        runs += 1;
        let listed = ok(subscribed(db, data.path(), &receiver.url)
            .args(["webhooks", "list", "--json"])
            .output()
            .unwrap());
        let listed: Value = serde_json::from_str(&listed).unwrap();
        let tried = receiver.got().len();
        if (1..3).contains(&tried) {
            assert_eq!(listed[0]["attempts"], tried as i64, "{listed}");
            assert_eq!(listed[0]["last_error"], "500 Internal Server Error: busy");
        }
    }
    // Restarted again: nothing more is sent.
    run(&empty).await;
    let got = receiver.got();
    assert_eq!(got.len(), 3, "two failures and one delivery, nothing twice");
    let ids: Vec<&str> = got.iter().map(|r| header(r, "x-resolvd-delivery")).collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "one delivery tried three times: {ids:?}");
    for request in &got {
        assert_eq!(request.path, "/hook");
        assert_eq!(header(request, "x-resolvd-event"), "ticket.created");
        // The receiver's own check: HMAC-SHA256 of the raw body with the shared secret.
        use hmac::Mac;
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(b"s3cret").unwrap();
        mac.update(&request.body);
        let expected: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(header(request, "x-resolvd-signature"), format!("sha256={expected}"));
        assert_eq!(request.body, got[0].body, "the same bytes each time");
    }
    let body: Value = serde_json::from_slice(&got[2].body).unwrap();
    assert_eq!(body["event"], "ticket.created");
    assert_eq!(body["delivery"].to_string(), ids[0]);
    assert_eq!(body["ticket"]["ref"], "T-1");
    let listed = ok(subscribed(db, data.path(), &receiver.url)
        .args(["webhooks", "list", "--all", "--json"])
        .output()
        .unwrap());
    let listed: Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["attempts"], 3);
    assert!(listed[0]["delivered_at"].is_string());
    let waiting = ok(subscribed(db, data.path(), &receiver.url).args(["webhooks", "list"]).output().unwrap());
    assert_eq!(waiting.trim(), "nothing waiting to be delivered");
    let resend =
        subscribed(db, data.path(), &receiver.url).args(["webhooks", "resend", "1"]).output().unwrap();
    assert!(!resend.status.success(), "a delivered one is not sent again");
}

async fn an_inquiry_through_the_binary_waits_for_sales(db: &TestDb) {
    let data = tempfile::tempdir().unwrap();
    let mut command = resolvd(db, data.path());
    command
        .env("RESOLVD_HANDOFF__SALES__URL", "http://127.0.0.1:9/sales")
        .env("RESOLVD_HANDOFF__SALES__SECRET", "sales-key");
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/handoff.txt");
    ok(command.args(["chat", "--script"]).arg(&file).output().unwrap());
    let shown = common::ticket_json(db, data.path(), "T-1");
    assert_eq!(shown["status"], "waiting_customer");
    let types: Vec<&str> =
        shown["events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["created", "handed_off"]);
    let listed = ok(resolvd(db, data.path()).args(["webhooks", "list", "--json"]).output().unwrap());
    let listed: Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(
        (listed[0]["target"].as_str(), listed[0]["event"].as_str()),
        (Some("sales"), Some("handoff.sales"))
    );
}

/// `examples/voc.txt` through the binary with a GitHub tracker in config: the accepted item
/// becomes an issue there, and `voc show --json` names it.
async fn the_voc_script_hands_the_accepted_item_to_a_github_tracker(db: &TestDb) {
    let github = Receiver::start(vec![(
        201,
        r#"{"number": 12, "html_url": "https://github.com/acme/phones/issues/12"}"#,
    )])
    .await;
    let data = tempfile::tempdir().unwrap();
    let with_tracker = || {
        let mut command = resolvd(db, data.path());
        command
            .env("RESOLVD_VOC__TRACKER__KIND", "github")
            .env("RESOLVD_VOC__TRACKER__REPOSITORY", "acme/phones")
            .env("RESOLVD_VOC__TRACKER__TOKEN", "gh-token")
            .env("RESOLVD_VOC__TRACKER__API_URL", &github.url);
        command
    };
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/voc.txt");
    let mut first = with_tracker();
    tokio::task::spawn_blocking(move || ok(first.args(["chat", "--script"]).arg(&script).output().unwrap()))
        .await
        .unwrap();
    let empty = data.path().join("empty.txt");
    std::fs::write(&empty, "").unwrap();
    // The sender runs beside `chat`; a run that ended before it sent sends at the next start.
    let mut runs = 0;
    while github.got().is_empty() {
        assert!(runs < 5, "the tracker got nothing after {runs} more runs");
        let mut again = with_tracker();
        let empty = empty.clone();
        tokio::task::spawn_blocking(move || {
            ok(again.args(["chat", "--script"]).arg(&empty).output().unwrap())
        })
        .await
        .unwrap();
        runs += 1;
    }
    let got = github.got();
    assert_eq!(got.len(), 1, "one issue for the one accepted item (accepted twice is once)");
    assert_eq!(got[0].path, "/repos/acme/phones/issues");
    assert_eq!(header(&got[0], "authorization"), "Bearer gh-token");
    let issue: Value = serde_json::from_slice(&got[0].body).unwrap();
    let title = issue["title"].as_str().unwrap();
    assert!(title.starts_with("V-1"), "{title}");
    let body = issue["body"].as_str().unwrap();
    assert!(body.contains("2 customers") && body.contains("T-1") && body.contains("T-2"), "{body}");
    assert!(!body.contains("T-3"), "the rejected suggestion is another item's: {body}");

    let shown = ok(resolvd(db, data.path()).args(["voc", "show", "V-1", "--json"]).output().unwrap());
    let shown: Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(shown["status"], "shipped");
    assert_eq!(shown["tracker_url"], "https://github.com/acme/phones/issues/12");
    let rejected = ok(resolvd(db, data.path()).args(["voc", "show", "V-2", "--json"]).output().unwrap());
    let rejected: Value = serde_json::from_str(&rejected).unwrap();
    assert_eq!((rejected["status"].as_str(), rejected["tracker_url"].as_str()), (Some("rejected"), None));
}

on_both_databases!(
    the_voc_script_hands_the_accepted_item_to_a_github_tracker,
    a_github_tracker_receives_an_accepted_item_as_an_issue_and_its_url_is_kept,
    a_delivery_is_a_dead_letter_after_max_attempts_until_resent,
    ticket_events_are_written_with_the_change_that_causes_them,
    an_inquiry_waits_for_sales_and_their_answer_closes_it,
    without_sales_in_config_an_inquiry_stays_with_support,
    a_webhook_failing_twice_is_delivered_once_across_restarts,
    an_inquiry_through_the_binary_waits_for_sales,
);
