//! The Discord channel, through serenity's gateway. Thin: Discord events become engine events
//! (`events.rs`), engine replies become interaction responses, and outbox posts become REST calls
//! (`outbox.rs`), all rendered by `render.rs`. Its memory between runs (which thread is whose,
//! the last message seen per channel, the registered commands, the pinned cards) is a
//! `DiscordState` it is given at start-up, over the store's database; the engine knows nothing
//! of it.
//!
//! Ids cross into the engine as opaque strings: a DM is the conversation `dm:<channel>`, a thread
//! `thread:<channel>`; a Discord user is the person config maps them to (`[discord.users]`), or
//! `discord:<user id>`.

mod chart;
mod commands;
mod cursor;
mod events;
mod limits;
mod outbox;
pub mod render;
mod rest;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, OnceLock};

use anyhow::Context as _;
use serenity::all::{GatewayIntents, HttpBuilder, RoleId};
use tokio::sync::Notify;
use tracing::{info, warn};

use crate::config::DiscordSettings;
use crate::domain::Role;
use crate::engine::Engine;
use crate::store::discord::{DiscordChannel, DiscordChannelKind, DiscordState};

pub use commands::{Reach, fingerprint, registration};
pub use rest::{Rest, RestError};

/// Everything the handlers share.
pub(crate) struct Bot {
    engine: Arc<Engine>,
    /// The channel's memory between runs: channels, cursors, fingerprints, pinned cards.
    memory: Arc<dyn DiscordState>,
    settings: DiscordSettings,
    rest: Rest,
    /// Discord user id → person id, and back.
    people: BTreeMap<u64, String>,
    discord_ids: BTreeMap<String, u64>,
    /// Discord role id → resolvd role, from `[discord.roles]`.
    roles: BTreeMap<u64, Role>,
    application_id: OnceLock<u64>,
    bot_user: OnceLock<u64>,
    /// Wakes the outbox drainer after an event that may have queued posts.
    outbox: Notify,
    /// Wakes the retry of catch-up after a message could not be taken in (the database away).
    failed_messages: Notify,
    /// Catch-ups running now: the outbox waits for them, so that reading what customers wrote
    /// while resolvd was away does not queue behind a backlog of posts for Discord's global
    /// request limit (after a crash in a storm, 2,000 channels to read behind thousands of posts).
    catching_up: std::sync::atomic::AtomicUsize,
    /// Opening a customer's private thread happens once at a time, so two quick messages do
    /// not open two threads.
    threads: tokio::sync::Mutex<()>,
    /// The messages in flight per channel: the catch-up cursor moves only past handled ones.
    cursors: cursor::Cursors,
    /// Discord user → their DM channel with the bot, as remembered in the database.
    dm_channels: std::sync::Mutex<BTreeMap<u64, u64>>,
    /// The shards of this instance that are connected now: the gateway is up when all are.
    connected_shards: std::sync::Mutex<BTreeSet<u32>>,
}

impl Bot {
    fn new(
        engine: Arc<Engine>,
        memory: Arc<dyn DiscordState>,
        settings: DiscordSettings,
        token: &str,
    ) -> Self {
        let people: BTreeMap<u64, String> = settings
            .users
            .iter()
            .filter_map(|(id, person)| Some((id.parse().ok()?, person.clone())))
            .collect();
        let discord_ids = people.iter().map(|(id, person)| (person.clone(), *id)).collect();
        let roles = settings.roles.iter().filter_map(|(id, role)| Some((id.parse().ok()?, *role))).collect();
        Bot {
            roles,
            rest: Rest::new(settings.api_base(), token),
            engine,
            memory,
            settings,
            people,
            discord_ids,
            application_id: OnceLock::new(),
            bot_user: OnceLock::new(),
            outbox: Notify::new(),
            failed_messages: Notify::new(),
            catching_up: std::sync::atomic::AtomicUsize::new(0),
            threads: tokio::sync::Mutex::new(()),
            cursors: cursor::Cursors::default(),
            connected_shards: std::sync::Mutex::new(BTreeSet::new()),
            dm_channels: std::sync::Mutex::new(BTreeMap::new()),
        }
    }

    /// Records a shard's connection and sets the gateway metric: connected when every shard of
    /// this instance's range is.
    fn shard_connected(&self, shard: u32, connected: bool) {
        let mut shards = self.connected_shards.lock().unwrap_or_else(|e| e.into_inner());
        if connected {
            shards.insert(shard);
        } else {
            shards.remove(&shard);
        }
        let all = shards.len() as u32 == self.settings.shard_range().count();
        self.engine.metrics().gateway_connected.set(i64::from(all));
    }

    /// The person a Discord user is.
    fn person(&self, user: u64) -> String {
        self.people.get(&user).cloned().unwrap_or_else(|| format!("discord:{user}"))
    }

    /// The Discord user a person is, when known.
    fn discord_id(&self, person: &str) -> Option<u64> {
        if let Some(id) = self.discord_ids.get(person) {
            return Some(*id);
        }
        person.strip_prefix("discord:").and_then(|id| id.parse().ok())
    }

