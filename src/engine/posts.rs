//! The posts and timeline events the engine writes, addressed by who reads them.

use super::Ctx;
use crate::domain::{Audience, Button, Event, EventKind, Locale, Msg, Post, Ticket};

pub(super) fn event(ticket: &Ticket, ctx: &Ctx<'_>, kind: EventKind) -> Event {
    Event { ticket: Some(ticket.reference), actor: ctx.actor.to_owned(), at: ctx.at, kind }
}

pub(super) fn customer_audience(ticket: &Ticket) -> Audience {
    Audience::Customer { user: ticket.customer.clone(), conversation: ticket.conversation.clone() }
}

pub(super) fn customer_post(ticket: &Ticket, text: String) -> Post {
    Post::new(customer_audience(ticket), Some(ticket.reference), text)
}

/// A post to the ticket's customer saying `msg`, in the language each customer reads (for
/// `Engine::tell_customers`).
pub(super) fn customer_says(ticket: &Ticket, msg: Msg) -> impl Fn(Locale) -> Post + Send + Sync + '_ {
    move |locale| customer_post(ticket, crate::i18n::text(locale, &msg))
}

pub(super) fn staff_post(ticket: &Ticket, text: String, mentions: Vec<String>, buttons: Vec<Button>) -> Post {
    Post {
        buttons,
        mentions,
        ..Post::new(Audience::Staff { ticket: ticket.reference }, Some(ticket.reference), text)
    }
}

pub(super) fn person_post(ticket: &Ticket, user: &str, text: String) -> Post {
    Post {
        mentions: vec![user.to_owned()],
        ..Post::new(Audience::Person { user: user.to_owned() }, Some(ticket.reference), text)
    }
}
