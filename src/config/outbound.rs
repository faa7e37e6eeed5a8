//! Where outbound deliveries go (README, "Webhooks"): `[[webhooks]]` (subscribers to events),
//! `[voc.tracker]` (the engineering tracker an accepted VOC item becomes an issue in),
//! `[handoff.sales]` (where inquiries are handed to sales), and `[deliveries]` (how hard each
//! delivery is tried).

use serde::Deserialize;

use super::{ConfigError, Secret, VocSettings};

/// Every event a webhook may subscribe to, as `events` names them and `X-Resolvd-Event` carries.
pub const OUTBOUND_EVENTS: &[&str] = &[
    "ticket.created",
    "ticket.resolved",
    "ticket.closed",
    "sla.breached",
    "incident.opened",
    "voc.accepted",
    "voc.rejected",
    "voc.shipped",
    "handoff.sales",
];

/// The delivery target of the VOC tracker (`deliveries.target`).
pub const TRACKER_TARGET: &str = "tracker";
/// The delivery target of the sales hand-off.
pub const SALES_TARGET: &str = "sales";

/// One `[[webhooks]]` entry: a subscriber, its signing secret and the events it receives.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Webhook {
    /// Where the JSON is POSTed; also the delivery's `target`, so it is unique among the webhooks.
    pub url: String,
    /// The HMAC-SHA256 key of `X-Resolvd-Signature`.
    pub secret: Secret,
    pub events: Vec<String>,
}

/// `[voc.tracker]`: a GitHub repository (an issue per accepted item) or a generic signed webhook.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Tracker {
    Github {
        /// `owner/name`.
        repository: String,
        /// A token that may create issues there (`RESOLVD_VOC__TRACKER__TOKEN`).
        token: Secret,
        /// GitHub's REST API; a GitHub Enterprise server's `/api/v3`, or a fake in tests.
        #[serde(default = "default_github_api")]
        api_url: String,
    },
    Webhook {
        url: String,
        secret: Secret,
    },
}

pub const GITHUB_API: &str = "https://api.github.com";

fn default_github_api() -> String {
    GITHUB_API.to_owned()
}

/// `[handoff]`: where tickets go that are not support's to answer.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HandoffSettings {
    /// Inquiries (pricing, purchase) are handed to sales here; left out, they stay with support.
    #[serde(default)]
    pub sales: Option<SalesHandoff>,
}

/// `[handoff.sales]`: the signed webhook sales receives inquiries on.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SalesHandoff {
    pub url: String,
    pub secret: Secret,
}

/// `[deliveries]`: how each delivery (webhooks, the tracker, sales) is tried.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliverySettings {
    /// Failed tries before a delivery is a dead letter (`resolvd webhooks list --dead`).
    #[serde(default = "default_delivery_attempts")]
    pub max_attempts: u32,
    /// The wait after the first failure, in seconds; it doubles after each further one.
    #[serde(default = "default_backoff_seconds")]
    pub backoff_seconds: u32,
    /// The longest wait between two tries, in seconds.
    #[serde(default = "default_max_backoff_seconds")]
    pub max_backoff_seconds: u32,
    /// How long a receiver has to answer, in seconds.
    #[serde(default = "default_timeout_seconds")]
    pub timeout_seconds: u32,
    /// How often the sender looks for deliveries due, in seconds.
    #[serde(default = "default_poll_seconds")]
    pub poll_seconds: u32,
}

fn default_delivery_attempts() -> u32 {
    8
}

fn default_backoff_seconds() -> u32 {
    30
}

fn default_max_backoff_seconds() -> u32 {
    3600
}

fn default_timeout_seconds() -> u32 {
    10
}

fn default_poll_seconds() -> u32 {
    5
}

impl Default for DeliverySettings {
    fn default() -> Self {
        DeliverySettings {
            max_attempts: default_delivery_attempts(),
            backoff_seconds: default_backoff_seconds(),
            max_backoff_seconds: default_max_backoff_seconds(),
            timeout_seconds: default_timeout_seconds(),
            poll_seconds: default_poll_seconds(),
        }
    }
}

impl DeliverySettings {
    /// The wait before the next try of a delivery that has failed `failures` times (1 or more).
    pub fn backoff(&self, failures: u32) -> chrono::TimeDelta {
        let doubled =
            u64::from(self.backoff_seconds).saturating_mul(1u64 << failures.saturating_sub(1).min(32));
        chrono::TimeDelta::seconds(doubled.min(u64::from(self.max_backoff_seconds)) as i64)
    }
}

