//! Outbound deliveries: signed JSON to webhooks, issues in the VOC tracker, inquiries to sales.
//! The engine writes each delivery in the transaction of its event (`Engine::emit`, with the
//! targets and bodies made here); the `Sender` beside every long-running mode claims due ones
//! (leased, `SKIP LOCKED` on PostgreSQL, like the outbox), POSTs them, and marks them delivered,
//! tried again later (exponential backoff) or dead after `deliveries.max_attempts`.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde_json::{Map, Value, json};
use sha2::Sha256;

use crate::config::{Config, SALES_TARGET, SalesHandoff, TRACKER_TARGET, Tracker, Webhook};
use crate::store::deliveries::Delivery;
use crate::store::{AfterFailure, Store};

/// Where a delivery goes: a config entry.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    Webhook(&'a Webhook),
    Tracker(&'a Tracker),
    Sales(&'a SalesHandoff),
}

impl<'a> Target<'a> {
    /// Every target of an event: the webhooks subscribed to it, the tracker for `voc.accepted`,
    /// sales for `handoff.sales`.
    pub fn all_for(config: &'a Config, event: &str) -> Vec<Target<'a>> {
        let settings = &config.settings;
        let mut targets: Vec<Target<'a>> = settings
            .webhooks
            .iter()
            .filter(|w| w.events.iter().any(|e| e == event))
            .map(Target::Webhook)
            .collect();
        if event == "voc.accepted"
            && let Some(tracker) = &settings.voc.tracker
        {
            targets.push(Target::Tracker(tracker));
        }
        if event == "handoff.sales"
            && let Some(sales) = &settings.handoff.sales
        {
            targets.push(Target::Sales(sales));
        }
        targets
    }

    /// The config entry a stored delivery's `target` names; `None` when config no longer has it.
    pub fn named(config: &'a Config, key: &str) -> Option<Target<'a>> {
        let settings = &config.settings;
        match key {
            TRACKER_TARGET => settings.voc.tracker.as_ref().map(Target::Tracker),
            SALES_TARGET => settings.handoff.sales.as_ref().map(Target::Sales),
            url => settings.webhooks.iter().find(|w| w.url == url).map(Target::Webhook),
        }
    }

    /// What `deliveries.target` keeps: the webhook's URL, `tracker` or `sales`.
    pub fn key(&self) -> &'a str {
        match self {
            Target::Webhook(webhook) => &webhook.url,
            Target::Tracker(_) => TRACKER_TARGET,
            Target::Sales(_) => SALES_TARGET,
        }
    }

    /// The exact bytes POSTed: the envelope `{"event", "delivery", "at", …data}`, or for a GitHub
    /// tracker the issue to open, `{"title", "body"}` from `data.title` and `data.body`.
    pub fn body(&self, event: &str, subject: &str, data: &Value, delivery: i64, at: DateTime<Utc>) -> String {
        if let Target::Tracker(Tracker::Github { .. }) = self {
            let title = data.get("title").and_then(Value::as_str).unwrap_or(subject);
            let body = match data.get("body").and_then(Value::as_str) {
                Some(body) => body.to_owned(),
                None => serde_json::to_string_pretty(data).unwrap_or_default(),
            };
            return json!({ "title": title, "body": body }).to_string();
        }
        envelope(event, data, delivery, at).to_string()
    }
}

/// `{"event": …, "delivery": id, "at": …}` with the event's data beside them.
pub fn envelope(event: &str, data: &Value, delivery: i64, at: DateTime<Utc>) -> Value {
    let mut body = Map::new();
    body.insert("event".into(), Value::from(event));
    body.insert("delivery".into(), Value::from(delivery));
    body.insert("at".into(), json!(at));
    if let Value::Object(fields) = data {
        for (key, value) in fields {
            body.entry(key.clone()).or_insert_with(|| value.clone());
        }
    }
    Value::Object(body)
}

/// `sha256=HEX`: the HMAC-SHA256 of the raw body with the secret, as `X-Resolvd-Signature` says.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(body);
    let hex: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

/// What one pass of the sender did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SendReport {
    pub delivered: usize,
    pub failed: usize,
    pub dead: usize,
}

/// Sends due deliveries: one pass (`send_due`, which tests call with their own `now`) or a loop
/// beside a long-running mode (`run_until`).
pub struct Sender {
    store: Arc<dyn Store>,
    config: Arc<Config>,
    client: reqwest::Client,
}

/// How many deliveries one pass takes.
const BATCH: i64 = 50;

impl Sender {
    pub fn new(store: Arc<dyn Store>, config: Arc<Config>) -> anyhow::Result<Sender> {
        let timeout = Duration::from_secs(config.settings.deliveries.timeout_seconds.into());
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .user_agent(concat!("resolvd/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Sender { store, config, client })
    }

    /// Sends every delivery due at `now`, a batch at a time, each leased for longer than a
    /// receiver may take, so that a sender on another instance skips it and a stop mid-send
    /// tries it again once the lease is over (receivers tell repeats by `X-Resolvd-Delivery`).
    pub async fn send_due(&self, now: DateTime<Utc>) -> anyhow::Result<SendReport> {
        let settings = &self.config.settings.deliveries;
        let lease = chrono::TimeDelta::seconds(i64::from(settings.timeout_seconds) * 2 + 30);
        let mut report = SendReport::default();
        loop {
            let due = self.store.claim_deliveries(now, now + lease, BATCH).await?;
            let claimed = due.len();
            for delivery in due {
                match self.send(&delivery).await {
                    Ok(url) => {
                        self.store.mark_delivered(delivery.id, Utc::now(), url.as_deref()).await?;
                        report.delivered += 1;
                    }
                    Err(error) => {
                        let failures = u32::try_from(delivery.attempts).unwrap_or(0).saturating_add(1);
                        let then = if failures >= settings.max_attempts {
                            report.dead += 1;
                            AfterFailure::Dead(Utc::now())
                        } else {
                            report.failed += 1;
                            AfterFailure::RetryAt(now.max(Utc::now()) + settings.backoff(failures))
                        };
                        let error = crate::domain::text::elide(&error, 500);
                        tracing::warn!(delivery = delivery.id, target = %delivery.target, %error, "delivery failed");
                        self.store.mark_delivery_failed(delivery.id, &error, then).await?;
                    }
                }
            }
            if (claimed as i64) < BATCH {
                return Ok(report);
            }
        }
    }

    /// POSTs one delivery; the URL its receiver says it is at, or why it failed.
    async fn send(&self, delivery: &Delivery) -> Result<Option<String>, String> {
        let Some(target) = Target::named(&self.config, &delivery.target) else {
            return Err(format!("config has no target `{}` any more", delivery.target));
        };
        let body = delivery.body.clone().into_bytes();
        let request = match target {
            Target::Webhook(Webhook { url, secret, .. })
            | Target::Sales(SalesHandoff { url, secret })
            | Target::Tracker(Tracker::Webhook { url, secret }) => self
                .client
                .post(url)
                .header("X-Resolvd-Event", &delivery.event)
                .header("X-Resolvd-Delivery", delivery.id.to_string())
                .header("X-Resolvd-Signature", signature(secret.expose(), &body)),
            Target::Tracker(Tracker::Github { repository, token, api_url }) => self
                .client
                .post(format!("{}/repos/{repository}/issues", api_url.trim_end_matches('/')))
                .header("Authorization", format!("Bearer {}", token.expose()))
                .header("Accept", "application/vnd.github+json")
                .header("X-GitHub-Api-Version", "2022-11-28"),
        };
        let response = request
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| crate::domain::text::one_line(&e.to_string()))?;
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        if !status.is_success() {
            return Err(format!(
                "{status}: {}",
                crate::domain::text::one_line(&crate::domain::text::elide(&text, 200))
            ));
        }
        // Where the receiver keeps it: a GitHub issue's html_url, or a webhook's `url` if it says.
        let answer: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let url = ["html_url", "url"].iter().find_map(|key| answer.get(key).and_then(Value::as_str));
        Ok(url.map(str::to_owned))
    }

    /// Sends what is due every `deliveries.poll_seconds` until `stop` completes (between passes).
    pub async fn run_until(&self, stop: impl Future<Output = ()>) {
        tokio::pin!(stop);
        let every = Duration::from_secs(self.config.settings.deliveries.poll_seconds.into());
        loop {
            if let Err(e) = self.send_due(Utc::now()).await {
                tracing::error!(error = %format!("{e:#}"), "the delivery sender could not read its deliveries");
            }
            tokio::select! {
                () = tokio::time::sleep(every) => {}
                () = &mut stop => return,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_hmac_sha256_of_the_body_in_hex() {
        // RFC 4231, test case 2.
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn the_envelope_puts_event_delivery_and_time_before_the_data() {
        let at = DateTime::parse_from_rfc3339("2026-12-04T21:00:00Z").unwrap().to_utc();
        let data = json!({ "ticket": { "ref": "T-1" }, "event": "ignored" });
        let body = envelope("ticket.created", &data, 7, at);
        assert_eq!(body["event"], "ticket.created");
        assert_eq!(body["delivery"], 7);
        assert_eq!(body["at"], "2026-12-04T21:00:00Z");
        assert_eq!(body["ticket"]["ref"], "T-1");
    }
}
