//! A fake Discord on 127.0.0.1 for the real serenity client: a REST server that records every
//! call (method, path, JSON body) and answers like Discord, and a gateway that performs the
//! handshake (HELLO, IDENTIFY, READY, heartbeats) and dispatches the events a test pushes.
//! Nothing reaches the internet. discord-testing.md in the shared folder has the facts it follows.
#![allow(dead_code, reason = "each test binary uses a different part of this module")]

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message as Frame;

pub mod crash;

pub const APPLICATION: u64 = 900_000_000_000_000_001;
pub const BOT_USER: u64 = 900_000_000_000_000_002;
pub const GUILD: u64 = 910_000_000_000_000_001;

/// One REST call the bot made.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    /// Path and query, e.g. `/api/v10/channels/5/messages`.
    pub path: String,
    pub body: Value,
    /// Files uploaded with the call (`multipart/form-data`): each `files[n]` part's file name and bytes.
    pub files: Vec<(String, Vec<u8>)>,
    pub at: Instant,
}

/// An answer a test plans for the next call matching a method and path.
struct Planned {
    method: String,
    path: String,
    status: u16,
    body: Value,
}

/// An answer of the fake's REST server.
type Answer = Response<Full<Bytes>>;

/// Where a session's events (name, data) go.
type EventQueue = mpsc::UnboundedSender<(String, Value)>;

#[derive(Default)]
struct State {
    calls: Mutex<Vec<Call>>,
    planned: Mutex<Vec<Planned>>,
    /// Messages per channel, as GET /channels/{c}/messages returns them.
    history: Mutex<HashMap<u64, Vec<Value>>>,
    /// DM channel per user, opened by POST /users/@me/channels.
    dms: Mutex<HashMap<String, u64>>,
    next_id: AtomicU64,
    gateway_url: Mutex<String>,
    /// The connected sessions' event queues, by shard: shard → (total, queues). Two instances
    /// that run the same shard both receive its events, as they would from Discord.
    sessions: Mutex<HashMap<u32, (u32, Vec<EventQueue>)>>,
    /// Each IDENTIFY's `[shard, total]`, in order.
    identified: Mutex<Vec<(u32, u32)>>,
    /// Each dispatched event's name and the shard it went to.
    routed: Mutex<Vec<(String, u32)>>,
    readies: AtomicUsize,
    /// Discord's rate limits, when a test enforces them.
    limiter: Mutex<Option<Limiter>>,
}

/// Discord's rate limits as a test sets them: a global number of requests per second, and a
/// bucket per channel of `per_channel` requests per `window`.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub global_per_second: usize,
    pub per_channel: u32,
    pub window: Duration,
}

struct Limiter {
    limits: Limits,
    /// When the requests of the last second came.
    global: std::collections::VecDeque<Instant>,
    /// Channel → (requests in its window, when the window began).
    channels: HashMap<String, (u32, Instant)>,
    /// When each request answered 429 came.
    rejected: Vec<Instant>,
}

