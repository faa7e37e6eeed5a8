use crate::domain::chart::Chart;
use crate::domain::{Form, TicketRef};

/// The engine's answer to the person who caused an inbound event. Posts to anyone else go
/// through the outbox.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub reply: Option<Reply>,
    /// The event had been handled before; nothing changed.
    pub duplicate: bool,
    /// The ticket the event touched, if any.
    pub ticket: Option<TicketRef>,
    /// Questions to ask before the event can go through: a platform that has forms shows this one
    /// instead of the reply, whose text says what to type instead.
    pub form: Option<Form>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub text: String,
    /// Shown only to the person (an ephemeral reply on Discord): errors and refusals.
    pub private: bool,
    /// A chart beside the text, for platforms that show pictures (Discord attaches it as a PNG).
    pub chart: Option<Box<Chart>>,
}

impl Outcome {
    pub fn duplicate() -> Self {
        Outcome { reply: None, duplicate: true, ticket: None, form: None }
    }

    pub fn silent(ticket: Option<TicketRef>) -> Self {
        Outcome { reply: None, duplicate: false, ticket, form: None }
    }

    pub fn public(text: impl Into<String>, ticket: Option<TicketRef>) -> Self {
        Outcome {
            reply: Some(Reply { text: text.into(), private: false, chart: None }),
            duplicate: false,
            ticket,
            form: None,
        }
    }

    pub fn private(text: impl Into<String>, ticket: Option<TicketRef>) -> Self {
        Outcome {
            reply: Some(Reply { text: text.into(), private: true, chart: None }),
            duplicate: false,
            ticket,
            form: None,
        }
    }

    /// The same reply with a chart beside its text.
    pub fn with_chart(mut self, chart: Chart) -> Self {
        if let Some(reply) = self.reply.as_mut() {
            reply.chart = Some(Box::new(chart));
        }
        self
    }

    /// A private reply that asks the questions of `form`; `text` says what to type instead.
    pub fn asking(form: Form, text: impl Into<String>, ticket: Option<TicketRef>) -> Self {
        Outcome { form: Some(form), ..Outcome::private(text, ticket) }
    }
}
