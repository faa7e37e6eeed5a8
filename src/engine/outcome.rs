use crate::domain::TicketRef;

/// The engine's answer to the person who caused an inbound event. Posts to anyone else go
/// through the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub reply: Option<Reply>,
    /// The event had been handled before; nothing changed.
    pub duplicate: bool,
    /// The ticket the event touched, if any.
    pub ticket: Option<TicketRef>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub text: String,
    /// Shown only to the person (an ephemeral reply on Discord): errors and refusals.
    pub private: bool,
}

impl Outcome {
    pub fn duplicate() -> Self {
        Outcome { reply: None, duplicate: true, ticket: None }
    }

    pub fn silent(ticket: Option<TicketRef>) -> Self {
        Outcome { reply: None, duplicate: false, ticket }
    }

    pub fn public(text: impl Into<String>, ticket: Option<TicketRef>) -> Self {
        Outcome { reply: Some(Reply { text: text.into(), private: false }), duplicate: false, ticket }
    }

    pub fn private(text: impl Into<String>, ticket: Option<TicketRef>) -> Self {
        Outcome { reply: Some(Reply { text: text.into(), private: true }), duplicate: false, ticket }
    }
}
