//! Gateway events into engine events: messages (DMs, intake channels, customer and staff
//! threads), slash commands and button presses; and catching up on history after downtime.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde_json::{Value, json};
use serenity::all::{
    ActionRowComponent, CommandDataOption, CommandDataOptionValue, CommandInteraction, ComponentInteraction,
    Context, EventHandler, Interaction, Message, MessageUpdateEvent, ModalInteraction, Ready,
};
use tracing::{error, info, warn};

use super::commands::{self, OptionValue};
use super::cursor::Ending;
use super::render::{EPHEMERAL, components, modal, reply_text};
use super::{Bot, sent_post_key, snowflake};
use crate::command::Invocation;
use crate::domain::{Attachment, FormSubmit, Locale};
use crate::engine::{
    Inbound, InboundButton, InboundCommand, InboundMessage, InboundRoomMessage, InboundStaffReply, Outcome,
    ReplyTo,
};
use crate::store::discord::{DiscordChannel, DiscordChannelKind};
use crate::t;

pub(super) struct Handler {
    pub bot: Arc<Bot>,
}

#[serenity::async_trait]
impl EventHandler for Handler {
    async fn ready(&self, _ctx: Context, ready: Ready) {
        let bot = self.bot.clone();
        let application = ready.application.id.get();
        let _ = bot.application_id.set(application);
        let _ = bot.bot_user.set(ready.user.id.get());
        let shard = ready.shard.map_or(0, |s| s.id.0);
        info!(application, shard, user = %ready.user.name, "connected to Discord");
        bot.shard_connected(shard, true);
        tokio::spawn(async move {
            match bot.register_commands(application).await {
                Ok(0) => info!("slash commands unchanged; nothing registered"),
                Ok(scopes) => info!(scopes, "slash commands registered"),
                Err(e) => error!(error = %format!("{e:#}"), "could not register the slash commands"),
            }
            let caught_up = {
                let _catching_up = CatchingUp::new(&bot);
                bot.catch_up().await
            };
            match caught_up {
                Ok(0) => {}
                Ok(taken) => info!(taken, "took in messages sent while resolvd was away"),
                Err(e) => error!(error = %format!("{e:#}"), "could not catch up on missed messages"),
            }
            bot.outbox.notify_one();
        });
    }

    async fn shard_stage_update(&self, _ctx: Context, event: serenity::all::ShardStageUpdateEvent) {
        let connected = event.new == serenity::all::ConnectionStage::Connected;
        self.bot.shard_connected(event.shard_id.0, connected);
    }

    async fn message(&self, _ctx: Context, message: Message) {
        self.bot.on_message(&message).await;
    }

    async fn message_update(
        &self,
        _ctx: Context,
        _old: Option<Message>,
        _new: Option<Message>,
        update: MessageUpdateEvent,
    ) {
        if let Err(e) = self.bot.on_message_update(&update).await {
            error!(error = %format!("{e:#}"), message = %update.id, "could not take in a pinned message");
        }
    }

    async fn interaction_create(&self, _ctx: Context, interaction: Interaction) {
        match interaction {
            Interaction::Command(command) => self.bot.on_command(&command).await,
            Interaction::Component(press) => self.bot.on_button(&press).await,
            Interaction::Modal(form) => self.bot.on_form(&form).await,
            _ => {}
        }
    }
}

fn timestamp(at: serenity::model::Timestamp) -> DateTime<Utc> {
    DateTime::from_timestamp(at.unix_timestamp(), 0).unwrap_or_else(Utc::now)
}

/// The id in a JSON answer (`"id": "123"`).
pub(super) fn id_of(value: &Value) -> anyhow::Result<u64> {
    value
        .get("id")
        .and_then(|id| id.as_str().and_then(|s| s.parse().ok()).or_else(|| id.as_u64()))
        .ok_or_else(|| anyhow::anyhow!("Discord's answer has no id: {value}"))
}

/// Discord's longest thread name.
pub(super) fn thread_name(name: &str) -> String {
    name.chars().filter(|c| !c.is_control()).take(100).collect()
}

