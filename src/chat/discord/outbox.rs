//! The outbox drained to Discord: each post rendered and sent, then marked sent; a failure is
//! retried with backoff, a 429 after its `retry_after`. A post that cannot be delivered (a
//! permanent refusal, nobody on Discord to send it to, or `outbox.max_attempts` failures) is a
//! dead letter: kept with its error for `resolvd outbox`, never marked sent.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use reqwest::Method;
use serde_json::json;
use tracing::warn;

use super::events::{id_of, thread_name};
use super::{Bot, RestError, render, sent_post_key, snowflake};
use crate::config::channel_of;
use crate::domain::{Audience, Post, RoomChange, TicketRef, WarRoom};
use crate::store::discord::{DiscordChannel, DiscordChannelKind};
use crate::store::{AfterFailure, OutboxPost};

/// Discord's permission bits a war room uses.
const VIEW_CHANNEL: u64 = 1 << 10;
const SEND_MESSAGES: u64 = 1 << 11;
const MANAGE_MESSAGES: u64 = 1 << 13;
const READ_MESSAGE_HISTORY: u64 = 1 << 16;
const MANAGE_CHANNELS: u64 = 1 << 4;
const MANAGE_ROLES: u64 = 1 << 28;
/// Split from Manage Messages in 2026: pinning needs it of its own.
const PIN_MESSAGES: u64 = 1 << 51;
/// What the roster may do in a war room.
const MEMBER_ALLOW: u64 = VIEW_CHANNEL | SEND_MESSAGES | READ_MESSAGE_HISTORY;
/// The bot also pins the card (pin messages; manage messages for servers that predate the split),
/// renames and moves the room (manage channel) and lets people in (manage permissions).
const BOT_ALLOW: u64 = MEMBER_ALLOW | MANAGE_MESSAGES | PIN_MESSAGES | MANAGE_CHANNELS | MANAGE_ROLES;

/// How long a claimed post is leased to this instance.
const LEASE: chrono::Duration = chrono::Duration::seconds(60);
const LONGEST_BACKOFF_SECS: i64 = 300;

pub(super) async fn drain_forever(bot: Arc<Bot>) {
    loop {
        // A catch-up goes first: Discord's global limit is shared (see `Bot::catching_up`).
        if bot.catching_up.load(std::sync::atomic::Ordering::SeqCst) > 0 {
            tokio::time::sleep(Duration::from_millis(200)).await;
            continue;
        }
        if let Err(e) = drain_once(&bot).await {
            warn!(error = %format!("{e:#}"), "could not drain the outbox");
        }
        tokio::select! {
            () = bot.outbox.notified() => {}
            () = tokio::time::sleep(Duration::from_millis(500)) => {}
        }
    }
}

/// How many posts one claim takes.
const BATCH: i64 = 200;
/// How many channels are sent to at once; within a channel, posts go one after another, in order.
const CHANNELS_AT_ONCE: usize = 64;
/// Sent posts are marked in the database this many at a time, and at the end of each batch. A
/// crash can send again at most these, and the posts in flight (one per channel being sent to).
const MARK_EVERY: usize = 25;

/// Sends every post that is due; returns how many were sent.
pub(super) async fn drain_once(bot: &Arc<Bot>) -> anyhow::Result<usize> {
    let store = bot.engine.store().clone();
    let mut sent = 0;
    loop {
        let now = Utc::now();
        if bot.catching_up.load(std::sync::atomic::Ordering::SeqCst) > 0 {
            return Ok(sent);
        }
        let posts = store.claim_posts(now, now + LEASE, BATCH).await?;
        if posts.is_empty() {
            return Ok(sent);
        }
        sent += Batch::new(bot, &posts).send(posts).await?;
    }
}

/// The posts of one claim on their way out: which are still leased, which sent and not yet marked.
#[derive(Clone)]
struct Batch {
    bot: Arc<Bot>,
    /// Claimed and not yet sent, failed or put back: their lease is renewed while the batch runs.
    leased: Arc<Mutex<BTreeSet<i64>>>,
    /// Sent, to be marked.
    sent: Arc<Mutex<Vec<i64>>>,
    /// How many were sent.
    sent_count: Arc<std::sync::atomic::AtomicUsize>,
}

