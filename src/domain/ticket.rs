//! The ticket and its state machine.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use strum::{Display, EnumString, IntoStaticStr, VariantArray};

use super::error::DomainError;

/// A ticket's number, shown to people as `T-<n>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TicketRef(pub i64);

impl fmt::Display for TicketRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "T-{}", self.0)
    }
}

impl FromStr for TicketRef {
    type Err = DomainError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let trimmed = text.trim();
        let digits = trimmed
            .strip_prefix("T-")
            .or_else(|| trimmed.strip_prefix("t-"))
            .ok_or_else(|| DomainError::BadTicketRef(trimmed.to_owned()))?;
        match digits.parse::<i64>() {
            Ok(n) if n > 0 && digits.bytes().all(|b| b.is_ascii_digit()) => Ok(TicketRef(n)),
            _ => Err(DomainError::BadTicketRef(trimmed.to_owned())),
        }
    }
}

impl Serialize for TicketRef {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TicketRef {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The seed's service request types.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    Display,
    EnumString,
    IntoStaticStr,
    VariantArray,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Kind {
    Fault,
    Consult,
    Query,
    Request,
    Complaint,
    Suggestion,
    /// Non-technical questions (pricing and the like), handed to sales.
    Inquiry,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    Display,
    EnumString,
    IntoStaticStr,
    VariantArray,
    utoipa::ToSchema,
)]
pub enum Severity {
    S,
    P1,
    P2,
    P3,
}

/// Support tiers in escalation order.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    Display,
    EnumString,
    IntoStaticStr,
    VariantArray,
    utoipa::ToSchema,
)]
pub enum Tier {
    L1,
    L2,
    #[strum(serialize = "RnD")]
    RnD,
}