impl Limiter {
    /// Counts a request to `route` (`/channels/…`), or answers 429 as Discord does. Returns the
    /// rate-limit headers to send with the answer.
    fn admit(&mut self, route: &str) -> Result<Vec<(&'static str, String)>, Box<Answer>> {
        let now = Instant::now();
        let parts: Vec<&str> = route.trim_matches('/').split('/').collect();
        if parts.first() == Some(&"interactions") {
            return Ok(Vec::new());
        }
        while self.global.front().is_some_and(|at| now.duration_since(*at) >= Duration::from_secs(1)) {
            self.global.pop_front();
        }
        if self.global.len() >= self.limits.global_per_second {
            self.rejected.push(now);
            let wait = Duration::from_secs(1) - now.duration_since(self.global[0]);
            let mut answer = reply(
                429,
                json!({ "message": "You are being rate limited.", "retry_after": wait.as_secs_f64(), "global": true }),
            );
            answer.headers_mut().insert("x-ratelimit-global", "true".parse().unwrap());
            answer.headers_mut().insert("x-ratelimit-scope", "global".parse().unwrap());
            return Err(Box::new(answer));
        }
        let mut headers = Vec::new();
        if let ["channels", channel, ..] = parts.as_slice() {
            let window = self.limits.window;
            let (used, began) = self.channels.entry((*channel).to_owned()).or_insert((0, now));
            if now.duration_since(*began) >= window {
                (*used, *began) = (0, now);
            }
            let reset_after = window.saturating_sub(now.duration_since(*began)).as_secs_f64();
            if *used >= self.limits.per_channel {
                self.rejected.push(now);
                let mut answer = reply(
                    429,
                    json!({ "message": "You are being rate limited.", "retry_after": reset_after, "global": false }),
                );
                answer.headers_mut().insert("x-ratelimit-scope", "user".parse().unwrap());
                return Err(Box::new(answer));
            }
            *used += 1;
            headers = vec![
                ("x-ratelimit-bucket", "fake-channel-bucket".to_owned()),
                ("x-ratelimit-limit", self.limits.per_channel.to_string()),
                ("x-ratelimit-remaining", (self.limits.per_channel - *used).to_string()),
                ("x-ratelimit-reset-after", format!("{reset_after:.3}")),
            ];
        }
        self.global.push_back(now);
        Ok(headers)
    }
}

impl State {
    fn id(&self) -> u64 {
        950_000_000_000_000_000 + self.next_id.fetch_add(1, Ordering::Relaxed)
    }
}

#[derive(Clone)]
pub struct FakeDiscord {
    pub api_base: String,
    state: Arc<State>,
}

impl FakeDiscord {
    pub async fn start() -> FakeDiscord {
        let state = Arc::new(State::default());
        let rest = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let gateway = TcpListener::bind("127.0.0.1:0").await.unwrap();
        *state.gateway_url.lock().unwrap() = format!("ws://{}", gateway.local_addr().unwrap());
        let api_base = format!("http://{}", rest.local_addr().unwrap());
        tokio::spawn(serve_rest(rest, state.clone()));
        tokio::spawn(serve_gateway(gateway, state.clone()));
        FakeDiscord { api_base, state }
    }

    /// A fresh snowflake, above every id the tests write by hand.
    pub fn new_id(&self) -> u64 {
        self.state.id()
    }

    pub fn calls(&self) -> Vec<Call> {
        self.state.calls.lock().unwrap().clone()
    }

    /// The calls whose method is `method` and whose path contains `path`.
    pub fn calls_to(&self, method: &str, path: &str) -> Vec<Call> {
        self.calls().into_iter().filter(|c| c.method == method && c.path.contains(path)).collect()
    }