impl Batch {
    fn new(bot: &Arc<Bot>, posts: &[OutboxPost]) -> Self {
        Batch {
            bot: bot.clone(),
            leased: Arc::new(Mutex::new(posts.iter().map(|p| p.id).collect())),
            sent: Arc::new(Mutex::new(Vec::new())),
            sent_count: Arc::new(std::sync::atomic::AtomicUsize::new(0)),
        }
    }

    /// Sends the posts, channels side by side and each channel's in order; returns how many were sent.
    async fn send(self, posts: Vec<OutboxPost>) -> anyhow::Result<usize> {
        let renewal = tokio::spawn(self.clone().renew_lease());
        let channels = Arc::new(tokio::sync::Semaphore::new(CHANNELS_AT_ONCE));
        let mut running = tokio::task::JoinSet::new();
        for channel in by_channel(posts) {
            let permit = channels.clone().acquire_owned().await?;
            let batch = self.clone();
            running.spawn(async move {
                let _permit = permit;
                batch.send_in_order(channel).await
            });
        }
        let mut result = Ok(());
        while let Some(done) = running.join_next().await {
            if let Err(e) = done.map_err(anyhow::Error::from).and_then(|sent| sent) {
                result = Err(e);
            }
        }
        renewal.abort();
        let marked = self.mark_sent(0).await;
        result.and(marked)?;
        Ok(self.sent_count.load(std::sync::atomic::Ordering::Relaxed))
    }