impl Tier {
    pub fn next(self) -> Option<Tier> {
        match self {
            Tier::L1 => Some(Tier::L2),
            Tier::L2 => Some(Tier::RnD),
            Tier::RnD => None,
        }
    }
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    Display,
    EnumString,
    IntoStaticStr,
    VariantArray,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Status {
    New,
    Open,
    WaitingCustomer,
    Resolved,
    Closed,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    Display,
    EnumString,
    IntoStaticStr,
    VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum CloseReason {
    Confirmed,
    AutoConfirmed,
    SelfServed,
    ClosedByStaff,
    /// The customer ended it themselves (`/close` on their own ticket, confirmed).
    ClosedByCustomer,
    Merged,
    /// Closed by staff as spam (`/close reason:spam`): nobody is thanked.
    Spam,
    /// An inquiry handed to sales, closed when sales answered with its outcome.
    Sales,
}

/// How two tickets relate; `duplicate` merges the ticket into the other.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    Display,
    EnumString,
    IntoStaticStr,
    VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum LinkRelation {
    Related,
    Duplicate,
    /// One of a storm's tickets, linked to the storm's incident (never chosen with `/link`).
    Incident,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    #[serde(rename = "ref")]
    pub reference: TicketRef,
    pub status: Status,
    pub close_reason: Option<CloseReason>,
    pub kind: Option<Kind>,
    pub domain: Option<String>,
    pub severity: Option<Severity>,
    pub tier: Tier,
    pub assignee: Option<String>,
    pub customer: String,
    /// The customer's service tier in the registry (`customers`), taken when the ticket opened
    /// and kept when an import changes it: it picks `sla.toml`'s `customer_tiers` targets.
    #[serde(default)]
    pub customer_tier: Option<String>,
    /// Where the customer talks to us; replies to the customer go here.
    pub conversation: String,
    pub title: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What changed in a classification; `None` leaves a field as it was.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Classification {
    pub domain: Option<String>,
    pub kind: Option<Kind>,
    pub severity: Option<Severity>,
}

impl Classification {
    pub fn is_empty(&self) -> bool {
        self.domain.is_none() && self.kind.is_none() && self.severity.is_none()
    }
}

/// The state machine. Each method checks that the change is legal and applies it; the caller
/// records the matching timeline event.
impl Ticket {
    pub fn is_closed(&self) -> bool {
        self.status == Status::Closed
    }

    fn ensure_workable(&self) -> Result<(), DomainError> {
        match self.status {
            Status::Closed => Err(DomainError::Closed(self.reference)),
            _ => Ok(()),
        }
    }

    fn ensure_active(&self, action: &'static str) -> Result<(), DomainError> {
        match self.status {
            Status::Closed => Err(DomainError::Closed(self.reference)),
            Status::Resolved => Err(DomainError::Resolved { ticket: self.reference, action }),
            _ => Ok(()),
        }
    }

    /// Staff taking any action on a new ticket acknowledges it.
    fn acknowledge(&mut self) {
        if self.status == Status::New {
            self.status = Status::Open;
        }
    }

    pub fn classify(&mut self, change: &Classification) -> Result<(), DomainError> {
        self.ensure_workable()?;
        if change.is_empty() {
            return Err(DomainError::NothingToClassify);
        }
        if let Some(domain) = &change.domain {
            self.domain = Some(domain.clone());
        }
        if let Some(kind) = change.kind {
            self.kind = Some(kind);
        }
        if let Some(severity) = change.severity {
            self.severity = Some(severity);
        }
        self.acknowledge();
        Ok(())
    }

    pub fn assign(&mut self, assignee: &str) -> Result<(), DomainError> {
        self.ensure_workable()?;
        if self.assignee.as_deref() == Some(assignee) {
            return Err(DomainError::AlreadyAssigned {
                ticket: self.reference,
                assignee: assignee.to_owned(),
            });
        }
        self.assignee = Some(assignee.to_owned());
        self.acknowledge();
        Ok(())
    }

    pub fn unassign(&mut self) -> Result<String, DomainError> {
        self.ensure_workable()?;
        self.assignee.take().ok_or(DomainError::NotAssigned(self.reference))
    }

    /// Moves the ticket up to `to`, or to the next tier when `to` is `None`.
    pub fn escalate(&mut self, to: Option<Tier>) -> Result<Tier, DomainError> {
        self.ensure_active("escalate")?;
        let target = match to {
            Some(tier) => tier,
            None => self.tier.next().ok_or(DomainError::TopTier(self.reference))?,
        };
        if target <= self.tier {
            return Err(DomainError::NotHigherTier {
                ticket: self.reference,
                current: self.tier,
                requested: target,
            });
        }
        self.tier = target;
        self.acknowledge();
        Ok(target)
    }

    pub fn set_severity(&mut self, severity: Severity) -> Result<Option<Severity>, DomainError> {
        self.ensure_workable()?;
        if self.severity == Some(severity) {
            return Err(DomainError::SameSeverity { ticket: self.reference, severity });
        }
        let previous = self.severity.replace(severity);
        self.acknowledge();
        Ok(previous)
    }

    /// Whether staff may ask for S-level: the ticket is being worked, has a domain whose owners
    /// will confirm, and is not S already.
    pub fn check_s_request(&self) -> Result<(), DomainError> {
        self.ensure_active("raise to S-level")?;
        if self.severity == Some(Severity::S) {
            return Err(DomainError::SameSeverity { ticket: self.reference, severity: Severity::S });
        }
        if self.domain.is_none() {
            return Err(DomainError::SNeedsDomain(self.reference));
        }
        Ok(())
    }

    pub fn wait_for_customer(&mut self) -> Result<(), DomainError> {
        self.ensure_active("wait for the customer on")?;
        if self.status == Status::WaitingCustomer {
            return Err(DomainError::AlreadyWaiting(self.reference));
        }
        self.status = Status::WaitingCustomer;
        Ok(())
    }

    /// A customer writing while we wait for them puts the ticket back in the queue.
    pub fn customer_replied(&mut self) -> bool {
        if self.status == Status::WaitingCustomer {
            self.status = Status::Open;
            true
        } else {
            false
        }
    }

    pub fn resolve(&mut self, resolution: &str) -> Result<(), DomainError> {
        self.ensure_active("resolve")?;
        if resolution.trim().is_empty() {
            return Err(DomainError::EmptyResolution);
        }
        self.status = Status::Resolved;
        Ok(())
    }

    pub fn close(&mut self, reason: CloseReason) -> Result<(), DomainError> {
        self.ensure_workable()?;
        if matches!(reason, CloseReason::Confirmed | CloseReason::AutoConfirmed)
            && self.status != Status::Resolved
        {
            return Err(DomainError::NotResolved(self.reference));
        }
        self.status = Status::Closed;
        self.close_reason = Some(reason);
        Ok(())
    }

    pub fn reopen(&mut self) -> Result<(), DomainError> {
        match (self.status, self.close_reason) {
            (Status::Closed, Some(CloseReason::Merged)) => Err(DomainError::ReopenMerged(self.reference)),
            (Status::Resolved | Status::Closed, _) => {
                self.status = Status::Open;
                self.close_reason = None;
                Ok(())
            }
            _ => Err(DomainError::NotFinished { ticket: self.reference, status: self.status }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticket(status: Status) -> Ticket {
        let at = DateTime::parse_from_rfc3339("2026-11-20T15:00:00Z").unwrap().to_utc();
        Ticket {
            reference: TicketRef(7),
            status,
            close_reason: None,
            kind: None,
            domain: None,
            severity: None,
            tier: Tier::L1,
            assignee: None,
            customer: "alice".into(),
            customer_tier: None,
            conversation: "console:alice".into(),
            title: "screen flickers".into(),
            created_at: at,
            updated_at: at,
        }
    }

    #[test]
    fn ticket_refs_parse_only_the_t_dash_form() {
        assert_eq!("T-12".parse::<TicketRef>().unwrap(), TicketRef(12));
        assert_eq!("t-3".parse::<TicketRef>().unwrap(), TicketRef(3));
        for bad in ["12", "T-", "T-0", "T--1", "T-1x", "T-+1", "X-1", ""] {
            assert!(bad.parse::<TicketRef>().is_err(), "{bad} should not parse");
        }
    }

    #[test]
    fn enums_use_the_words_people_type() {
        assert_eq!(Tier::RnD.to_string(), "RnD");
        assert_eq!("RnD".parse::<Tier>().unwrap(), Tier::RnD);
        assert_eq!(Status::WaitingCustomer.to_string(), "waiting_customer");
        assert_eq!(CloseReason::AutoConfirmed.to_string(), "auto_confirmed");
        assert_eq!("complaint".parse::<Kind>().unwrap(), Kind::Complaint);
        assert_eq!(serde_json::to_string(&Tier::RnD).unwrap(), "\"RnD\"");
    }

    #[test]
    fn staff_action_on_a_new_ticket_opens_it() {
        let mut t = ticket(Status::New);
        t.assign("bob").unwrap();
        assert_eq!(t.status, Status::Open);
    }

    #[test]
    fn escalation_goes_up_one_tier_or_to_a_named_higher_one() {
        let mut t = ticket(Status::Open);
        assert_eq!(t.escalate(None).unwrap(), Tier::L2);
        assert!(matches!(t.escalate(Some(Tier::L1)), Err(DomainError::NotHigherTier { .. })));
        assert_eq!(t.escalate(Some(Tier::RnD)).unwrap(), Tier::RnD);
        let err = t.escalate(None).unwrap_err();
        assert_eq!(err.to_string(), "T-7 is already at RnD, the last tier");
    }

    #[test]
    fn a_closed_ticket_refuses_work_until_reopened() {
        let mut t = ticket(Status::Open);
        t.resolve("replaced the panel").unwrap();
        t.close(CloseReason::ClosedByStaff).unwrap();
        let err = t.assign("bob").unwrap_err();
        assert_eq!(err.to_string(), "T-7 is closed; reopen it first");
        t.reopen().unwrap();
        assert_eq!(t.status, Status::Open);
        assert_eq!(t.close_reason, None);
    }

    #[test]
    fn resolving_needs_a_resolution_text() {
        let mut t = ticket(Status::Open);
        assert!(matches!(t.resolve("  "), Err(DomainError::EmptyResolution)));
        assert_eq!(t.status, Status::Open);
    }

    #[test]
    fn only_a_resolved_ticket_can_be_confirmed() {
        let mut t = ticket(Status::Open);
        assert!(matches!(t.close(CloseReason::Confirmed), Err(DomainError::NotResolved(_))));
        t.resolve("done").unwrap();
        t.close(CloseReason::Confirmed).unwrap();
        assert_eq!(t.close_reason, Some(CloseReason::Confirmed));
    }

    #[test]
    fn a_merged_ticket_cannot_be_reopened() {
        let mut t = ticket(Status::Open);
        t.close(CloseReason::Merged).unwrap();
        assert!(matches!(t.reopen(), Err(DomainError::ReopenMerged(_))));
    }

    #[test]
    fn an_open_ticket_cannot_be_reopened() {
        let err = ticket(Status::Open).reopen().unwrap_err();
        assert_eq!(err.to_string(), "T-7 is open, not resolved or closed; there is nothing to reopen");
    }

    #[test]
    fn s_level_is_asked_for_on_a_classified_ticket_being_worked() {
        let mut t = ticket(Status::Open);
        assert!(matches!(t.check_s_request(), Err(DomainError::SNeedsDomain(_))));
        t.domain = Some("screen".into());
        t.check_s_request().unwrap();
        t.severity = Some(Severity::S);
        assert_eq!(t.check_s_request().unwrap_err().to_string(), "T-7 is already S");
        t.severity = Some(Severity::P1);
        t.resolve("done").unwrap();
        assert!(matches!(t.check_s_request(), Err(DomainError::Resolved { .. })));
    }

    #[test]
    fn a_customer_reply_ends_the_wait() {
        let mut t = ticket(Status::Open);
        t.wait_for_customer().unwrap();
        assert!(t.customer_replied());
        assert_eq!(t.status, Status::Open);
        assert!(!t.customer_replied());
    }
}