fn option_value(option: &CommandDataOption) -> Option<(String, OptionValue)> {
    let value = match &option.value {
        CommandDataOptionValue::String(text) => OptionValue::Text(text.clone()),
        CommandDataOptionValue::Integer(n) => OptionValue::Text(n.to_string()),
        CommandDataOptionValue::Number(n) => OptionValue::Text(n.to_string()),
        CommandDataOptionValue::Boolean(b) => OptionValue::Text(b.to_string()),
        CommandDataOptionValue::User(user) => OptionValue::User(user.get()),
        CommandDataOptionValue::SubCommand(inner) => {
            OptionValue::Subcommand(option.name.clone(), inner.iter().filter_map(option_value).collect())
        }
        _ => return None,
    };
    Some((option.name.clone(), value))
}

impl Bot {
    /// Takes in one message, from the gateway or from history. Never fails: errors are logged.
    pub(super) async fn on_message(&self, message: &Message) {
        let author = message.author.id.get();
        if message.author.bot || self.bot_user.get() == Some(&author) {
            return;
        }
        let (channel, id) = (message.channel_id.get(), message.id.get());
        self.cursors.begin(channel, id);
        let ending = match self.take_message(message).await {
            Ok(()) => Ending::Handled,
            Err(e) => {
                error!(error = %format!("{e:#}"), message = %message.id, "could not take in a Discord message");
                self.failed_messages.notify_one();
                Ending::Failed
            }
        };
        self.saw(channel, self.cursors.end(channel, id, ending)).await;
        self.outbox.notify_one();
    }

    /// Stores a channel's new catch-up cursor, if it moved.
    async fn saw(&self, channel: u64, cursor: Option<u64>) {
        let Some(cursor) = cursor else { return };
        if let Err(e) = self.memory.discord_saw_message(snowflake(channel), snowflake(cursor)).await {
            // A later message moves it; until then catch-up reads a little more again.
            warn!(error = %e, channel, "could not move the catch-up cursor");
        }
    }

    /// What a message replies to: the bot's post about a ticket (remembered when it was sent), or
    /// one of the author's own messages.
    async fn reply_to(&self, message: &Message) -> anyhow::Result<Option<ReplyTo>> {
        let Some(replied) = message.message_reference.as_ref().and_then(|r| r.message_id) else {
            return Ok(None);
        };
        if let Some(ticket) = self.memory.discord_state(&sent_post_key(replied.get())).await? {
            return Ok(ticket.parse().ok().map(ReplyTo::Ticket));
        }
        Ok(Some(ReplyTo::Message(format!("discord:message:{replied}"))))
    }

