//! The console channel: the embedded default. People type `USER: TEXT` lines, interactively or
//! from a script; the bot's replies and posts print as lines that say whom they are for.

pub mod line;

use std::io::Write;
use std::sync::Arc;

use chrono::Utc;
use tokio::io::{AsyncBufRead, AsyncBufReadExt};

use super::render::clean;
use crate::domain::{Attachment, Audience, Form, FormSubmit, Locale, Post, RoomChange};
use crate::engine::{
    Engine, Inbound, InboundButton, InboundCommand, InboundMessage, Outcome, ReplyTo, direct_conversation,
};
use crate::store::StoreError;
use crate::t;

pub use line::{Input, Line, parse_line};

/// What the transcript repeats of a line typed (a megabyte is stored, not echoed).
const ECHO_CHARS: usize = 2_000;

/// What a line error repeats of the line.
const ERROR_CHARS: usize = 300;

/// How often the console looks for posts nobody typed a line for (the scheduler's).
const OUTBOX_POLL: std::time::Duration = std::time::Duration::from_secs(1);

/// What a run of the console did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub lines: usize,
    pub errors: usize,
    /// Lines taken in by an earlier run of the same script.
    pub already_handled: usize,
    pub posts: usize,
}

pub struct Console<W: Write> {
    engine: Arc<Engine>,
    out: W,
    /// Prefix of the source ids of this input: the same script line always gets the same id,
    /// so running a script again after a stop takes in only what the first run did not.
    source: String,
    /// Print each input line before the bot's answers (scripts), or not (a person typing).
    echo: bool,
}

impl<W: Write> Console<W> {
    pub fn new(engine: Arc<Engine>, out: W, source: String, echo: bool) -> Self {
        Console { engine, out, source, echo }
    }

    pub fn into_output(self) -> W {
        self.out
    }

    /// Reads lines to the end of the input (or until `stop` resolves) and handles each.
    pub async fn run<R: AsyncBufRead + Unpin>(
        &mut self,
        input: R,
        stop: impl std::future::Future<Output = ()>,
    ) -> anyhow::Result<Summary> {
        let mut summary = Summary::default();
        self.drain(&mut summary).await?;
        // Split on bytes, not `lines()`: one line that is not UTF-8 must not end the script.
        let mut lines = input.split(b'\n');
        tokio::pin!(stop);
        // What the scheduler posts while nobody types is printed as it comes, not after the next line.
        let mut poll = tokio::time::interval(OUTBOX_POLL);
        poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut number = 0;
        loop {
            let next = tokio::select! {
                // `next_segment` is cancel safe: a line half read when the poll fires is kept.
                line = lines.next_segment() => line?,
                _ = poll.tick() => {
                    self.drain(&mut summary).await?;
                    continue;
                }
                () = &mut stop => break,
            };
            let Some(mut bytes) = next else { break };
            number += 1;
            if bytes.last() == Some(&b'\r') {
                bytes.pop();
            }
            match String::from_utf8(bytes) {
                Ok(text) => self.handle_line(number, &text, &mut summary).await?,
                Err(_) => {
                    summary.errors += 1;
                    writeln!(self.out, "! line {number}: the line is not UTF-8 text; it is skipped")?;
                }
            }
        }
        Ok(summary)
    }

    pub async fn handle_line(
        &mut self,
        number: usize,
        text: &str,
        summary: &mut Summary,
    ) -> anyhow::Result<()> {
        let line = match parse_line(text) {
            Ok(Some(line)) => line,
            Ok(None) => return Ok(()),
            Err(message) => {
                summary.errors += 1;
                writeln!(self.out, "! line {number}: {}", crate::domain::text::elide(&message, ERROR_CHARS))?;
                return Ok(());
            }
        };
        summary.lines += 1;
        if self.echo {
            writeln!(self.out, "{}", crate::domain::text::elide(text.trim(), ECHO_CHARS))?;
        }
        let source_id = format!("{}:{number}:{:016x}", self.source, fnv1a(text.trim()));
        let outcome = self.engine.handle(inbound(line.clone(), source_id)).await;
        if outcome.duplicate {
            summary.already_handled += 1;
        }
        if outcome.reply.is_some() {
            let locale = self.engine.reader_locale(&line.user, None).await;
            self.print_reply(&line.user, &outcome, locale)?;
        }
        self.drain(summary).await?;
        Ok(())
    }

    /// A reply, with the console's own words in the language of the person it answers.
    fn print_reply(&mut self, user: &str, outcome: &Outcome, locale: Locale) -> std::io::Result<()> {
        let Some(reply) = &outcome.reply else { return Ok(()) };
        let to = if reply.private { t!(locale, "console-only-you", user = user) } else { user.to_owned() };
        print_block(&mut self.out, &format!("bot → {to}: "), &clean(&reply.text))?;
        // The engine's words fit every platform; how to answer a form here is the console's own.
        if let Some(Form { submit: FormSubmit::Press { id }, .. }) = &outcome.form {
            writeln!(self.out, "  {}", t!(locale, "console-answer-with", id = id.as_str()))?;
        }
        Ok(())
    }

