use thiserror::Error;

use super::locale::Msg;
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

impl DomainError {
    /// The error as a catalogue message, for the reader's language (its `Display` is the English).
    pub fn msg(&self) -> Msg {
        match self {
            DomainError::BadTicketRef(text) => Msg::new("error-bad-ticket-ref").arg("text", text),
            DomainError::Closed(ticket) => Msg::new("error-closed").shown("ticket", ticket),
            DomainError::Resolved { ticket, action } => {
                // The catalogue selects on the verb's first word (`wait for the customer on`).
                let verb = match *action {
                    "escalate" => "escalate",
                    "resolve" => "resolve",
                    "wait for the customer on" => "wait",
                    _ => "raise",
                };
                Msg::new("error-resolved").shown("ticket", ticket).arg("action", verb)
            }
            DomainError::NothingToClassify => Msg::new("error-nothing-to-classify"),
            DomainError::AlreadyAssigned { ticket, assignee } => {
                Msg::new("error-already-assigned").shown("ticket", ticket).arg("assignee", assignee)
            }
            DomainError::NotAssigned(ticket) => Msg::new("error-not-assigned").shown("ticket", ticket),
            DomainError::TopTier(ticket) => Msg::new("error-top-tier").shown("ticket", ticket),
            DomainError::NotHigherTier { ticket, current, requested } => Msg::new("error-not-higher-tier")
                .shown("ticket", ticket)
                .shown("current", current)
                .shown("requested", requested),
            DomainError::SameSeverity { ticket, severity } => {
                Msg::new("error-same-severity").shown("ticket", ticket).shown("severity", severity)
            }
            DomainError::AlreadyWaiting(ticket) => Msg::new("error-already-waiting").shown("ticket", ticket),
            DomainError::EmptyResolution => Msg::new("error-empty-resolution"),
            DomainError::NotResolved(ticket) => Msg::new("error-not-resolved").shown("ticket", ticket),
            DomainError::ReopenMerged(ticket) => Msg::new("error-reopen-merged").shown("ticket", ticket),
            DomainError::NotFinished { ticket, status } => {
                Msg::new("error-not-finished").shown("ticket", ticket).shown("status", status)
            }
            DomainError::SelfLink => Msg::new("error-self-link"),
            DomainError::SNeedsDomain(ticket) => Msg::new("error-s-needs-domain").shown("ticket", ticket),
        }
    }
}
