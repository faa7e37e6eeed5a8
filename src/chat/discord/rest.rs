//! Discord's REST API, called directly: every call goes to the configured API base (Discord, a
//! rate-limiting proxy, or a fake in tests), waits first for what Discord's limits allow
//! (`limits.rs`), and a 429 is reported with its `retry_after`.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::Value;
use thiserror::Error;
use tracing::warn;

#[derive(Debug, Error)]
pub enum RestError {
    #[error("{method} {path}: rate limited, retry after {retry_after:?}")]
    RateLimited { method: Method, path: String, retry_after: Duration },
    #[error("{method} {path}: HTTP {status}: {body}")]
    Status { method: Method, path: String, status: StatusCode, body: String },
    #[error("{method} {path}: {source}")]
    Transport { method: Method, path: String, source: reqwest::Error },
    #[error("{method} {path}: the answer is not JSON: {source}")]
    Json { method: Method, path: String, source: serde_json::Error },
}

impl RestError {
    /// Discord says the thing is gone (a deleted message or channel): retrying cannot help.
    pub fn is_not_found(&self) -> bool {
        matches!(self, RestError::Status { status, .. } if *status == StatusCode::NOT_FOUND)
    }

    /// Discord will refuse this again however often it is asked: missing access or permissions,
    /// a user who accepts no DMs (403), a thing that is gone (404), a body it will never take (400).
    pub fn is_permanent(&self) -> bool {
        matches!(self, RestError::Status { status, .. }
            if [StatusCode::BAD_REQUEST, StatusCode::FORBIDDEN, StatusCode::NOT_FOUND].contains(status))
    }
}

/// A 429 asking to wait longer than this is not waited for in line; the caller retries later.
const LONGEST_INLINE_WAIT: Duration = Duration::from_secs(30);

pub struct Rest {
    client: reqwest::Client,
    base: String,
    authorization: String,
    /// Discord's limits, kept before each request goes out.
    limits: super::limits::RateLimits,
}

impl Rest {
    /// `base` is `https://discord.com` or the configured `api_base`; paths are under `/api/v10`.
    pub fn new(base: &str, token: &str) -> Self {
        let client = reqwest::Client::builder()
            .user_agent(concat!(
                "DiscordBot (https://github.com/resolvd/resolvd, ",
                env!("CARGO_PKG_VERSION"),
                ")"
            ))
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap_or_default();
        Rest {
            client,
            base: format!("{}/api/v10", base.trim_end_matches('/')),
            authorization: format!("Bot {token}"),
            limits: super::limits::RateLimits::default(),
        }
    }

    /// One call; JSON in and out (`Null` for an empty answer).
    pub async fn call(&self, method: Method, path: &str, body: Option<&Value>) -> Result<Value, RestError> {
        let url = format!("{}{path}", self.base);
        // Errors, and the logs they reach, carry the path without its interaction or webhook token.
        let path = &logged_path(path);
        let mut request =
            self.client.request(method.clone(), url).header("Authorization", &self.authorization);
        match body {
            Some(body) => {
                request = request
                    .header("Content-Type", "application/json")
                    .body(serde_json::to_vec(body).expect("JSON values serialize"));
            }
            // Discord answers 411 to a bodiless PUT (a pin, a permission) without its length;
            // the HTTP client sends none for an empty body.
            None if [Method::PUT, Method::POST, Method::PATCH].contains(&method) => {
                request = request.header(reqwest::header::CONTENT_LENGTH, "0");
            }
            None => {}
        }
        self.send(method, path, request).await
    }