    async fn take_message(&self, message: &Message) -> anyhow::Result<()> {
        let memory = &self.memory;
        let channel = message.channel_id.get();
        if let Some(member) = &message.member {
            self.refresh_roles(message.author.id.get(), &member.roles);
        }
        let author = self.person(message.author.id.get());
        let source_id = format!("discord:message:{}", message.id);
        let text = message.content.clone();
        let attachments: Vec<Attachment> = message
            .attachments
            .iter()
            .map(|a| Attachment {
                filename: a.filename.clone(),
                content_type: a.content_type.clone(),
                size: u64::from(a.size),
                url: a.url.clone(),
            })
            .collect();
        let at = timestamp(message.timestamp);
        let known = memory.discord_channel(snowflake(channel)).await?;
        let (kind, ticket) = match &known {
            // An intake channel config no longer names.
            Some(c) if c.kind == DiscordChannelKind::Intake && !self.is_intake(channel) => return Ok(()),
            Some(c) => (c.kind, c.ticket),
            None if message.guild_id.is_none() => {
                memory
                    .record_discord_channel(&DiscordChannel {
                        channel_id: snowflake(channel),
                        kind: DiscordChannelKind::Dm,
                        ticket: None,
                        owner: Some(message.author.id.to_string()),
                        last_message_id: None,
                    })
                    .await?;
                (DiscordChannelKind::Dm, None)
            }
            // Not a channel resolvd serves.
            None => return Ok(()),
        };
        let staff = self.is_staff(&author);
        let reply_to = self.reply_to(message).await?;
        let mut reply_channel = channel;
        let inbound = match kind {
            DiscordChannelKind::Dm => Some(Inbound::Message(InboundMessage {
                source_id,
                conversation: format!("dm:{channel}"),
                author,
                text,
                at,
                attachments: attachments.clone(),
                reply_to: reply_to.clone(),
            })),
            // Staff talking in an intake channel is not a ticket; nor is an empty message.
            DiscordChannelKind::Intake
                if staff || (!crate::domain::text::has_visible_text(&text) && attachments.is_empty()) =>
            {
                None
            }
            DiscordChannelKind::Intake => {
                let thread = self.customer_thread(channel, message).await?;
                reply_channel = thread;
                Some(Inbound::Message(InboundMessage {
                    source_id,
                    conversation: format!("thread:{thread}"),
                    author,
                    text,
                    at,
                    attachments: attachments.clone(),
                    reply_to: reply_to.clone(),
                }))
            }
            DiscordChannelKind::CustomerThread if staff => Some(Inbound::StaffReply(InboundStaffReply {
                source_id,
                ticket: None,
                conversation: format!("thread:{channel}"),
                author,
                text,
                at,
            })),
            DiscordChannelKind::CustomerThread => Some(Inbound::Message(InboundMessage {
                source_id,
                conversation: format!("thread:{channel}"),
                author,
                text,
                at,
                attachments: attachments.clone(),
                reply_to: reply_to.clone(),
            })),
            DiscordChannelKind::StaffThread if staff => {
                let conversation = format!("thread:{channel}");
                Some(match self.settings.to_customer(&text) {
                    Some(reply) => {
                        let text = reply.to_owned();
                        Inbound::StaffReply(InboundStaffReply {
                            source_id,
                            ticket,
                            conversation,
                            author,
                            text,
                            at,
                        })
                    }
                    None => Inbound::StaffNote(InboundStaffReply {
                        source_id,
                        ticket,
                        conversation,
                        author,
                        text,
                        at,
                    }),
                })
            }
            DiscordChannelKind::StaffThread => None,
            DiscordChannelKind::WarRoom => ticket.map(|ticket| {
                Inbound::RoomMessage(InboundRoomMessage {
                    source_id,
                    ticket,
                    author,
                    text,
                    pinned: false,
                    at,
                })
            }),
        };
        if let Some(inbound) = inbound {
            let outcome = self.engine.handle(inbound).await;
            if let Some(reply) = outcome.reply.filter(|_| !outcome.duplicate) {
                let body = json!({
                    "content": reply_text(&reply.text),
                    "allowed_mentions": { "parse": [] },
                    "message_reference": { "message_id": message.id.to_string(), "fail_if_not_exists": false },
                });
                self.rest
                    .call_patiently(Method::POST, &format!("/channels/{reply_channel}/messages"), Some(&body))
                    .await?;
            }
            // Discord deletes a deleted message's files too: one with files stays, so the
            // ticket's links keep working.
            if kind == DiscordChannelKind::Intake
                && self.settings.delete_intake_messages
                && attachments.is_empty()
            {
                let path = format!("/channels/{channel}/messages/{}", message.id);
                match self.rest.call_patiently(Method::DELETE, &path, None).await {
                    Err(e) if !e.is_not_found() => warn!(error = %e, "could not delete the intake message"),
                    _ => {}
                }
            }
        }
        Ok(())
    }

    /// The private thread of the message's author in an intake channel: found, or opened with
    /// the customer added.
    async fn customer_thread(&self, intake: u64, message: &Message) -> anyhow::Result<u64> {
        let _one_at_a_time = self.threads.lock().await;
        let memory = &self.memory;
        let user = message.author.id.get();
        let owner = format!("{intake}:{user}");
        if let Some(thread) = memory.discord_customer_thread(&owner).await? {
            return Ok(u64::try_from(thread)?);
        }
        // Named in the language the customer writes in (their setting first).
        let person = self.person(user);
        let locale = self.engine.locale_of(&person, None, Some(&message.content));
        let name = thread_name(&t!(locale, "discord-thread-name", name = message.author.name.as_str()));
        let body = json!({ "name": name, "type": 12, "invitable": false, "auto_archive_duration": 10080 });
        let created = self
            .rest
            .call_patiently(Method::POST, &format!("/channels/{intake}/threads"), Some(&body))
            .await?;
        let thread = id_of(&created)?;
        self.rest
            .call_patiently(Method::PUT, &format!("/channels/{thread}/thread-members/{user}"), None)
            .await?;
        memory
            .record_discord_channel(&DiscordChannel {
                channel_id: snowflake(thread),
                kind: DiscordChannelKind::CustomerThread,
                ticket: None,
                owner: Some(owner),
                // Ids grow with time: every message in the thread comes after the thread's id.
                last_message_id: Some(snowflake(thread)),
            })
            .await?;
        Ok(thread)
    }

