//! The outbox drained to Discord: each post rendered and sent, then marked sent; a failure is
//! retried with backoff, a 429 after its `retry_after`.

use std::time::Duration;

use chrono::Utc;
use reqwest::Method;
use serde_json::json;
use tracing::warn;

use super::events::{id_of, thread_name};
use super::{Bot, RestError, render, snowflake};
use crate::domain::{Audience, Post, TicketRef};
use crate::store::{DiscordChannel, DiscordChannelKind};

/// How long a claimed post is leased to this instance.
const LEASE: chrono::Duration = chrono::Duration::seconds(60);
const LONGEST_BACKOFF_SECS: i64 = 300;

pub(super) async fn drain_forever(bot: std::sync::Arc<Bot>) {
    loop {
        if let Err(e) = drain_once(&bot).await {
            warn!(error = %format!("{e:#}"), "could not drain the outbox");
        }
        tokio::select! {
            () = bot.outbox.notified() => {}
            () = tokio::time::sleep(Duration::from_millis(500)) => {}
        }
    }
}

/// Sends every post that is due; returns how many were sent.
pub(super) async fn drain_once(bot: &Bot) -> anyhow::Result<usize> {
    let store = bot.engine.store().clone();
    let mut sent = 0;
    loop {
        let now = Utc::now();
        let posts = store.claim_posts(now, now + LEASE, 20).await?;
        if posts.is_empty() {
            return Ok(sent);
        }
        for queued in posts {
            match bot.send_post(&queued.post).await {
                Ok(()) => {
                    store.mark_post_sent(queued.id, Utc::now()).await?;
                    sent += 1;
                }
                Err(e) => {
                    let wait = match e.downcast_ref::<RestError>() {
                        Some(RestError::RateLimited { retry_after, .. }) => {
                            chrono::Duration::from_std(*retry_after).unwrap_or(LEASE)
                        }
                        _ => chrono::Duration::seconds(
                            (1_i64 << queued.attempts.clamp(0, 9)).min(LONGEST_BACKOFF_SECS),
                        ),
                    };
                    warn!(error = %format!("{e:#}"), post = queued.id, retry_in = %wait, "could not send a post");
                    store.mark_post_failed(queued.id, &format!("{e:#}"), Utc::now() + wait).await?;
                }
            }
        }
    }
}

impl Bot {
    async fn send_post(&self, post: &Post) -> anyhow::Result<()> {
        let channel = match &post.audience {
            Audience::Customer { user, conversation } => self.customer_channel(user, conversation).await?,
            Audience::Staff { ticket } => self.staff_thread(*ticket).await?,
            Audience::Person { user } => self.dm_channel(user).await?,
            Audience::Conversation { conversation } => channel_of(conversation),
        };
        let Some(channel) = channel else {
            warn!(audience = ?post.audience, "nobody on Discord to send this post to; it is dropped");
            return Ok(());
        };
        let mentions: Vec<u64> = post.mentions.iter().filter_map(|p| self.discord_id(p)).collect();
        for message in render::messages(&post.text, &mentions, &post.buttons) {
            self.rest
                .call_patiently(Method::POST, &format!("/channels/{channel}/messages"), Some(&message))
                .await?;
        }
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
    async fn dm_channel(&self, person: &str) -> anyhow::Result<Option<u64>> {
        let Some(user) = self.discord_id(person) else { return Ok(None) };
        let body = json!({ "recipient_id": user.to_string() });
        let channel = self.rest.call_patiently(Method::POST, "/users/@me/channels", Some(&body)).await?;
        Ok(Some(id_of(&channel)?))
    }

    /// The ticket's thread in the staff channel, opened on its first staff post.
    async fn staff_thread(&self, ticket: TicketRef) -> anyhow::Result<Option<u64>> {
        let store = self.engine.store();
        if let Some(thread) = store.discord_staff_thread(ticket).await? {
            return Ok(Some(u64::try_from(thread)?));
        }
        let Some(staff) = self.settings.staff_channel else { return Ok(None) };
        let title = store.ticket(ticket).await?.map(|t| t.title).unwrap_or_default();
        let body = json!({ "name": thread_name(&format!("{ticket} {title}")), "type": 11, "auto_archive_duration": 10080 });
        let created = self
            .rest
            .call_patiently(Method::POST, &format!("/channels/{staff}/threads"), Some(&body))
            .await?;
        let thread = id_of(&created)?;
        let recorded = store
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
            if let Some(theirs) = store.discord_staff_thread(ticket).await? {
                return Ok(Some(u64::try_from(theirs)?));
            }
        }
        Ok(Some(thread))
    }
}

/// A named conversation (the ops digest's) on Discord: a channel id, bare or as `channel:<id>`,
/// `dm:<id>` or `thread:<id>`; any other name has no channel here.
fn channel_of(conversation: &str) -> Option<u64> {
    let id = ["channel:", "dm:", "thread:"]
        .iter()
        .find_map(|prefix| conversation.strip_prefix(prefix))
        .unwrap_or(conversation);
    id.parse().ok()
}

#[cfg(test)]
mod conversation_tests {
    use super::channel_of;

    #[test]
    fn a_named_conversation_is_a_discord_channel_only_when_it_names_one() {
        assert_eq!(channel_of("channel:123"), Some(123));
        assert_eq!(channel_of("456"), Some(456));
        assert_eq!(channel_of("ops"), None);
    }
}