    /// One call with files attached (`multipart/form-data`, as Discord takes uploads): the JSON
    /// as `payload_json`, each file as `files[n]`, which the JSON's `attachments` name by id.
    pub async fn call_with_files(
        &self,
        method: Method,
        path: &str,
        payload: &Value,
        files: &[(String, Vec<u8>)],
    ) -> Result<Value, RestError> {
        let url = format!("{}{path}", self.base);
        let path = &logged_path(path);
        let mut form = reqwest::multipart::Form::new().text("payload_json", payload.to_string());
        for (n, (name, bytes)) in files.iter().enumerate() {
            let part = reqwest::multipart::Part::bytes(bytes.clone())
                .file_name(name.clone())
                .mime_str(mime_guess::from_path(name).first_or_octet_stream().essence_str())
                .expect("a guessed MIME type parses");
            form = form.part(format!("files[{n}]"), part);
        }
        let request = self
            .client
            .request(method.clone(), url)
            .header("Authorization", &self.authorization)
            .multipart(form);
        self.send(method, path, request).await
    }

    /// Sends a request and reads Discord's answer: JSON, a 429 with its wait, or an error status.
    async fn send(
        &self,
        method: Method,
        path: &str,
        request: reqwest::RequestBuilder,
    ) -> Result<Value, RestError> {
        let transport = |source: reqwest::Error| RestError::Transport {
            method: method.clone(),
            path: path.to_owned(),
            source: source.without_url(),
        };
        let permit = self.limits.acquire(&method, path).await;
        let response = request.send().await.map_err(transport)?;
        self.limits.learn(&method, path, response.headers());
        drop(permit);
        let status = response.status();
        let header_wait = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<f64>().ok());
        let bytes = response.bytes().await.map_err(transport)?;
        if status == StatusCode::TOO_MANY_REQUESTS {
            let body_wait = serde_json::from_slice::<Value>(&bytes)
                .ok()
                .and_then(|v| v.get("retry_after").and_then(Value::as_f64));
            let seconds = body_wait.or(header_wait).unwrap_or(1.0).clamp(0.0, 3600.0);
            return Err(RestError::RateLimited {
                method,
                path: path.to_owned(),
                retry_after: Duration::from_secs_f64(seconds),
            });
        }
        if !status.is_success() {
            let body = String::from_utf8_lossy(&bytes).chars().take(500).collect();
            return Err(RestError::Status { method, path: path.to_owned(), status, body });
        }
        if bytes.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&bytes).map_err(|source| RestError::Json {
            method,
            path: path.to_owned(),
            source,
        })
    }

    /// Like `call`, but a 429 is waited out (its `retry_after`) and the call made again, a few
    /// times, when the wait is short.
    pub async fn call_patiently(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, RestError> {
        let mut tries = 0;
        loop {
            match self.call(method.clone(), path, body).await {
                Err(RestError::RateLimited { retry_after, .. })
                    if tries < 3 && retry_after <= LONGEST_INLINE_WAIT =>
                {
                    tries += 1;
                    let path = logged_path(path);
                    warn!(%method, path, ?retry_after, "rate limited; waiting as Discord asks");
                    tokio::time::sleep(retry_after).await;
                }
                other => return other,
            }
        }
    }
}

/// A REST path as logs and errors may show it: the token of an interaction callback
/// (`/interactions/{id}/{token}/…`) or a webhook (`/webhooks/{application}/{token}…`) is a
/// credential, replaced by `***`.
pub(super) fn logged_path(path: &str) -> String {
    let mut segments: Vec<String> = path.split('/').map(str::to_owned).collect();
    if let Some(at) = segments.iter().position(|s| s == "interactions" || s == "webhooks")
        && let Some(token) = segments.get_mut(at + 2)
    {
        let query = token.find('?').map(|i| token[i..].to_owned()).unwrap_or_default();
        *token = format!("***{query}");
    }
    segments.join("/")
}

#[cfg(test)]
mod logged_path_tests {
    use super::logged_path;

    #[test]
    fn interaction_and_webhook_tokens_never_reach_a_log() {
        assert_eq!(
            logged_path("/interactions/123/aW50ZXJhY3Rpb24/callback"),
            "/interactions/123/***/callback"
        );
        assert_eq!(
            logged_path("/webhooks/42/tok3n/messages/@original"),
            "/webhooks/42/***/messages/@original"
        );
        assert_eq!(logged_path("/webhooks/42/tok3n?wait=true"), "/webhooks/42/***?wait=true");
        assert_eq!(logged_path("/channels/9/messages"), "/channels/9/messages");
    }
}