    /// The engine's conversation for a channel an interaction came from.
    async fn conversation_of(&self, channel: u64, in_guild: bool) -> (String, Option<DiscordChannel>) {
        let known = self.memory.discord_channel(snowflake(channel)).await.ok().flatten();
        let conversation = match known.as_ref().map(|c| c.kind) {
            Some(DiscordChannelKind::CustomerThread | DiscordChannelKind::StaffThread) => {
                format!("thread:{channel}")
            }
            Some(DiscordChannelKind::Dm) => format!("dm:{channel}"),
            Some(DiscordChannelKind::WarRoom) => format!("room:{channel}"),
            _ if !in_guild => format!("dm:{channel}"),
            _ => format!("channel:{channel}"),
        };
        (conversation, known)
    }

    pub(super) async fn on_command(&self, command: &CommandInteraction) {
        if let Some(member) = &command.member {
            self.refresh_roles(command.user.id.get(), &member.roles);
        }
        let options = command.data.options.iter().filter_map(option_value).collect();
        let mut invocation = commands::invocation(&command.data.name, options, |id| self.person(id));
        let (conversation, known) =
            self.conversation_of(command.channel_id.get(), command.guild_id.is_some()).await;
        // In a ticket's staff thread, commands are about that ticket unless they name another.
        if let Some(ticket) = known.and_then(|c| c.ticket) {
            let takes_ticket = self
                .engine
                .config()
                .commands
                .leaf(&invocation)
                .is_ok_and(|leaf| leaf.options.iter().any(|o| o.name == "ticket"));
            if takes_ticket && !invocation.options.iter().any(|(name, _)| name == "ticket") {
                invocation.options.push(("ticket".to_owned(), ticket.to_string()));
            }
        }
        let inbound = Inbound::Command(InboundCommand {
            source_id: format!("discord:interaction:{}", command.id),
            conversation,
            actor: self.person(command.user.id.get()),
            invocation,
            at: Utc::now(),
            locale: Some(command.locale.clone()),
        });
        self.answer(command.id.get(), &command.token, inbound).await;
    }

    pub(super) async fn on_button(&self, press: &ComponentInteraction) {
        if let Some(member) = &press.member {
            self.refresh_roles(press.user.id.get(), &member.roles);
        }
        let (conversation, _) = self.conversation_of(press.channel_id.get(), press.guild_id.is_some()).await;
        let inbound = Inbound::Button(InboundButton {
            source_id: format!("discord:interaction:{}", press.id),
            conversation,
            actor: self.person(press.user.id.get()),
            button_id: press.data.custom_id.clone(),
            answer: None,
            at: Utc::now(),
            locale: Some(press.locale.clone()),
        });
        self.answer(press.id.get(), &press.token, inbound).await;
    }

    /// A message pinned in a war room goes on the incident timeline (the bot's own pins, of the
    /// incident card, do not).
    pub(super) async fn on_message_update(&self, update: &MessageUpdateEvent) -> anyhow::Result<()> {
        if update.pinned != Some(true) {
            return Ok(());
        }
        let channel = update.channel_id.get();
        let known = self.memory.discord_channel(snowflake(channel)).await?;
        let Some(ticket) = known.filter(|c| c.kind == DiscordChannelKind::WarRoom).and_then(|c| c.ticket)
        else {
            return Ok(());
        };
        let (author, content) = match (&update.author, &update.content) {
            (Some(author), Some(content)) => (author.clone(), content.clone()),
            // A partial update: read the message itself.
            _ => {
                let path = format!("/channels/{channel}/messages/{}", update.id);
                let message: Message =
                    serde_json::from_value(self.rest.call_patiently(Method::GET, &path, None).await?)?;
                (message.author, message.content)
            }
        };
        if author.bot || self.bot_user.get() == Some(&author.id.get()) {
            return Ok(());
        }
        let inbound = Inbound::RoomMessage(InboundRoomMessage {
            source_id: format!("discord:pin:{}", update.id),
            ticket,
            author: self.person(author.id.get()),
            text: content,
            pinned: true,
            at: Utc::now(),
        });
        self.engine.handle(inbound).await;
        self.outbox.notify_one();
        Ok(())
    }

