//! What the engine takes in: platform-neutral events, each with the platform's id for it.

use chrono::{DateTime, Utc};

use crate::command::Invocation;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inbound {
    Message(InboundMessage),
    Command(InboundCommand),
    Button(InboundButton),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundMessage {
    /// The platform's message id: a message delivered twice is taken in once.
    pub source_id: String,
    pub conversation: String,
    pub author: String,
    pub text: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundCommand {
    pub source_id: String,
    pub conversation: String,
    pub actor: String,
    pub invocation: Invocation,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundButton {
    pub source_id: String,
    pub conversation: String,
    pub actor: String,
    /// `ACTION:T-n` or `ACTION:T-n:VALUE`.
    pub button_id: String,
    pub at: DateTime<Utc>,
}

/// The conversation in which the bot talks to one person directly (a DM, or a console user).
pub fn direct_conversation(user: &str) -> String {
    format!("direct:{user}")
}
