//! Who acts (`Ctx`) and why an action did not go through (`Failure`): the two things every
//! command, button and job step shares.

use chrono::{DateTime, Utc};
use thiserror::Error;

use crate::command::UsageError;
use crate::domain::{DomainError, Ticket, TicketRef};
use crate::store::StoreError;

/// Who did what, where and when.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    pub actor: &'a str,
    pub conversation: &'a str,
    pub at: DateTime<Utc>,
}

/// Why a command or a press did not go through.
#[derive(Debug, Error)]
pub enum Failure {
    /// The person's mistake; the text is their reply.
    #[error("{0}")]
    User(String),
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
        Failure::User(e.to_string())
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
