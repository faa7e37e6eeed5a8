//! Who acts (`Ctx`) and why an action did not go through (`Failure`): the two things every
//! command, button and job step shares.

use chrono::{DateTime, Utc};
use thiserror::Error;

use crate::command::UsageError;
use crate::domain::{DomainError, Locale, Msg, Ticket, TicketRef};
use crate::store::StoreError;

/// Who did what, where and when, and the language they read replies in.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    pub actor: &'a str,
    pub conversation: &'a str,
    pub at: DateTime<Utc>,
    pub locale: Locale,
}

/// Why a command or a press did not go through.
#[derive(Debug, Error)]
pub enum Failure {
    /// The person's mistake; the text is their reply.
    #[error("{0}")]
    User(String),
    /// The person's mistake as a catalogue message, put in their language when they are replied to.
    #[error("{}", .0.key)]
    Says(Msg),
    /// Not theirs to do: replied to, and kept in the audit log.
    #[error("{reason}")]
    Refused { reason: String, ticket: Option<TicketRef> },
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl Failure {
    pub fn user(text: impl Into<String>) -> Failure {
        Failure::User(text.into())
    }
}

impl From<DomainError> for Failure {
    fn from(e: DomainError) -> Self {
        Failure::Says(e.msg())
    }
}

impl From<UsageError> for Failure {
    fn from(e: UsageError) -> Self {
        Failure::User(e.0)
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure::Internal(e.into())
    }
}

/// A refusal about `ticket`: on its timeline as well as in the reply.
pub(super) fn refused(reason: &str, ticket: &Ticket) -> Failure {
    Failure::Refused { reason: reason.to_owned(), ticket: Some(ticket.reference) }
}

/// Only the ticket's own customer may do this; `refusal` is what anyone else reads.
pub(super) fn customer_only(ticket: &Ticket, ctx: &Ctx<'_>, refusal: &str) -> Result<(), Failure> {
    if ticket.customer == ctx.actor { Ok(()) } else { Err(refused(refusal, ticket)) }
}