    /// A filled-in modal: the command or button press its form was for, with the answers.
    pub(super) async fn on_form(&self, form: &ModalInteraction) {
        if let Some(member) = &form.member {
            self.refresh_roles(form.user.id.get(), &member.roles);
        }
        let answers: Vec<(String, String)> = form
            .data
            .components
            .iter()
            .flat_map(|row| &row.components)
            .filter_map(|component| match component {
                ActionRowComponent::InputText(input) => {
                    Some((input.custom_id.clone(), input.value.clone().unwrap_or_default()))
                }
                _ => None,
            })
            .collect();
        let (conversation, _) = self.conversation_of(form.channel_id.get(), form.guild_id.is_some()).await;
        let source_id = format!("discord:interaction:{}", form.id);
        let actor = self.person(form.user.id.get());
        let at = Utc::now();
        let locale = Some(form.locale.clone());
        let inbound = match FormSubmit::from_custom_id(&form.data.custom_id) {
            Some(FormSubmit::Command { name, ticket }) => {
                let mut options = vec![("ticket".to_owned(), ticket.to_string())];
                options.extend(answers);
                // A subcommand's form names its path, `kb publish`.
                let (name, subcommand) = match name.split_once(' ') {
                    Some((name, sub)) => (name.to_owned(), Some(sub.to_owned())),
                    None => (name, None),
                };
                let invocation = Invocation { name, subcommand, options };
                Inbound::Command(InboundCommand { source_id, conversation, actor, invocation, at, locale })
            }
            Some(FormSubmit::Press { id }) => Inbound::Button(InboundButton {
                source_id,
                conversation,
                actor,
                button_id: id,
                answer: answers.into_iter().next().map(|(_, value)| value),
                at,
                locale,
            }),
            None => {
                warn!(custom_id = %form.data.custom_id, "a modal resolvd did not open");
                return;
            }
        };
        self.answer(form.id.get(), &form.token, inbound).await;
    }

    /// Runs an interaction's event and answers within Discord's 3 seconds: directly when the
    /// engine is quick, else deferred (ephemeral) and then edited with the answer (or, for a
    /// public answer, followed up publicly and the placeholder deleted).
    async fn answer(&self, id: u64, token: &str, inbound: Inbound) {
        // Who asks, for the words Discord's answer adds when the engine has none.
        let (actor, platform) = match &inbound {
            Inbound::Command(c) => (c.actor.clone(), c.locale.clone()),
            Inbound::Button(b) => (b.actor.clone(), b.locale.clone()),
            _ => (String::new(), None),
        };
        let locale = self.engine.reader_locale(&actor, platform.as_deref()).await;
        let engine = self.engine.clone();
        let mut work = tokio::spawn(async move { engine.handle(inbound).await });
        let callback = format!("/interactions/{id}/{token}/callback");
        // 0 defers every answer.
        let quick = match self.settings.defer_after_ms {
            0 => None,
            ms => tokio::time::timeout(Duration::from_millis(ms), &mut work).await.ok(),
        };
        let result = match quick {
            Some(outcome) => {
                let outcome = outcome.unwrap_or_else(|_| failed(locale));
                // A form opens as a modal; deferred, it is too late for one and the reply's text
                // says what to type instead.
                let files = chart_files(&outcome);
                let body = match &outcome.form {
                    Some(form) => json!({ "type": 9, "data": modal(form) }),
                    None => json!({ "type": 4, "data": reply_data(&outcome, &files, locale) }),
                };
                if files.is_empty() || outcome.form.is_some() {
                    self.rest.call(Method::POST, &callback, Some(&body)).await.map(drop)
                } else {
                    self.rest.call_with_files(Method::POST, &callback, &body, &files).await.map(drop)
                }
            }
            None => {
                let deferred = json!({ "type": 5, "data": { "flags": EPHEMERAL } });
                match self.rest.call(Method::POST, &callback, Some(&deferred)).await {
                    Err(e) => Err(e),
                    Ok(_) => {
                        let outcome = work.await.unwrap_or_else(|_| failed(locale));
                        let files = chart_files(&outcome);
                        let mut data = reply_data(&outcome, &files, locale);
                        // Too late for a modal: a button asks the form again.
                        if let Some(again) = outcome.form.as_ref().and_then(|f| f.ask_again.as_ref()) {
                            data["components"] = components(std::slice::from_ref(again));
                        }
                        let private = data.as_object_mut().and_then(|d| d.remove("flags")).is_some();
                        let application = self.application_id.get().copied().unwrap_or_default();
                        let webhook = format!("/webhooks/{application}/{token}");
                        let original = format!("{webhook}/messages/@original");
                        let (method, target) =
                            if private { (Method::PATCH, &original) } else { (Method::POST, &webhook) };
                        let sent = if files.is_empty() {
                            self.rest.call_patiently(method, target, Some(&data)).await
                        } else {
                            self.rest.call_with_files(method, target, &data, &files).await
                        };
                        if private {
                            sent.map(drop)
                        } else {
                            // The deferral was ephemeral (it might have been an error): a public
                            // answer is a follow-up for everyone, and the placeholder goes.
                            match sent {
                                Ok(_) => {
                                    self.rest.call_patiently(Method::DELETE, &original, None).await.map(drop)
                                }
                                Err(e) => Err(e),
                            }
                        }
                    }
                }
            }
        };
        if let Err(e) = result {
            warn!(error = %e, interaction = id, "could not answer an interaction");
        }
        self.outbox.notify_one();
    }