    /// Waits (at most 10 s) until `done` holds for the calls so far, and returns them.
    pub async fn wait_for(&self, what: &str, done: impl Fn(&[Call]) -> bool) -> Vec<Call> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let calls = self.calls();
            if done(&calls) {
                return calls;
            }
            if Instant::now() > deadline {
                let seen: Vec<String> =
                    calls.iter().map(|c| format!("{} {} {}", c.method, c.path, c.body)).collect();
                panic!("timed out waiting for {what}; calls:\n{}", seen.join("\n"));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits until `count` calls match `method` and `path`, and returns those.
    pub async fn wait_calls(&self, method: &str, path: &str, count: usize) -> Vec<Call> {
        self.wait_for(&format!("{count} × {method} {path}"), |calls| {
            calls.iter().filter(|c| c.method == method && c.path.contains(path)).count() >= count
        })
        .await;
        self.calls_to(method, path)
    }

    /// Waits until the bot has identified `count` times (counting every (re)connection).
    pub async fn wait_ready(&self, count: usize) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.state.readies.load(Ordering::SeqCst) < count {
            assert!(Instant::now() < deadline, "the bot did not connect to the gateway");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The next call to `method` `path` (a substring) gets this answer instead of the usual one.
    pub fn plan(&self, method: &str, path: &str, status: u16, body: Value) {
        self.state.planned.lock().unwrap().push(Planned {
            method: method.to_owned(),
            path: path.to_owned(),
            status,
            body,
        });
    }

    /// Enforces Discord's rate limits from now on: answers 429 past them, as Discord does.
    pub fn enforce_limits(&self, limits: Limits) {
        *self.state.limiter.lock().unwrap() = Some(Limiter {
            limits,
            global: Default::default(),
            channels: HashMap::new(),
            rejected: Vec::new(),
        });
    }

    /// When each request answered 429 by the enforced limits came.
    pub fn rate_limited(&self) -> Vec<Instant> {
        self.state.limiter.lock().unwrap().as_ref().map(|l| l.rejected.clone()).unwrap_or_default()
    }

    /// The DM channel the bot opened with `user`, if it did.
    pub fn dm_channel_of(&self, user: u64) -> Option<u64> {
        self.state.dms.lock().unwrap().get(&user.to_string()).copied()
    }

    /// Sends a gateway event to the connected bot, on the shard Discord routes it to: a server's
    /// events to shard `(guild_id >> 22) % total`, direct messages (no `guild_id`) to shard 0.
    pub fn dispatch(&self, event: &str, data: Value) {
        let mut sessions = self.state.sessions.lock().unwrap();
        let total = sessions.values().next().expect("the bot is not connected").0;
        let guild = data["guild_id"].as_str().and_then(|g| g.parse::<u64>().ok());
        let shard = guild.map_or(0, |g| ((g >> 22) % u64::from(total)) as u32);
        let (_, senders) =
            sessions.get_mut(&shard).unwrap_or_else(|| panic!("no session holds shard {shard}"));
        // A session that ended (its bot stopped or reconnected) is dropped here.
        senders.retain(|sender| sender.send((event.to_owned(), data.clone())).is_ok());
        assert!(!senders.is_empty(), "no session holds shard {shard}");
        self.state.routed.lock().unwrap().push((event.to_owned(), shard));
    }

    /// Each IDENTIFY's `[shard, total]`, in the order they came.
    pub fn identified(&self) -> Vec<(u32, u32)> {
        self.state.identified.lock().unwrap().clone()
    }

    /// The shards events went to, in order.
    pub fn routed(&self) -> Vec<(String, u32)> {
        self.state.routed.lock().unwrap().clone()
    }

    /// The messages of a channel, the bot's included, oldest first.
    pub fn history_of(&self, channel: u64) -> Vec<Value> {
        self.state.history.lock().unwrap().get(&channel).cloned().unwrap_or_default()
    }

    /// Puts a message in a channel's history without sending it over the gateway (as if the bot
    /// was away).
    pub fn add_history(&self, message: &Value) {
        let channel: u64 = message["channel_id"].as_str().unwrap().parse().unwrap();
        self.state.history.lock().unwrap().entry(channel).or_default().push(message.clone());
    }

    /// A user message, recorded in its channel's history; dispatch it with `MESSAGE_CREATE`.
    pub fn message(&self, channel: u64, guild: Option<u64>, author: u64, content: &str) -> Value {
        let mut message = message_json(self.new_id(), channel, author, false, content);
        if let Some(guild) = guild {
            message["guild_id"] = json!(guild.to_string());
        }
        self.add_history(&message);
        message
    }

    /// A slash command; `options` as Discord sends them (`[{"name", "type", "value"}]`).
    pub fn command(&self, channel: u64, guild: Option<u64>, user: u64, name: &str, options: Value) -> Value {
        let id = self.new_id();
        let mut interaction = interaction_json(id, 2, channel, guild, user);
        interaction["data"] =
            json!({ "id": "920000000000000001", "name": name, "type": 1, "options": options });
        interaction
    }

    /// A slash command by a server member holding these Discord roles.
    pub fn command_with_roles(
        &self,
        channel: u64,
        user: u64,
        roles: &[u64],
        name: &str,
        options: Value,
    ) -> Value {
        let mut interaction = self.command(channel, Some(GUILD), user, name, options);
        interaction["member"]["roles"] = roles.iter().map(|r| json!(r.to_string())).collect();
        interaction
    }

    /// A modal filled in: `answers` are (input custom id, value) pairs.
    pub fn form(
        &self,
        channel: u64,
        guild: Option<u64>,
        user: u64,
        custom_id: &str,
        answers: &[(&str, &str)],
    ) -> Value {
        let id = self.new_id();
        let mut interaction = interaction_json(id, 5, channel, guild, user);
        let rows: Vec<Value> = answers
            .iter()
            .map(|(name, value)| {
                json!({ "type": 1, "components": [{ "type": 4, "custom_id": name, "value": value, "style": 2 }] })
            })
            .collect();
        interaction["data"] = json!({ "custom_id": custom_id, "components": rows });
        interaction
    }

    /// A `MESSAGE_UPDATE` saying a user's message was pinned.
    pub fn pinned(&self, channel: u64, author: u64, content: &str) -> Value {
        let mut message = message_json(self.new_id(), channel, author, false, content);
        message["pinned"] = json!(true);
        message["guild_id"] = json!(GUILD.to_string());
        message
    }

    /// A button press on a message of the bot's.
    pub fn press(&self, channel: u64, guild: Option<u64>, user: u64, custom_id: &str) -> Value {
        let id = self.new_id();
        let mut interaction = interaction_json(id, 3, channel, guild, user);
        interaction["data"] = json!({ "custom_id": custom_id, "component_type": 2 });
        interaction["message"] = message_json(self.new_id(), channel, BOT_USER, true, "a card");
        interaction
    }
}

pub fn user_json(id: u64, bot: bool) -> Value {
    json!({
        "id": id.to_string(),
        "username": format!("user{id}"),
        "discriminator": "0",
        "global_name": null,
        "avatar": null,
        "bot": bot,
    })
}

pub fn message_json(id: u64, channel: u64, author: u64, bot: bool, content: &str) -> Value {
    json!({
        "id": id.to_string(),
        "channel_id": channel.to_string(),
        "author": user_json(author, bot),
        "content": content,
        "timestamp": "2026-11-22T10:00:00.000000+00:00",
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": false,
        "type": 0,
    })
}

fn interaction_json(id: u64, kind: u8, channel: u64, guild: Option<u64>, user: u64) -> Value {
    let mut interaction = json!({
        "id": id.to_string(),
        "application_id": APPLICATION.to_string(),
        "type": kind,
        "token": format!("token{id}"),
        "version": 1,
        "channel_id": channel.to_string(),
        "app_permissions": "0",
        "locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": {},
        "attachment_size_limit": 8_388_608,
    });
    match guild {
        Some(guild) => {
            interaction["guild_id"] = json!(guild.to_string());
            interaction["context"] = json!(0);
            interaction["member"] = json!({
                "user": user_json(user, false),
                "roles": [],
                "joined_at": "2026-01-01T00:00:00.000000+00:00",
                "deaf": false,
                "mute": false,
                "flags": 0,
                "permissions": "0",
            });
        }
        None => {
            interaction["context"] = json!(1);
            interaction["user"] = user_json(user, false);
        }
    }
    interaction
}

// ----- REST ---------------------------------------------------------------------------------------

async fn serve_rest(listener: TcpListener, state: Arc<State>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else { return };
        let state = state.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| answer(state.clone(), req));
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

fn reply(status: u16, body: Value) -> Response<Full<Bytes>> {
    let bytes = if body.is_null() { Bytes::new() } else { Bytes::from(body.to_string()) };
    Response::builder()
        .status(StatusCode::from_u16(status).unwrap())
        .header("Content-Type", "application/json")
        .body(Full::new(bytes))
        .unwrap()
}

/// A `multipart/form-data` upload as Discord reads one: the JSON of the `payload_json` part, and
/// the `files[n]` parts, each of which the JSON's `attachments` must name by its id `n`.
async fn uploads(bytes: Bytes, boundary: String) -> (Value, Vec<(String, Vec<u8>)>) {
    let stream = futures_util::stream::once(async move { Ok::<Bytes, Infallible>(bytes) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut payload = Value::Null;
    let mut files = Vec::new();
    while let Ok(Some(field)) = multipart.next_field().await {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let data = field.bytes().await.unwrap_or_default();
        if name == "payload_json" {
            payload = serde_json::from_slice(&data).unwrap_or(Value::Null);
        } else if name.starts_with("files[") {
            files.push((file_name.unwrap_or_default(), data.to_vec()));
        }
    }
    let named = payload.pointer("/data/attachments").or_else(|| payload.get("attachments"));
    let ids = named.and_then(Value::as_array).map_or(0, Vec::len);
    assert_eq!(ids, files.len(), "every uploaded file is named in attachments: {payload}");
    (payload, files)
}

async fn answer(state: Arc<State>, req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let method = req.method().to_string();
    let path = req.uri().path_and_query().map(ToString::to_string).unwrap_or_default();
    // Discord's edge answers 411 Length Required to a write with neither a length nor chunks.
    let sized =
        req.headers().contains_key("content-length") || req.headers().contains_key("transfer-encoding");
    let boundary = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| multer::parse_boundary(v).ok());
    let bytes = req.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    let (body, files) = match boundary {
        Some(boundary) => uploads(bytes, boundary).await,
        None => (serde_json::from_slice(&bytes).unwrap_or(Value::Null), Vec::new()),
    };
    state.calls.lock().unwrap().push(Call {
        method: method.clone(),
        path: path.clone(),
        body: body.clone(),
        files,
        at: Instant::now(),
    });

    let planned = {
        let mut planned = state.planned.lock().unwrap();
        let found = planned.iter().position(|p| p.method == method && path.contains(&p.path));
        found.map(|i| planned.remove(i))
    };
    if let Some(p) = planned {
        return Ok(reply(p.status, p.body));
    }
    if ["PUT", "POST", "PATCH"].contains(&method.as_str()) && !sized {
        return Ok(reply(411, json!({ "message": "411: Length Required", "code": 0 })));
    }

    let route = path.split('?').next().unwrap_or_default().trim_start_matches("/api/v10");
    let limit_headers = match state.limiter.lock().unwrap().as_mut().map(|l| l.admit(route)) {
        Some(Err(too_many)) => return Ok(*too_many),
        Some(Ok(headers)) => headers,
        None => Vec::new(),
    };
    let parts: Vec<&str> = route.trim_matches('/').split('/').collect();
    let mut answer = match (method.as_str(), parts.as_slice()) {
        ("GET", ["gateway"]) => reply(200, json!({ "url": *state.gateway_url.lock().unwrap() })),
        ("GET", ["channels", channel, "messages"]) => {
            let channel: u64 = channel.parse().unwrap_or_default();
            let after: u64 = query(&path, "after").unwrap_or(0);
            let limit: usize = query(&path, "limit").unwrap_or(50);
            let history = state.history.lock().unwrap();
            let mut messages: Vec<Value> = history
                .get(&channel)
                .into_iter()
                .flatten()
                .filter(|m| m["id"].as_str().unwrap().parse::<u64>().unwrap() > after)
                .cloned()
                .collect();
            messages.sort_by_key(|m| m["id"].as_str().unwrap().parse::<u64>().unwrap());
            messages.truncate(limit);
            messages.reverse(); // newest first, as Discord answers
            reply(200, Value::Array(messages))
        }
        ("POST", ["channels", channel, "messages"]) => {
            let channel: u64 = channel.parse().unwrap_or_default();
            let content = body["content"].as_str().unwrap_or_default();
            let message = message_json(state.id(), channel, BOT_USER, true, content);
            state.history.lock().unwrap().entry(channel).or_default().push(message.clone());
            reply(200, message)
        }
        ("POST", ["channels", channel, "threads"]) => reply(
            200,
            json!({ "id": state.id().to_string(), "type": body["type"], "name": body["name"], "parent_id": channel }),
        ),
        ("PUT", ["channels", _, "thread-members", _]) => reply(204, Value::Null),
        ("POST", ["guilds", guild, "channels"]) => reply(
            200,
            json!({ "id": state.id().to_string(), "type": body["type"], "name": body["name"], "guild_id": guild }),
        ),
        ("PATCH", ["channels", channel]) => {
            reply(200, json!({ "id": channel, "type": 0, "name": body["name"] }))
        }
        // Pins live under messages since 2026; the old `/channels/{c}/pins/{m}` is deprecated and
        // answered 404 here, so nothing keeps using it.
        ("PUT", ["channels", _, "messages", "pins", _] | ["channels", _, "permissions", _]) => {
            reply(204, Value::Null)
        }
        ("PATCH", ["channels", channel, "messages", message]) => {
            let channel: u64 = channel.parse().unwrap_or_default();
            let message: u64 = message.parse().unwrap_or_default();
            let content = body["content"].as_str().unwrap_or_default();
            reply(200, message_json(message, channel, BOT_USER, true, content))
        }
        ("DELETE", ["channels", _, "messages", _]) => reply(204, Value::Null),
        ("POST", ["users", "@me", "channels"]) => {
            let recipient = body["recipient_id"].as_str().unwrap_or_default().to_owned();
            let id = *state.dms.lock().unwrap().entry(recipient).or_insert_with(|| state.id());
            reply(200, json!({ "id": id.to_string(), "type": 1 }))
        }
        ("PUT", ["applications", _, "commands"] | ["applications", _, "guilds", _, "commands"]) => {
            match command_problem(&body) {
                // Discord's answer to a body that breaks its rules.
                Some(problem) => {
                    reply(400, json!({ "code": 50035, "message": format!("Invalid Form Body: {problem}") }))
                }
                None => reply(200, body.clone()),
            }
        }
        ("POST", ["interactions", _, _, "callback"]) => reply(204, Value::Null),
        ("POST", ["webhooks", _, _]) => {
            reply(200, json!({ "id": state.id().to_string(), "content": body["content"] }))
        }
        ("DELETE", ["webhooks", _, _, "messages", "@original"]) => reply(204, Value::Null),
        ("PATCH", ["webhooks", _, _, "messages", "@original"]) => {
            reply(200, json!({ "id": state.id().to_string(), "content": body["content"] }))
        }
        _ => reply(404, json!({ "code": 0, "message": "404: Not Found" })),
    };
    for (name, value) in limit_headers {
        answer.headers_mut().insert(name, value.parse().unwrap());
    }
    Ok(answer)
}

/// The locales Discord accepts in `name_localizations` and `description_localizations`
/// (discord-api-spec, `AvailableLocalesEnum`).
const DISCORD_LOCALES: &[&str] = &[
    "id", "da", "de", "en-GB", "en-US", "es-ES", "es-419", "fr", "hr", "it", "lt", "hu", "nl", "no", "pl",
    "pt-BR", "ro", "fi", "sv-SE", "vi", "tr", "cs", "el", "bg", "ru", "uk", "hi", "th", "zh-CN", "ja",
    "zh-TW", "ko",
];

/// What real Discord would refuse in a bulk command registration: names of 1-32 lowercase
/// letters, digits, `-` or `_`, descriptions of 1-100 characters, in every localization, and
/// localizations only for locales it knows.
fn command_problem(body: &Value) -> Option<String> {
    fn name_ok(name: &str) -> bool {
        let chars = name.chars().count();
        (1..=32).contains(&chars)
            && name.chars().all(|c| c == '-' || c == '_' || c.is_alphanumeric() && !c.is_uppercase())
    }
    fn description_ok(text: &str) -> bool {
        (1..=100).contains(&text.chars().count())
    }
    fn check(item: &Value, at: &str) -> Option<String> {
        let name = item["name"].as_str().unwrap_or_default();
        if !name_ok(name) {
            return Some(format!("{at}.name `{name}`"));
        }
        if !description_ok(item["description"].as_str().unwrap_or_default()) {
            return Some(format!("{at}.description"));
        }
        for (field, ok) in [
            ("name_localizations", name_ok as fn(&str) -> bool),
            ("description_localizations", description_ok),
        ] {
            if let Some(map) = item[field].as_object() {
                for (locale, text) in map {
                    if !DISCORD_LOCALES.contains(&locale.as_str()) {
                        return Some(format!("{at}.{field}: `{locale}` is not a locale"));
                    }
                    if !ok(text.as_str().unwrap_or_default()) {
                        return Some(format!("{at}.{field}.{locale}"));
                    }
                }
            }
        }
        let options = item["options"].as_array().cloned().unwrap_or_default();
        if options.len() > 25 {
            return Some(format!("{at}.options: more than 25"));
        }
        options.iter().enumerate().find_map(|(i, option)| check(option, &format!("{at}.options[{i}]")))
    }
    let commands = body.as_array()?;
    commands.iter().enumerate().find_map(|(i, command)| check(command, &format!("[{i}]")))
}

fn query<T: std::str::FromStr>(path: &str, name: &str) -> Option<T> {
    let query = path.split_once('?')?.1;
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        if key == name { value.parse().ok() } else { None }
    })
}

// ----- gateway ------------------------------------------------------------------------------------

async fn serve_gateway(listener: TcpListener, state: Arc<State>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else { return };
        tokio::spawn(session(stream, state.clone()));
    }
}