    /// Prints every post waiting in the outbox, then marks it sent. A stop between the two
    /// prints the post again on the next run rather than losing it.
    async fn drain(&mut self, summary: &mut Summary) -> Result<(), StoreError> {
        let store = self.engine.store().clone();
        loop {
            let now = Utc::now();
            // The console is the only reader of its outbox, so it leases nothing.
            let posts = store.claim_posts(now, now, 100).await?;
            if posts.is_empty() {
                return Ok(());
            }
            for queued in posts {
                let locale = self.reader_of(&queued.post.audience).await;
                render_post(&mut self.out, &queued.post, locale)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                self.out.flush().ok();
                store.mark_post_sent(queued.id, Utc::now()).await?;
                summary.posts += 1;
            }
        }
    }
}

impl<W: Write> Console<W> {
    /// The language of whoever reads a post: its one person's, else the one staff share.
    async fn reader_of(&self, audience: &Audience) -> Locale {
        match audience {
            Audience::Customer { user, .. } | Audience::Person { user } => {
                self.engine.reader_locale(user, None).await
            }
            Audience::Staff { .. } | Audience::Conversation { .. } | Audience::Room { .. } => {
                self.engine.shared_locale()
            }
        }
    }
}

fn inbound(line: Line, source_id: String) -> Inbound {
    let conversation = direct_conversation(&line.user);
    let at = Utc::now();
    let message = |text: String, attachments: Vec<Attachment>, reply_to: Option<ReplyTo>| {
        Inbound::Message(InboundMessage {
            source_id: source_id.clone(),
            conversation: conversation.clone(),
            author: line.user.clone(),
            text,
            at,
            attachments,
            reply_to,
        })
    };
    match line.input {
        Input::Message(text) => message(text, Vec::new(), None),
        Input::Reply { ticket, text } => message(text, Vec::new(), Some(ReplyTo::Ticket(ticket))),
        Input::Attach { file, text } => message(text, vec![local_file(&file)], None),
        Input::Command(invocation) => Inbound::Command(InboundCommand {
            source_id,
            conversation,
            actor: line.user,
            invocation,
            at,
            locale: None,
        }),
        Input::Press { id, answer } => Inbound::Button(InboundButton {
            source_id,
            conversation,
            actor: line.user,
            button_id: id,
            answer,
            at,
            locale: None,
        }),
    }
}

/// A file named on the console as an attachment: its size when it can be read here, its type
/// from its name, its URL a `file:` URL.
fn local_file(name: &str) -> Attachment {
    let path = std::path::Path::new(name);
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    Attachment {
        filename: path.file_name().map_or_else(|| name.to_owned(), |f| f.to_string_lossy().into_owned()),
        content_type: mime_guess::from_path(path).first().map(|m| m.essence_str().to_owned()),
        size,
        url: format!("file://{}", absolute.display()),
    }
}

/// How a post looks on the console: `bot → WHOM: text`, then its buttons as `[ID] label`; the
/// console's own words (whom it is for, what it does to a room) in its reader's language.
pub fn render_post(out: &mut impl Write, post: &Post, locale: Locale) -> std::io::Result<()> {
    let whom = match &post.audience {
        Audience::Customer { user, .. } => user.clone(),
        Audience::Staff { ticket } => t!(locale, "console-to-staff", ticket = ticket.to_string()),
        Audience::Person { user } => t!(locale, "console-to-person", user = user.as_str()),
        Audience::Conversation { conversation } => format!("#{conversation}"),
        Audience::Room { ticket } => t!(locale, "console-to-room", ticket = ticket.to_string()),
    };
    let whom = match &post.card {
        Some(card) => t!(locale, "console-card", whom = whom, card = card.as_str()),
        None => whom,
    };
    let mentions: Vec<String> = post.mentions.iter().map(|m| format!("@{m}")).collect();
    let whom = if mentions.is_empty() {
        whom
    } else {
        t!(locale, "console-for", whom = whom, mentions = mentions.join(" "))
    };
    print_block(out, &format!("bot → {whom}: "), &clean(&post.text))?;
    let users = |users: &[String]| users.join(&t!(locale, "list-separator"));
    match &post.room {
        Some(RoomChange::Invite { users: who }) => {
            writeln!(out, "    {}", t!(locale, "console-room-invite", users = users(who)))?
        }
        Some(RoomChange::Archive) => writeln!(out, "    {}", t!(locale, "console-room-archive"))?,
        Some(RoomChange::Reopen { users: who }) => {
            writeln!(out, "    {}", t!(locale, "console-room-reopen", users = users(who)))?
        }
        None => {}
    }
    if !post.buttons.is_empty() {
        let buttons: Vec<String> =
            post.buttons.iter().map(|b| format!("[{}] {}", b.id, clean(&b.label))).collect();
        writeln!(out, "    {}", clean(&buttons.join("  ")))?;
    }
    Ok(())
}

/// The first line after `head`, the rest indented under it.
fn print_block(out: &mut impl Write, head: &str, text: &str) -> std::io::Result<()> {
    let (head, text) = (clean(head), clean(text));
    let mut lines = text.lines();
    writeln!(out, "{head}{}", lines.next().unwrap_or_default())?;
    for line in lines {
        writeln!(out, "    {line}")?;
    }
    Ok(())
}

/// A stable hash for source ids, so a script's lines are recognised after an upgrade.
fn fnv1a(text: &str) -> u64 {
    crate::domain::text::stable_hash(text.as_bytes())
}

#[cfg(test)]
mod source_id_tests {
    use super::fnv1a;

    #[test]
    fn source_ids_hash_with_standard_fnv1a_so_scripts_stay_recognised() {
        assert_eq!(fnv1a(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a("a"), 0xaf63_dc4c_8601_ec8c);
    }
}
