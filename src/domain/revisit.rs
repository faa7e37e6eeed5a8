//! Revisits: some days after a ticket is closed the bot asks its customer whether it is still
//! working. Every S-level ticket is asked; of the others a fixed share, picked by a stable hash of
//! the ticket's reference, so the same ticket is always in or out of the sample (and tests can
//! say which).

use chrono::TimeDelta;

use super::text::stable_hash;
use super::{CloseReason, Severity, Ticket};

/// Which closed tickets are revisited, and when.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RevisitRule {
    /// After the close.
    pub after: TimeDelta,
    /// 0 to 1: the share of tickets that are not S-level.
    pub share: f64,
}

/// How many buckets the hash is read in: a share is honoured to 1/10,000.
const BUCKETS: u64 = 10_000;

impl RevisitRule {
    /// Whether the ticket, as it closes, is revisited. A merged ticket carries on as another and
    /// spam has nobody to ask; every other close counts.
    pub fn samples(&self, ticket: &Ticket) -> bool {
        if matches!(ticket.close_reason, Some(CloseReason::Merged | CloseReason::Spam)) {
            return false;
        }
        ticket.severity == Some(Severity::S) || in_share(&ticket.reference.to_string(), self.share)
    }
}

/// Whether `key` falls within the first `share` of the hash's buckets.
pub fn in_share(key: &str, share: f64) -> bool {
    let bucket = stable_hash(key.as_bytes()) % BUCKETS;
    (bucket as f64) < share * BUCKETS as f64
}

/// The customer's answer to a revisit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::Display, strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum RevisitAnswer {
    /// Still working: the ticket stays closed.
    Working,
    /// Not working: the ticket reopens.
    NotWorking,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Status, TicketRef, Tier};

    fn closed(n: i64, severity: Option<Severity>, reason: CloseReason) -> Ticket {
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-20T15:00:00Z").unwrap().to_utc();
        Ticket {
            reference: TicketRef(n),
            status: Status::Closed,
            close_reason: Some(reason),
            kind: None,
            domain: None,
            severity,
            tier: Tier::L1,
            assignee: None,
            customer: "alice".into(),
            customer_tier: None,
            conversation: "console:alice".into(),
            title: "t".into(),
            created_at: at,
            updated_at: at,
        }
    }

    #[test]
    fn every_s_ticket_and_a_stable_share_of_the_others_is_revisited() {
        let none = RevisitRule { after: TimeDelta::days(7), share: 0.0 };
        let all = RevisitRule { share: 1.0, ..none };
        let half = RevisitRule { share: 0.5, ..none };
        assert!(none.samples(&closed(1, Some(Severity::S), CloseReason::Confirmed)));
        assert!(!none.samples(&closed(1, Some(Severity::P1), CloseReason::Confirmed)));
        assert!(all.samples(&closed(1, Some(Severity::P1), CloseReason::Confirmed)));
        assert!(!all.samples(&closed(1, Some(Severity::S), CloseReason::Merged)));
        assert!(!all.samples(&closed(1, None, CloseReason::Spam)));
        let sampled = (1..=1000).filter(|n| half.samples(&closed(*n, None, CloseReason::Confirmed))).count();
        assert!((400..=600).contains(&sampled), "{sampled} of 1000");
        let again = (1..=1000).filter(|n| half.samples(&closed(*n, None, CloseReason::Confirmed))).count();
        assert_eq!(sampled, again);
    }
}