/// Checks every outbound setting, naming the file and key that is wrong.
pub(super) fn check(
    file: &str,
    webhooks: &[Webhook],
    voc: &VocSettings,
    handoff: &HandoffSettings,
    deliveries: &DeliverySettings,
) -> Result<(), ConfigError> {
    let http = |key: String, url: &str| -> Result<(), ConfigError> {
        let shown = crate::domain::text::elide(url, 64);
        match reqwest::Url::parse(url) {
            Ok(parsed) if matches!(parsed.scheme(), "http" | "https") && parsed.host().is_some() => Ok(()),
            _ => Err(ConfigError::new(file, key, format!("`{shown}` is not an http(s) URL"))),
        }
    };
    let secret = |key: String, secret: &Secret| -> Result<(), ConfigError> {
        if secret.expose().trim().is_empty() {
            return Err(ConfigError::new(file, key, "is empty; receivers check the signature with it"));
        }
        Ok(())
    };
    for (i, webhook) in webhooks.iter().enumerate() {
        http(format!("webhooks[{i}].url"), &webhook.url)?;
        secret(format!("webhooks[{i}].secret"), &webhook.secret)?;
        if webhooks[..i].iter().any(|earlier| earlier.url == webhook.url) {
            return Err(ConfigError::new(
                file,
                format!("webhooks[{i}].url"),
                "is listed twice; give one entry every event it receives",
            ));
        }
        if webhook.events.is_empty() {
            return Err(ConfigError::new(file, format!("webhooks[{i}].events"), "names no event"));
        }
        for (j, event) in webhook.events.iter().enumerate() {
            if !OUTBOUND_EVENTS.contains(&event.as_str()) {
                return Err(ConfigError::new(
                    file,
                    format!("webhooks[{i}].events[{j}]"),
                    format!(
                        "`{}` is not an event; the events are {}",
                        crate::domain::text::elide(event, 40),
                        OUTBOUND_EVENTS.join(", ")
                    ),
                ));
            }
        }
    }
    match &voc.tracker {
        Some(Tracker::Github { repository, token, api_url }) => {
            let valid = repository.split_once('/').is_some_and(|(owner, name)| {
                let part = |s: &str| {
                    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
                };
                part(owner) && part(name)
            });
            if !valid {
                return Err(ConfigError::new(
                    file,
                    "voc.tracker.repository",
                    format!("`{}` is not owner/name", crate::domain::text::elide(repository, 64)),
                ));
            }
            secret("voc.tracker.token".to_owned(), token)?;
            http("voc.tracker.api_url".to_owned(), api_url)?;
        }
        Some(Tracker::Webhook { url, secret: key }) => {
            http("voc.tracker.url".to_owned(), url)?;
            secret("voc.tracker.secret".to_owned(), key)?;
        }
        None => {}
    }
    if let Some(sales) = &handoff.sales {
        http("handoff.sales.url".to_owned(), &sales.url)?;
        secret("handoff.sales.secret".to_owned(), &sales.secret)?;
    }
    let bounded = [
        ("deliveries.max_attempts", deliveries.max_attempts, 1000),
        ("deliveries.backoff_seconds", deliveries.backoff_seconds, 86_400),
        ("deliveries.max_backoff_seconds", deliveries.max_backoff_seconds, 7 * 86_400),
        ("deliveries.timeout_seconds", deliveries.timeout_seconds, 300),
        ("deliveries.poll_seconds", deliveries.poll_seconds, 3600),
    ];
    for (key, value, most) in bounded {
        if !(1..=most).contains(&value) {
            return Err(ConfigError::new(file, key, format!("`{value}` is out of range; use 1 to {most}")));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_after_each_failure_up_to_the_longest() {
        let settings =
            DeliverySettings { backoff_seconds: 30, max_backoff_seconds: 100, ..Default::default() };
        let waits: Vec<i64> = (1..=4).map(|n| settings.backoff(n).num_seconds()).collect();
        assert_eq!(waits, [30, 60, 100, 100]);
        assert_eq!(settings.backoff(200).num_seconds(), 100);
    }

    #[test]
    fn a_tracker_is_github_or_a_webhook_by_its_kind() {
        let github: VocSettings =
            toml::from_str("[tracker]\nkind = \"github\"\nrepository = \"acme/phones\"\ntoken = \"t\"")
                .unwrap();
        assert!(matches!(github.tracker, Some(Tracker::Github { ref api_url, .. }) if api_url == GITHUB_API));
        let hook: VocSettings =
            toml::from_str("[tracker]\nkind = \"webhook\"\nurl = \"http://x\"\nsecret = \"s\"").unwrap();
        assert!(matches!(hook.tracker, Some(Tracker::Webhook { .. })));
        let stray = toml::from_str::<VocSettings>(
            "[tracker]\nkind = \"webhook\"\nurl = \"http://x\"\nsecret = \"s\"\nrepo = 1",
        );
        assert!(stray.is_err(), "an unknown key is refused");
    }

    #[test]
    fn a_tracker_token_never_shows_in_debug() {
        let tracker = Tracker::Github {
            repository: "acme/phones".into(),
            token: Secret::new("ghp_secret"),
            api_url: GITHUB_API.into(),
        };
        assert!(!format!("{tracker:?}").contains("ghp_secret"));
    }
}
