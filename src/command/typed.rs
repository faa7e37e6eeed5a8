//! Commands as typed values: what each definition in `commands/` turns into once checked.

use super::UsageError;
use super::spec::Args;
use crate::domain::{Classification, IncidentReport, LinkRelation, Severity, TicketRef, Tier};

/// The commands the engine handles. A definition file without a handler here, or a handler
/// without a file, stops start-up.
pub const COMMAND_NAMES: &[&str] = &[
    "assign",
    "claim",
    "classify",
    "close",
    "escalate",
    "help",
    "invite",
    "kb add",
    "kb publish",
    "kb search",
    "link",
    "note",
    "reopen",
    "reply",
    "report",
    "resolve",
    "severity",
    "sla",
    "status",
    "ticket",
    "timeline",
    "unassign",
    "update",
    "wait",
];

/// Where `/escalate to:` sends a ticket: a higher tier, or S-level (which a domain owner confirms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EscalateTo {
    Tier(Tier),
    SLevel,
}

impl std::str::FromStr for EscalateTo {
    type Err = ();

    fn from_str(text: &str) -> Result<Self, ()> {
        if text == "S" {
            return Ok(EscalateTo::SLevel);
        }
        text.parse().map(EscalateTo::Tier).map_err(|_| ())
    }
}

/// A command; `ticket: None` means "the ticket of the conversation it was typed in".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Help,
    Ticket {
        customer: String,
        text: String,
    },
    Classify {
        ticket: Option<TicketRef>,
        change: Classification,
        reason: Option<String>,
    },
    Assign {
        ticket: Option<TicketRef>,
        user: String,
    },
    Claim {
        ticket: Option<TicketRef>,
    },
    Unassign {
        ticket: Option<TicketRef>,
    },
    Escalate {
        ticket: Option<TicketRef>,
        to: Option<EscalateTo>,
        reason: String,
    },
    Severity {
        ticket: Option<TicketRef>,
        level: Severity,
        reason: Option<String>,
    },
    Note {
        ticket: Option<TicketRef>,
        text: String,
    },
    /// Staff to the customer, in the ticket's conversation: never an internal note.
    Reply {
        ticket: Option<TicketRef>,
        text: String,
    },
    Sla {
        ticket: Option<TicketRef>,
    },
    Wait {
        ticket: Option<TicketRef>,
        reason: Option<String>,
    },
    Status {
        ticket: Option<TicketRef>,
    },
    Resolve {
        ticket: Option<TicketRef>,
        resolution: String,
    },
    Close {
        ticket: Option<TicketRef>,
        reason: Option<String>,
    },
    Reopen {
        ticket: Option<TicketRef>,
        reason: Option<String>,
    },
    Link {
        ticket: Option<TicketRef>,
        to: TicketRef,
        relation: LinkRelation,
    },
    KbSearch {
        query: String,
    },
    KbAdd {
        ticket: Option<TicketRef>,
    },
    KbPublish {
        article: String,
    },
    /// An entry of the incident timeline.
    Timeline {
        ticket: Option<TicketRef>,
        text: String,
    },
    /// A progress note to the customer from the war room.
    Update {
        ticket: Option<TicketRef>,
        text: String,
    },
    /// Lets someone into the war room.
    Invite {
        ticket: Option<TicketRef>,
        user: String,
    },
    /// Files the incident report of an S-level ticket.
    Report {
        ticket: Option<TicketRef>,
        report: IncidentReport,
    },
}

impl Command {
    /// Builds the typed command from arguments the spec has checked.
    pub fn from_args(name: &str, args: &Args) -> Result<Command, UsageError> {
        let text = |key: &str| args.text(key).map(str::to_owned);
        let required = |key: &str| {
            text(key).ok_or_else(|| {
                UsageError(format!("/{name} needs {key}:… (its definition must mark it required)"))
            })
        };
        let ticket = args.ticket();
        Ok(match name {
            "help" => Command::Help,
            "ticket" => Command::Ticket { customer: required("customer")?, text: required("text")? },
            "classify" => Command::Classify {
                ticket,
                change: Classification {
                    domain: text("domain"),
                    kind: args.parsed("kind"),
                    severity: args.parsed("severity"),
                },
                reason: text("reason"),
            },
            "assign" => Command::Assign { ticket, user: required("user")? },
            "claim" => Command::Claim { ticket },
            "unassign" => Command::Unassign { ticket },
            "escalate" => Command::Escalate { ticket, to: args.parsed("to"), reason: required("reason")? },
            "severity" => Command::Severity {
                ticket,
                level: args.parsed("level").ok_or_else(|| UsageError(format!("/{name} needs level:…")))?,
                reason: text("reason"),
            },
            "note" => Command::Note { ticket, text: required("text")? },
            "reply" => Command::Reply { ticket, text: required("text")? },
            "sla" => Command::Sla { ticket },
            "wait" => Command::Wait { ticket, reason: text("reason") },
            "status" => Command::Status { ticket },
            "resolve" => Command::Resolve { ticket, resolution: required("resolution")? },
            "close" => Command::Close { ticket, reason: text("reason") },
            "reopen" => Command::Reopen { ticket, reason: text("reason") },
            "link" => Command::Link {
                ticket,
                to: args.parsed("to").ok_or_else(|| UsageError(format!("/{name} needs to:T-n")))?,
                relation: args.parsed("relation").unwrap_or(LinkRelation::Related),
            },
            "kb search" => Command::KbSearch { query: required("query")? },
            "kb add" => Command::KbAdd { ticket },
            "kb publish" => Command::KbPublish { article: required("article")? },
            "timeline" => Command::Timeline { ticket, text: required("text")? },
            "update" => Command::Update { ticket, text: required("text")? },
            "invite" => Command::Invite { ticket, user: required("user")? },
            "report" => Command::Report {
                ticket,
                report: IncidentReport::parse(|key| args.text(key)).map_err(UsageError)?,
            },
            other => {
                return Err(UsageError(format!("there is no /{other} command; /help lists the commands")));
            }
        })
    }
}
