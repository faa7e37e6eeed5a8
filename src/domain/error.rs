use thiserror::Error;

use super::ticket::{Severity, Status, TicketRef, Tier};

/// A rule of the ticket life cycle was broken. The text is what the user reads.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DomainError {
    #[error("`{0}` is not a ticket reference; write it as T-12")]
    BadTicketRef(String),
    #[error("{0} is closed; reopen it first")]
    Closed(TicketRef),
    #[error("{ticket} is resolved; reopen it before you {action} it")]
    Resolved { ticket: TicketRef, action: &'static str },
    #[error("give at least one of domain, kind or severity")]
    NothingToClassify,
    #[error("{ticket} is already assigned to {assignee}")]
    AlreadyAssigned { ticket: TicketRef, assignee: String },
    #[error("{0} has no assignee")]
    NotAssigned(TicketRef),
    #[error("{0} is already at RnD, the last tier")]
    TopTier(TicketRef),
    #[error("escalation moves up: {ticket} is at {current}, so it cannot go to {requested}")]
    NotHigherTier { ticket: TicketRef, current: Tier, requested: Tier },
    #[error("{ticket} is already {severity}")]
    SameSeverity { ticket: TicketRef, severity: Severity },
    #[error("{0} is already waiting for the customer")]
    AlreadyWaiting(TicketRef),
    #[error("a resolution needs text: say what fixed it")]
    EmptyResolution,
    #[error("{0} is not resolved; only a resolved ticket can be confirmed")]
    NotResolved(TicketRef),
    #[error("{0} was merged into another ticket; reopen that one instead")]
    ReopenMerged(TicketRef),
    #[error("{ticket} is {status}, not resolved or closed; there is nothing to reopen")]
    NotFinished { ticket: TicketRef, status: Status },
    #[error("a ticket cannot be linked to itself")]
    SelfLink,
    #[error("classify {0} with a domain first: the domain's owners confirm S-level")]
    SNeedsDomain(TicketRef),
}