    /// Grants a user the resolvd roles config maps their Discord roles to, as the event that
    /// carried them says (DMs carry none: the last known roles stay).
    fn refresh_roles(&self, user: u64, member_roles: &[RoleId]) {
        if self.roles.is_empty() {
            return;
        }
        let granted: BTreeSet<Role> =
            member_roles.iter().filter_map(|r| self.roles.get(&r.get()).copied()).collect();
        self.engine.people().grant(&self.person(user), granted);
    }

    /// Whether config (still) names this channel an intake channel.
    fn is_intake(&self, channel: u64) -> bool {
        self.settings.intake_channels.iter().any(|c| c.0 == channel)
    }

    fn is_staff(&self, person: &str) -> bool {
        self.engine.people().is_staff(person)
    }

    /// Records the intake channels from config, so that a restart catches up on them.
    async fn record_intake_channels(&self) -> anyhow::Result<()> {
        for channel in &self.settings.intake_channels {
            self.memory
                .record_discord_channel(&DiscordChannel {
                    channel_id: snowflake(channel.0),
                    kind: DiscordChannelKind::Intake,
                    ticket: None,
                    owner: None,
                    last_message_id: None,
                })
                .await?;
        }
        Ok(())
    }

    /// Registers the slash commands in each configured guild (or globally), unless the same
    /// definitions were registered there before.
    async fn register_commands(&self, application: u64) -> anyhow::Result<usize> {
        let commands = &self.engine.config().commands;
        let global = format!("/applications/{application}/commands");
        let scopes: Vec<(String, String, Reach)> = if self.settings.guilds.is_empty() {
            vec![("commands:global".to_owned(), global, Reach::Everywhere)]
        } else {
            let servers = self.settings.guilds.iter().map(|g| {
                (
                    format!("commands:guild:{g}"),
                    format!("/applications/{application}/guilds/{g}/commands"),
                    Reach::Server,
                )
            });
            // Customers write to the bot in DMs, which guild commands never reach.
            servers.chain([("commands:dm".to_owned(), global, Reach::DirectMessages)]).collect()
        };
        let mut registered = 0;
        for (key, path, reach) in scopes {
            let body = registration(commands, reach);
            let print = fingerprint(&body);
            if self.memory.discord_state(&key).await?.as_deref() == Some(print.as_str()) {
                continue;
            }
            self.rest
                .call_patiently(reqwest::Method::PUT, &path, Some(&body))
                .await
                .with_context(|| format!("registering the slash commands ({key})"))?;
            self.memory.set_discord_state(&key, &print).await?;
            registered += 1;
        }
        Ok(registered)
    }
}

/// The memory key under which a post the bot sent to a customer names its ticket, so that a reply
/// to it lands on that ticket.
fn sent_post_key(message_id: u64) -> String {
    format!("sent:{message_id}")
}

/// Discord ids are below 2^63, so they fit the database's signed integers.
fn snowflake(id: u64) -> i64 {
    i64::try_from(id).unwrap_or(i64::MAX)
}

/// Serves Discord until `stop` resolves: the gateway for events, the outbox drained to REST.
/// `memory` is the channel's own state, over the engine's database
/// (`store::discord::open_with_discord_state` opens both on one pool).
pub async fn serve(
    engine: Arc<Engine>,
    memory: Arc<dyn DiscordState>,
    stop: impl std::future::Future<Output = ()>,
) -> anyhow::Result<()> {
    let settings = engine.config().settings.discord.clone();
    let token =
        settings.token().context("no Discord token: set DISCORD_TOKEN or discord.token")?.expose().to_owned();
    // serenity's own rate limiter ignores a proxy (serenity #1739), so with an API base the
    // proxy owns rate limits; resolvd's REST calls honour a 429's retry_after themselves.
    let http = match &settings.api_base {
        Some(base) => {
            HttpBuilder::new(&token).proxy(base.trim_end_matches('/')).ratelimiter_disabled(true).build()
        }
        None => HttpBuilder::new(&token).build(),
    };
    let bot = Arc::new(Bot::new(engine, memory, settings, &token));
    bot.record_intake_channels().await?;
    let intents = GatewayIntents::GUILDS
        | GatewayIntents::GUILD_MESSAGES
        | GatewayIntents::DIRECT_MESSAGES
        | GatewayIntents::MESSAGE_CONTENT;
    let mut client = serenity::all::ClientBuilder::new_with_http(http, intents)
        .event_handler_arc(Arc::new(events::Handler { bot: bot.clone() }))
        .await
        .context("building the Discord client")?;
    let drainer = tokio::spawn(outbox::drain_forever(bot.clone()));
    let retrier = tokio::spawn(events::retry_failed_messages(bot.clone()));
    let shards = client.shard_manager.clone();
    let range = bot.settings.shard_range();
    info!(api = bot.settings.api_base(), shards = %range, "connecting to Discord");
    // serenity's range is first..last with the last included.
    let result = tokio::select! {
        result = client.start_shard_range(range.first..range.last, range.total) => {
            result.context("the Discord gateway stopped")
        }
        () = stop => {
            shards.shutdown_all().await;
            Ok(())
        }
    };
    drainer.abort();
    retrier.abort();
    if let Err(e) = &result {
        warn!(error = %format!("{e:#}"), "Discord stopped");
    }
    result
}