/// One gateway connection: HELLO, IDENTIFY, READY, then heartbeats answered and events sent.
async fn session(stream: tokio::net::TcpStream, state: Arc<State>) {
    let Ok(mut ws) = tokio_tungstenite::accept_async(stream).await else { return };
    let hello = json!({ "op": 10, "d": { "heartbeat_interval": 41_250 }, "s": null, "t": null });
    if ws.send(Frame::text(hello.to_string())).await.is_err() {
        return;
    }
    // IDENTIFY (with its shard) or RESUME (whose session id names the shard) first.
    let (shard, total) = loop {
        match ws.next().await {
            Some(Ok(Frame::Text(text))) => {
                let payload: Value = serde_json::from_str(&text).unwrap_or_default();
                if payload["op"] == 2 {
                    let pair = |i: usize| payload["d"]["shard"][i].as_u64().map(|n| n as u32);
                    let shard = (pair(0).unwrap_or(0), pair(1).unwrap_or(1));
                    state.identified.lock().unwrap().push(shard);
                    break shard;
                }
                if payload["op"] == 6 {
                    let session = payload["d"]["session_id"].as_str().unwrap_or_default();
                    let mut parts = session.trim_start_matches("fake-session-").split('-');
                    let mut next = || parts.next().and_then(|n| n.parse().ok());
                    break (next().unwrap_or(0), next().unwrap_or(1));
                }
            }
            Some(Ok(_)) => {}
            _ => return,
        }
    };
    let url = state.gateway_url.lock().unwrap().clone();
    let ready = json!({
        "op": 0, "s": 1, "t": "READY",
        "d": {
            "v": 10,
            "user": user_json(BOT_USER, true),
            "guilds": [],
            "session_id": format!("fake-session-{shard}-{total}"),
            "resume_gateway_url": url,
            "shard": [shard, total],
            "application": { "id": APPLICATION.to_string(), "flags": 0 },
        }
    });
    if ws.send(Frame::text(ready.to_string())).await.is_err() {
        return;
    }
    let (sender, mut events) = mpsc::unbounded_channel();
    {
        let mut sessions = state.sessions.lock().unwrap();
        let (known_total, senders) = sessions.entry(shard).or_insert((total, Vec::new()));
        *known_total = total;
        senders.retain(|sender| !sender.is_closed());
        senders.push(sender);
    }
    state.readies.fetch_add(1, Ordering::SeqCst);
    let mut sequence = 1;
    loop {
        tokio::select! {
            frame = ws.next() => match frame {
                Some(Ok(Frame::Text(text))) => {
                    let payload: Value = serde_json::from_str(&text).unwrap_or_default();
                    if payload["op"] == 1 {
                        let ack = json!({ "op": 11, "d": null, "s": null, "t": null });
                        if ws.send(Frame::text(ack.to_string())).await.is_err() { break; }
                    }
                }
                Some(Ok(Frame::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            },
            event = events.recv() => {
                let Some((name, data)) = event else { break };
                sequence += 1;
                let frame = json!({ "op": 0, "s": sequence, "t": name, "d": data });
                if ws.send(Frame::text(frame.to_string())).await.is_err() { break; }
            }
        }
    }
}