    /// One channel's posts, in order. A post that fails puts the ones after it back until its own
    /// retry, so the channel's order holds; a dead letter does not hold the rest up.
    async fn send_in_order(&self, posts: Vec<OutboxPost>) -> anyhow::Result<()> {
        let store = self.bot.engine.store().clone();
        let mut posts = posts.into_iter();
        while let Some(queued) = posts.next() {
            match self.bot.send_post(&queued.post).await {
                Ok(()) => {
                    lock(&self.leased).remove(&queued.id);
                    lock(&self.sent).push(queued.id);
                    self.sent_count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    self.mark_sent(MARK_EVERY).await?;
                }
                Err(e) => {
                    let now = Utc::now();
                    let max_attempts = self.bot.engine.config().settings.outbox.max_attempts;
                    let then = after_failure(&e, queued.attempts, max_attempts, now);
                    let error = format!("{e:#}");
                    lock(&self.leased).remove(&queued.id);
                    match then {
                        AfterFailure::Dead(_) => {
                            warn!(%error, post = queued.id, "a post cannot be delivered; it is a dead letter (resolvd outbox list --dead)");
                            store.mark_post_failed(queued.id, &error, then).await?;
                        }
                        AfterFailure::RetryAt(at) => {
                            warn!(%error, post = queued.id, retry_in = %(at - now), "could not send a post");
                            store.mark_post_failed(queued.id, &error, then).await?;
                            let after: Vec<i64> = posts.by_ref().map(|p| p.id).collect();
                            store.lease_posts(&after, at).await?;
                            let mut leased = lock(&self.leased);
                            for id in &after {
                                leased.remove(id);
                            }
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Marks the sent posts once there are at least `at_least` of them (0: whatever there is).
    async fn mark_sent(&self, at_least: usize) -> anyhow::Result<()> {
        let ids = {
            let mut sent = lock(&self.sent);
            if sent.is_empty() || sent.len() < at_least {
                return Ok(());
            }
            std::mem::take(&mut *sent)
        };
        self.bot.engine.store().mark_posts_sent(&ids, Utc::now()).await?;
        Ok(())
    }

    /// Keeps the batch's unsent posts leased to this instance while it runs.
    async fn renew_lease(self) {
        loop {
            tokio::time::sleep((LEASE / 3).to_std().unwrap_or(Duration::from_secs(20))).await;
            let ids: Vec<i64> = lock(&self.leased).iter().copied().collect();
            if let Err(e) = self.bot.engine.store().lease_posts(&ids, Utc::now() + LEASE).await {
                warn!(error = %e, "could not renew the outbox lease");
            }
        }
    }
}

/// The memory key of a Discord user's DM channel with the bot.
fn dm_channel_key(user: u64) -> String {
    format!("dm-channel:{user}")
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// The posts by the channel they go to, each channel's in claim (id) order, channels in the order
/// of their first post.
fn by_channel(posts: Vec<OutboxPost>) -> Vec<Vec<OutboxPost>> {
    let mut channels: Vec<(String, Vec<OutboxPost>)> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for post in posts {
        let key = match &post.post.audience {
            Audience::Customer { conversation, .. } | Audience::Conversation { conversation } => {
                format!("conversation:{conversation}")
            }
            Audience::Staff { ticket } => format!("staff:{ticket}"),
            Audience::Person { user } => format!("person:{user}"),
            Audience::Room { ticket } => format!("room:{ticket}"),
        };
        let at = *index.entry(key.clone()).or_insert_with(|| {
            channels.push((key, Vec::new()));
            channels.len() - 1
        });
        channels[at].1.push(post);
    }
    channels.into_iter().map(|(_, posts)| posts).collect()
}

/// A post nobody on Discord can receive: retrying cannot help until the config changes.
#[derive(Debug, thiserror::Error)]
#[error("nobody on Discord to send it to: {0}")]
struct Undeliverable(String);

/// Retried with backoff (a 429 after Discord's `retry_after`, never counted against the limit),
/// unless the failure is permanent or this was the last of `max_attempts`.
fn after_failure(
    error: &anyhow::Error,
    attempts_before: i32,
    max_attempts: u32,
    now: chrono::DateTime<Utc>,
) -> AfterFailure {
    if error.downcast_ref::<Undeliverable>().is_some() {
        return AfterFailure::Dead(now);
    }
    match error.downcast_ref::<RestError>() {
        Some(RestError::RateLimited { retry_after, .. }) => {
            return AfterFailure::RetryAt(now + chrono::Duration::from_std(*retry_after).unwrap_or(LEASE));
        }
        Some(e) if e.is_permanent() => return AfterFailure::Dead(now),
        _ => {}
    }
    if i64::from(attempts_before) + 1 >= i64::from(max_attempts) {
        return AfterFailure::Dead(now);
    }
    let backoff = (1_i64 << attempts_before.clamp(0, 9)).min(LONGEST_BACKOFF_SECS);
    AfterFailure::RetryAt(now + chrono::Duration::seconds(backoff))
}

impl Bot {
    async fn send_post(&self, post: &Post) -> anyhow::Result<()> {
        let channel = match &post.audience {
            Audience::Customer { user, conversation } => self.customer_channel(user, conversation).await?,
            Audience::Staff { ticket } => self.staff_thread(*ticket).await?,
            Audience::Person { user } => self.dm_channel(user).await?,
            Audience::Conversation { conversation } => channel_of(conversation),
            Audience::Room { ticket } => self.war_room(*ticket).await?,
        };
        let Some(channel) = channel else {
            let whom = match &post.audience {
                Audience::Customer { user, .. } | Audience::Person { user } => {
                    format!("`{user}` has no [discord.users] mapping")
                }
                Audience::Staff { .. } => "no discord.staff_channel is set".to_owned(),
                Audience::Conversation { conversation } => {
                    format!("`{conversation}` is not a Discord channel")
                }
                Audience::Room { .. } => {
                    "the war room could not be opened (no server for war rooms)".to_owned()
                }
            };
            return Err(Undeliverable(whom).into());
        };
        if let Some(RoomChange::Invite { users }) = &post.room {
            for user in users.iter().filter_map(|p| self.discord_id(p)) {
                let path = format!("/channels/{channel}/permissions/{user}");
                let body = json!({ "type": 1, "allow": MEMBER_ALLOW.to_string(), "deny": "0" });
                self.rest.call_patiently(Method::PUT, &path, Some(&body)).await?;
            }
        }
        if let (Some(RoomChange::Reopen { .. }), Some(ticket)) = (&post.room, post.ticket) {
            self.reopen_war_room(channel, ticket).await?;
        }
        let mentions: Vec<u64> = post.mentions.iter().filter_map(|p| self.discord_id(p)).collect();
        let messages = render::messages(&post.text, &mentions, &post.buttons);
        match (&post.card, post.ticket) {
            (Some(card), Some(ticket)) => self.send_card(channel, ticket, card, &messages[0]).await?,
            _ => {
                for message in &messages {
                    let sent = self
                        .rest
                        .call_patiently(Method::POST, &format!("/channels/{channel}/messages"), Some(message))
                        .await?;
                    // A customer who replies to it is writing about this ticket. Sent is sent: a
                    // failure to remember it must not send it again.
                    if let (Audience::Customer { .. }, Some(ticket), Ok(id)) =
                        (&post.audience, post.ticket, id_of(&sent))
                        && let Err(e) =
                            self.memory.set_discord_state(&sent_post_key(id), &ticket.to_string()).await
                    {
                        warn!(error = %e, %ticket, "could not remember a post for replies to it");
                    }
                }
            }
        }
        if let (Some(RoomChange::Archive), Some(ticket)) = (&post.room, post.ticket) {
            self.archive_war_room(channel, ticket).await?;
        }
        Ok(())
    }

    /// A card kept up to date: edited in place when it was posted before, else posted and pinned.
    /// The card's message is remembered as `channel:message`, with `:unpinned` until the pin went
    /// through, so a retry pins it rather than posting a second card.
    async fn send_card(
        &self,
        channel: u64,
        ticket: TicketRef,
        card: &str,
        message: &serde_json::Value,
    ) -> anyhow::Result<()> {
        let key = format!("card:{ticket}:{card}");
        let state = self.memory.discord_state(&key).await?.unwrap_or_default();
        let mut parts = state.split(':');
        let posted = match (
            parts.next().and_then(|c| c.parse::<u64>().ok()),
            parts.next().and_then(|m| m.parse::<u64>().ok()),
        ) {
            (Some(c), Some(m)) if c == channel => Some((m, parts.next() == Some("unpinned"))),
            _ => None,
        };
        if let Some((message_id, unpinned)) = posted {
            let path = format!("/channels/{channel}/messages/{message_id}");
            match self.rest.call_patiently(Method::PATCH, &path, Some(message)).await {
                Err(e) if e.is_not_found() => {} // deleted: post it again below
                Err(e) => return Err(e.into()),
                Ok(_) if unpinned => return self.pin_card(channel, message_id, &key).await,
                Ok(_) => return Ok(()),
            }
        }
        let sent = self
            .rest
            .call_patiently(Method::POST, &format!("/channels/{channel}/messages"), Some(message))
            .await?;
        let message_id = id_of(&sent)?;
        self.memory.set_discord_state(&key, &format!("{channel}:{message_id}:unpinned")).await?;
        self.pin_card(channel, message_id, &key).await
    }

    async fn pin_card(&self, channel: u64, message_id: u64, key: &str) -> anyhow::Result<()> {
        self.rest
            .call_patiently(Method::PUT, &format!("/channels/{channel}/messages/pins/{message_id}"), None)
            .await?;
        self.memory.set_discord_state(key, &format!("{channel}:{message_id}")).await?;
        Ok(())
    }

    /// The ticket's war room: a private text channel opened on its first post, with `@everyone`
    /// denied and the bot and the roster allowed.
    async fn war_room(&self, ticket: TicketRef) -> anyhow::Result<Option<u64>> {
        if let Some(channel) = self.memory.discord_war_room(ticket).await? {
            return Ok(Some(u64::try_from(channel)?));
        }
        let Some(guild) = self.settings.war_room_guild() else {
            warn!(%ticket, "no server for war rooms: set discord.war_rooms.guild or discord.guilds");
            return Ok(None);
        };
        let Some(room) = self.engine.store().war_room(ticket).await? else { return Ok(None) };
        let mut body = json!({
            "name": room.name,
            "type": 0,
            "topic": crate::t!(self.engine.shared_locale(), "discord-room-topic", ticket = ticket.to_string()),
            "permission_overwrites": self.room_overwrites(guild.0, &room, MEMBER_ALLOW, 0),
        });
        if let Some(category) = self.settings.war_rooms.category {
            body["parent_id"] = json!(category.to_string());
        }
        let created =
            self.rest.call_patiently(Method::POST, &format!("/guilds/{guild}/channels"), Some(&body)).await?;
        let channel = id_of(&created)?;
        let recorded = self
            .memory
            .record_discord_channel(&DiscordChannel {
                channel_id: snowflake(channel),
                kind: DiscordChannelKind::WarRoom,
                ticket: Some(ticket),
                owner: None,
                last_message_id: Some(snowflake(channel)),
            })
            .await?;
        if !recorded && let Some(theirs) = self.memory.discord_war_room(ticket).await? {
            return Ok(Some(u64::try_from(theirs)?));
        }
        Ok(Some(channel))
    }

    /// `@everyone` (the guild's id) denied, the bot allowed to run the room, each member of the
    /// roster Discord knows given `allow` and `deny`.
    fn room_overwrites(&self, guild: u64, room: &WarRoom, allow: u64, deny: u64) -> serde_json::Value {
        let mut overwrites = vec![
            json!({ "id": guild.to_string(), "type": 0, "allow": "0", "deny": VIEW_CHANNEL.to_string() }),
        ];
        if let Some(bot) = self.bot_user.get() {
            overwrites.push(
                json!({ "id": bot.to_string(), "type": 1, "allow": BOT_ALLOW.to_string(), "deny": "0" }),
            );
        }
        for member in room.roster.iter().filter_map(|p| self.discord_id(p)) {
            overwrites.push(json!({ "id": member.to_string(), "type": 1, "allow": allow.to_string(), "deny": deny.to_string() }));
        }
        serde_json::Value::Array(overwrites)
    }

    /// Locks the room (the roster may read, no longer write) and moves it to the archive category,
    /// or renames it `archived-…` without one.
    async fn archive_war_room(&self, channel: u64, ticket: TicketRef) -> anyhow::Result<()> {
        let Some(room) = self.engine.store().war_room(ticket).await? else { return Ok(()) };
        let guild = self.settings.war_room_guild().map_or(0, |g| g.0);
        let read_only = VIEW_CHANNEL | READ_MESSAGE_HISTORY;
        let mut body =
            json!({ "permission_overwrites": self.room_overwrites(guild, &room, read_only, SEND_MESSAGES) });
        match self.settings.war_rooms.archive_category {
            Some(category) => body["parent_id"] = json!(category.to_string()),
            None => body["name"] = json!(thread_name(&format!("archived-{}", room.name))),
        }
        self.rest.call_patiently(Method::PATCH, &format!("/channels/{channel}"), Some(&body)).await?;
        Ok(())
    }

    /// Undoes `archive_war_room`: the roster may write again, and the room is back under its name
    /// (and category).
    async fn reopen_war_room(&self, channel: u64, ticket: TicketRef) -> anyhow::Result<()> {
        let Some(room) = self.engine.store().war_room(ticket).await? else { return Ok(()) };
        let guild = self.settings.war_room_guild().map_or(0, |g| g.0);
        let mut body = json!({
            "name": room.name,
            "permission_overwrites": self.room_overwrites(guild, &room, MEMBER_ALLOW, 0),
        });
        if let Some(category) = self.settings.war_rooms.category {
            body["parent_id"] = json!(category.to_string());
        }
        self.rest.call_patiently(Method::PATCH, &format!("/channels/{channel}"), Some(&body)).await?;
        Ok(())
    }

    async fn customer_channel(&self, user: &str, conversation: &str) -> anyhow::Result<Option<u64>> {
        if let Some(channel) =
            conversation.strip_prefix("dm:").or_else(|| conversation.strip_prefix("thread:"))
        {
            return Ok(channel.parse().ok());
        }
        self.dm_channel(user).await
    }

    /// A person's DM channel with the bot, when Discord knows the person.
    /// A person's DM channel: opened once, then remembered in the database (and here), so a post
    /// costs one request rather than two.
    async fn dm_channel(&self, person: &str) -> anyhow::Result<Option<u64>> {
        let Some(user) = self.discord_id(person) else { return Ok(None) };
        if let Some(channel) = lock(&self.dm_channels).get(&user) {
            return Ok(Some(*channel));
        }
        let key = dm_channel_key(user);
        let remembered = self.memory.discord_state(&key).await?.and_then(|c| c.parse::<u64>().ok());
        let channel = match remembered {
            Some(channel) => channel,
            None => {
                let body = json!({ "recipient_id": user.to_string() });
                let opened =
                    self.rest.call_patiently(Method::POST, "/users/@me/channels", Some(&body)).await?;
                let channel = id_of(&opened)?;
                self.memory.set_discord_state(&key, &channel.to_string()).await?;
                channel
            }
        };
        lock(&self.dm_channels).insert(user, channel);
        Ok(Some(channel))
    }

    /// The ticket's thread in the staff channel, opened on its first staff post.
    async fn staff_thread(&self, ticket: TicketRef) -> anyhow::Result<Option<u64>> {
        if let Some(thread) = self.memory.discord_staff_thread(ticket).await? {
            return Ok(Some(u64::try_from(thread)?));
        }
        let Some(staff) = self.settings.staff_channel else { return Ok(None) };
        let title = self.engine.store().ticket(ticket).await?.map(|t| t.title).unwrap_or_default();
        let body = json!({ "name": thread_name(&format!("{ticket} {title}")), "type": 11, "auto_archive_duration": 10080 });
        let created = self
            .rest
            .call_patiently(Method::POST, &format!("/channels/{staff}/threads"), Some(&body))
            .await?;
        let thread = id_of(&created)?;
        let recorded = self
            .memory
            .record_discord_channel(&DiscordChannel {
                channel_id: snowflake(thread),
                kind: DiscordChannelKind::StaffThread,
                ticket: Some(ticket),
                owner: None,
                // Ids grow with time: every message in the thread comes after the thread's id.
                last_message_id: Some(snowflake(thread)),
            })
            .await?;
        if !recorded {
            // Another instance opened one first: use theirs.
            if let Some(theirs) = self.memory.discord_staff_thread(ticket).await? {
                return Ok(Some(u64::try_from(theirs)?));
            }
        }
        Ok(Some(thread))
    }
}

#[cfg(test)]
mod failure_tests {
    use super::*;

    fn status(code: u16) -> anyhow::Error {
        RestError::Status {
            method: Method::POST,
            path: "/channels/1/messages".into(),
            status: reqwest::StatusCode::from_u16(code).unwrap(),
            body: String::new(),
        }
        .into()
    }

    #[test]
    fn permanent_refusals_die_at_once_and_others_after_the_limit() {
        let now = Utc::now();
        assert_eq!(after_failure(&status(403), 0, 10, now), AfterFailure::Dead(now));
        assert_eq!(after_failure(&status(404), 0, 10, now), AfterFailure::Dead(now));
        assert_eq!(
            after_failure(&status(500), 0, 10, now),
            AfterFailure::RetryAt(now + chrono::Duration::seconds(1))
        );
        assert_eq!(after_failure(&status(500), 9, 10, now), AfterFailure::Dead(now));
        let limited = RestError::RateLimited {
            method: Method::POST,
            path: "/x".into(),
            retry_after: Duration::from_secs(7),
        };
        assert_eq!(
            after_failure(&limited.into(), 50, 10, now),
            AfterFailure::RetryAt(now + chrono::Duration::seconds(7)),
            "a 429 is never a dead letter"
        );
        assert_eq!(after_failure(&Undeliverable("x".into()).into(), 0, 10, now), AfterFailure::Dead(now));
    }
}