    /// Reads each channel with a failed message again from that message on; returns how many
    /// messages were read.
    async fn retake_failed(&self) -> anyhow::Result<usize> {
        const PAGE: usize = 100;
        let mut taken = 0;
        for (channel, first) in self.cursors.first_failed() {
            let path = format!("/channels/{channel}/messages?after={}&limit={PAGE}", first.saturating_sub(1));
            let page = self.rest.call_patiently(Method::GET, &path, None).await?;
            let mut messages: Vec<Message> = serde_json::from_value(page)?;
            messages.sort_by_key(|m| m.id);
            for message in &messages {
                self.on_message(message).await;
                taken += 1;
            }
        }
        Ok(taken)
    }

    /// Reads what was written in the channels resolvd serves since the last message it saw, and
    /// takes it in, oldest first. Run after every (re)connection. Only the intake channels and
    /// the channels of tickets not closed, or closed within `catch_up_closed_days`, are read.
    pub(super) async fn catch_up(&self) -> anyhow::Result<usize> {
        const PAGE: usize = 100;
        let mut taken = 0;
        let closed_since =
            chrono::Utc::now() - chrono::Duration::days(i64::from(self.settings.catch_up_closed_days));
        for channel in self.memory.discord_channels_to_catch_up(closed_since).await? {
            // A DM channel with no cursor was learnt but none of its messages was taken in yet (a
            // crash came first): it is read from its start, a new customer's few messages.
            let Some(mut after) =
                channel.last_message_id.or((channel.kind == DiscordChannelKind::Dm).then_some(0))
            else {
                continue;
            };
            let id = u64::try_from(channel.channel_id)?;
            if channel.kind == DiscordChannelKind::Intake && !self.is_intake(id) {
                continue;
            }
            // Live messages finishing meanwhile must not carry the cursor past pages not read yet.
            let from = u64::try_from(after)?;
            self.cursors.hold(id, from);
            // Read a minute before the cursor too: a message the gateway delivered but a crash
            // caught before it was handled (events are handled side by side, so a later one may
            // have moved the cursor past it) is read again; one already taken in changes nothing.
            after = after.saturating_sub(LOOKBACK_MS << 22).max(0);
            loop {
                let path = format!("/channels/{}/messages?after={after}&limit={PAGE}", channel.channel_id);
                let page = match self.rest.call_patiently(Method::GET, &path, None).await {
                    Ok(page) => page,
                    Err(e) => {
                        warn!(error = %e, channel = channel.channel_id, "could not read a channel's history");
                        break;
                    }
                };
                let mut messages: Vec<Message> = match serde_json::from_value(page) {
                    Ok(messages) => messages,
                    Err(e) => {
                        warn!(error = %e, channel = channel.channel_id, "could not read a page of history");
                        break;
                    }
                };
                messages.sort_by_key(|m| m.id);
                for message in &messages {
                    after = after.max(snowflake(message.id.get()));
                    self.on_message(message).await;
                    taken += 1;
                }
                if messages.len() < PAGE {
                    break;
                }
            }
            self.saw(id, self.cursors.release(id, from)).await;
        }
        Ok(taken)
    }
}

