//! What the engine takes in: platform-neutral events, each with the platform's id for it.

use chrono::{DateTime, Utc};

use crate::command::Invocation;
use crate::domain::{Attachment, TicketRef};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inbound {
    Message(InboundMessage),
    Command(InboundCommand),
    Button(InboundButton),
    StaffReply(InboundStaffReply),
    /// Staff talking among themselves about a ticket (a staff-thread message not meant for the
    /// customer): kept on the timeline as a note.
    StaffNote(InboundStaffReply),
    RoomMessage(InboundRoomMessage),
}

/// NUL cannot be stored as text on PostgreSQL (SQLite would keep it), and no person means one:
/// each becomes U+FFFD, so the same input is the same row on either database, and nothing a
/// user sends is lost to a database error.
fn storable(text: &mut String) {
    if text.contains('\0') {
        *text = text.replace('\0', "\u{FFFD}");
    }
}

impl Inbound {
    /// Every text the event carries, fit for the database.
    pub fn storable(mut self) -> Inbound {
        match &mut self {
            Inbound::Message(m) => {
                for text in [&mut m.source_id, &mut m.conversation, &mut m.author, &mut m.text] {
                    storable(text);
                }
                for a in &mut m.attachments {
                    for text in [&mut a.filename, &mut a.url] {
                        storable(text);
                    }
                    a.content_type.as_mut().map(storable);
                }
            }
            Inbound::Command(c) => {
                for text in [&mut c.source_id, &mut c.conversation, &mut c.actor, &mut c.invocation.name] {
                    storable(text);
                }
                c.locale.as_mut().map(storable);
                c.invocation.subcommand.as_mut().map(storable);
                for (name, value) in &mut c.invocation.options {
                    storable(name);
                    storable(value);
                }
            }
            Inbound::Button(b) => {
                for text in [&mut b.source_id, &mut b.conversation, &mut b.actor, &mut b.button_id] {
                    storable(text);
                }
                b.answer.as_mut().map(storable);
                b.locale.as_mut().map(storable);
            }
            Inbound::StaffReply(r) | Inbound::StaffNote(r) => {
                for text in [&mut r.source_id, &mut r.conversation, &mut r.author, &mut r.text] {
                    storable(text);
                }
            }
            Inbound::RoomMessage(m) => {
                for text in [&mut m.source_id, &mut m.author, &mut m.text] {
                    storable(text);
                }
            }
        }
        self
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundMessage {
    /// The platform's message id: a message delivered twice is taken in once.
    pub source_id: String,
    pub conversation: String,
    pub author: String,
    pub text: String,
    pub at: DateTime<Utc>,
    /// Files sent with it; a message may be files alone.
    pub attachments: Vec<Attachment>,
    /// What the customer replied to (a reply or a thread on the platform), when anything.
    pub reply_to: Option<ReplyTo>,
}

/// What a customer's message answers, as the platform knows it: it decides which of the
/// customer's open tickets the message is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplyTo {
    /// One of their own earlier messages, by its platform id.
    Message(String),
    /// A post of the bot about this ticket.
    Ticket(TicketRef),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundCommand {
    pub source_id: String,
    pub conversation: String,
    pub actor: String,
    pub invocation: Invocation,
    pub at: DateTime<Utc>,
    /// The language the platform says the person uses (Discord's interaction locale, e.g.
    /// `zh-CN`), as the platform writes it.
    pub locale: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundButton {
    pub source_id: String,
    pub conversation: String,
    pub actor: String,
    /// `ACTION:T-n` or `ACTION:T-n:VALUE`.
    pub button_id: String,
    /// What the person wrote in the form the button asked for (a reason to decline S-level).
    pub answer: Option<String>,
    pub at: DateTime<Utc>,
    /// The language the platform says the person uses, as for a command.
    pub locale: Option<String>,
}

/// Someone speaking in a war room, or a message pinned there (which goes on the incident timeline).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundRoomMessage {
    /// The platform's id for the message (for a pin, for the pinning): a pin is recorded once.
    pub source_id: String,
    pub ticket: TicketRef,
    pub author: String,
    pub text: String,
    pub pinned: bool,
    pub at: DateTime<Utc>,
}

/// A staff member writing to a ticket's customer: in the ticket's staff thread on Discord (relayed
/// to the customer), or in the conversation the customer is in (logged only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundStaffReply {
    /// The platform's message id: a reply delivered twice is logged and relayed once.
    pub source_id: String,
    /// The ticket, when the channel knows it (a staff thread); otherwise the conversation's ticket.
    pub ticket: Option<TicketRef>,
    /// Where it was written. The reply is relayed unless this is the ticket's own conversation.
    pub conversation: String,
    pub author: String,
    pub text: String,
    pub at: DateTime<Utc>,
}

/// The conversation in which the bot talks to one person directly (a DM, or a console user).
pub fn direct_conversation(user: &str) -> String {
    format!("direct:{user}")
}