/// How far before a channel's cursor catch-up reads, in milliseconds (a snowflake's time is its
/// top 42 bits).
const LOOKBACK_MS: i64 = 60_000;

/// A catch-up running, counted in `Bot::catching_up` while it lives (the outbox waits for it).
struct CatchingUp<'a>(&'a Bot);

impl<'a> CatchingUp<'a> {
    fn new(bot: &'a Bot) -> Self {
        bot.catching_up.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        CatchingUp(bot)
    }
}

impl Drop for CatchingUp<'_> {
    fn drop(&mut self) {
        self.0.catching_up.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// How often failed messages are read again before waiting for another failure (about a minute).
const RETRIES: usize = 10;
/// The longest wait between two attempts to take in messages that failed.
const LONGEST_RETRY: std::time::Duration = std::time::Duration::from_secs(8);

/// Takes in again the messages whose handling failed (the database restarting, say), without
/// waiting for a reconnection: after a failure, each channel's history is read again from its
/// first failed message, 1 s later, then 2, 4, 8 …, until no message is failed any more (ten
/// times at most). Every message is idempotent on its id, so reading again what was taken in
/// changes nothing; a new customer's first DM is found too, though the database never learnt of
/// its channel.
pub(super) async fn retry_failed_messages(bot: Arc<Bot>) {
    loop {
        bot.failed_messages.notified().await;
        let mut wait = std::time::Duration::from_secs(1);
        // A message that fails every time (not the database) is not read for ever: after these
        // attempts it waits for the next failure, a reconnection or a restart.
        for _ in 0..RETRIES {
            if !bot.cursors.any_failed() {
                break;
            }
            tokio::time::sleep(wait).await;
            match bot.retake_failed().await {
                Ok(taken) => info!(taken, "read again the channels of messages that had failed"),
                Err(e) => warn!(error = %format!("{e:#}"), "could not take in failed messages yet"),
            }
            wait = (wait * 2).min(LONGEST_RETRY);
        }
    }
}

fn failed(locale: Locale) -> Outcome {
    Outcome::private(t!(locale, "discord-failed"), None)
}

/// The name a reply's chart is attached under.
const CHART_FILE: &str = "chart.png";

/// A reply's chart as the file to attach, when it has one; a chart that cannot be drawn is left
/// out (the text says it all) and logged.
fn chart_files(outcome: &Outcome) -> Vec<(String, Vec<u8>)> {
    let Some(chart) = outcome.reply.as_ref().and_then(|r| r.chart.as_ref()) else {
        return Vec::new();
    };
    match super::chart::png(chart) {
        Ok(png) => vec![(CHART_FILE.to_owned(), png)],
        Err(e) => {
            warn!(error = %format!("{e:#}"), "could not draw a reply's chart; sent without it");
            Vec::new()
        }
    }
}

/// An interaction reply: errors, refusals and repeats only to the person who acted; `files` are
/// attached (and named in `attachments`, as Discord's uploads are).
fn reply_data(outcome: &Outcome, files: &[(String, Vec<u8>)], locale: Locale) -> Value {
    let (text, private) = match &outcome.reply {
        Some(reply) => (reply.text.clone(), reply.private),
        None if outcome.duplicate => (t!(locale, "discord-repeated"), true),
        None => (t!(locale, "discord-done"), true),
    };
    let mut data = json!({ "content": reply_text(&text), "allowed_mentions": { "parse": [] } });
    if private {
        data["flags"] = json!(EPHEMERAL);
    }
    if !files.is_empty() {
        let attachments: Vec<Value> =
            files.iter().enumerate().map(|(id, (name, _))| json!({ "id": id, "filename": name })).collect();
        data["attachments"] = json!(attachments);
    }
    data
}
