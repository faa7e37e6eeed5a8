//! Storms: when many customers report the same problem in one domain within minutes (a faulty
//! update breaks many phones at once), their tickets are proposed to the domain's owners as one
//! S-level incident. This module is the rule: which new tickets make a storm, and whether a later
//! ticket belongs to one. The words of each text come from the knowledge base's analysis (the
//! engine hands them in as plain term sets), so English stems and Chinese bigrams both count.

use std::collections::BTreeSet;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::ticket::TicketRef;

/// The distinct terms of a text (stems, Chinese bigrams), as the knowledge base analyses it.
pub type Terms = BTreeSet<String>;

/// How alike two texts are, from 0 (no term shared) to 1 (the same terms): the Dice coefficient,
/// twice the shared terms over the terms of both. Empty texts are alike to nothing.
pub fn similarity(a: &Terms, b: &Terms) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let shared = a.intersection(b).count();
    (2 * shared) as f64 / (a.len() + b.len()) as f64
}

/// Two texts share at least this many terms to be alike: two short messages that share only the
/// domain's own word ("screen flickers", "screen cracked") are not the same problem.
pub const MIN_SHARED_TERMS: usize = 2;

/// Whether two texts say the same thing: at least [`MIN_SHARED_TERMS`] terms in common and a
/// [`similarity`] of at least `at_least` (storms; voice-of-customer suggestions).
pub fn alike(a: &Terms, b: &Terms, at_least: f64) -> bool {
    a.intersection(b).nth(MIN_SHARED_TERMS - 1).is_some() && similarity(a, b) >= at_least
}

/// A new ticket of a domain that may be part of a storm: its number, when it opened, the terms of
/// its first message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StormCandidate {
    pub ticket: TicketRef,
    pub created_at: DateTime<Utc>,
    pub terms: Terms,
}

/// When similar new tickets make a storm (`[storm]` in config).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StormRule {
    /// How many similar tickets, the newest included, make a storm.
    pub threshold: usize,
    /// Within how long of the newest they opened.
    pub window: TimeDelta,
    /// How alike (see [`similarity`]) two tickets' texts must be to count as the same problem.
    pub similarity: f64,
}

impl StormRule {
    /// Whether two texts tell the same problem: at least [`MIN_SHARED_TERMS`] terms in common, and
    /// a [`similarity`] of at least the rule's.
    pub fn alike(&self, a: &Terms, b: &Terms) -> bool {
        alike(a, b, self.similarity)
    }

    /// The storm `newest` makes with `others` at `now`, if it makes one: the tickets opened
    /// within the window before `now` whose texts are all alike to each other (every pair
    /// [`StormRule::alike`]), at least `threshold` of them with `newest`; in ticket order. The
    /// group is grown greedily from the tickets most like `newest`.
    pub fn storm(
        &self,
        newest: &StormCandidate,
        others: &[StormCandidate],
        now: DateTime<Utc>,
    ) -> Option<Vec<TicketRef>> {
        let since = now - self.window;
        let mut near: Vec<(&StormCandidate, f64)> = others
            .iter()
            .filter(|c| c.ticket != newest.ticket && c.created_at > since && c.created_at <= now)
            .filter(|c| self.alike(&c.terms, &newest.terms))
            .map(|c| (c, similarity(&c.terms, &newest.terms)))
            .collect();
        if near.len() + 1 < self.threshold {
            return None;
        }
        // Most alike first; among equals, the earlier ticket.
        near.sort_by(|(a, x), (b, y)| y.total_cmp(x).then(a.ticket.cmp(&b.ticket)));
        let mut group: Vec<&StormCandidate> = vec![newest];
        for (candidate, _) in near {
            if group.iter().all(|member| self.alike(&member.terms, &candidate.terms)) {
                group.push(candidate);
            }
        }
        if group.len() < self.threshold {
            return None;
        }
        let mut tickets: Vec<TicketRef> = group.iter().map(|c| c.ticket).collect();
        tickets.sort();
        Some(tickets)
    }

    /// Whether a new ticket with these terms belongs to a storm whose members' terms are given:
    /// it is alike to at least half of them (so one stray member cannot pull unrelated tickets in).
    pub fn joins(&self, terms: &Terms, members: &[Terms]) -> bool {
        if members.is_empty() {
            return false;
        }
        let alike = members.iter().filter(|m| self.alike(m, terms)).count();
        alike * 2 >= members.len()
    }
}

/// Where a storm's proposal stands.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum StormStatus {
    /// The domain's owners were asked; nobody answered yet.
    Proposed,
    /// An owner confirmed: the incident is `Storm::incident`, the others are linked to it.
    Confirmed,
    /// An owner declined: its tickets are never proposed again.
    Declined,
}

/// A storm as stored: proposed once for its first ticket (its key), with every ticket in it (a
/// ticket is in at most one storm).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Storm {
    pub id: i64,
    pub domain: String,
    /// The first ticket: the storm's key, and the buttons' ticket (`stormconfirm:T-n`).
    pub first: TicketRef,
    pub status: StormStatus,
    pub proposed_at: DateTime<Utc>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The ticket that became the incident, once confirmed.
    pub incident: Option<TicketRef>,
    /// Every ticket in the storm, in order, the first included.
    pub members: Vec<TicketRef>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(words: &str) -> Terms {
        words.split_whitespace().map(str::to_owned).collect()
    }

    fn at(minute: i64) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-04T09:00:00Z").unwrap().to_utc() + TimeDelta::minutes(minute)
    }

    fn candidate(n: i64, minute: i64, words: &str) -> StormCandidate {
        StormCandidate { ticket: TicketRef(n), created_at: at(minute), terms: terms(words) }
    }

    fn rule() -> StormRule {
        StormRule { threshold: 5, window: TimeDelta::minutes(15), similarity: 0.4 }
    }

    const BLACK: &str = "black screen updat";

    #[test]
    fn five_alike_tickets_within_the_window_make_a_storm_in_ticket_order() {
        let others: Vec<StormCandidate> =
            (1..=4).map(|n| candidate(n, n, &format!("{BLACK} phone{n}"))).collect();
        let newest = candidate(5, 10, BLACK);
        assert_eq!(rule().storm(&newest, &others, at(10)), Some((1..=5).map(TicketRef).collect::<Vec<_>>()));
    }

    #[test]
    fn four_are_not_a_storm() {
        let others: Vec<StormCandidate> = (1..=3).map(|n| candidate(n, n, BLACK)).collect();
        assert_eq!(rule().storm(&candidate(4, 5, BLACK), &others, at(5)), None);
    }

    #[test]
    fn tickets_opened_before_the_window_do_not_count() {
        // T-1 opened 16 minutes before the newest: outside a 15-minute window.
        let others = vec![
            candidate(1, 0, BLACK),
            candidate(2, 5, BLACK),
            candidate(3, 6, BLACK),
            candidate(4, 7, BLACK),
        ];
        assert_eq!(rule().storm(&candidate(5, 16, BLACK), &others, at(16)), None);
        // The same tickets a minute earlier are a storm.
        assert!(rule().storm(&candidate(5, 14, BLACK), &others, at(14)).is_some());
    }

    #[test]
    fn dissimilar_tickets_do_not_count() {
        let others = vec![
            candidate(1, 1, BLACK),
            candidate(2, 2, BLACK),
            candidate(3, 3, BLACK),
            candidate(4, 4, "scratch back glass"),
        ];
        assert_eq!(rule().storm(&candidate(5, 5, BLACK), &others, at(5)), None);
    }

    #[test]
    fn every_member_is_alike_to_every_other_not_only_to_the_newest() {
        // T-1 … T-3 share "black screen" with the newest, T-4 and T-5 share "updat crash" with it;
        // the two halves are not alike to each other, so neither half with the newest is five.
        let rule = StormRule { threshold: 4, similarity: 0.5, ..rule() };
        let newest = candidate(6, 6, "black screen updat crash");
        let others = vec![
            candidate(1, 1, "black screen"),
            candidate(2, 2, "black screen"),
            candidate(4, 4, "updat crash"),
            candidate(5, 5, "updat crash"),
        ];
        assert_eq!(rule.storm(&newest, &others, at(6)), None);
        let rule = StormRule { threshold: 3, ..rule };
        assert_eq!(rule.storm(&newest, &others, at(6)), Some(vec![TicketRef(1), TicketRef(2), TicketRef(6)]));
    }

    #[test]
    fn similarity_is_dice_and_empty_texts_are_alike_to_nothing() {
        assert!((similarity(&terms("a b"), &terms("a c")) - 0.5).abs() < 1e-9);
        assert!((similarity(&terms("a b"), &terms("a b")) - 1.0).abs() < 1e-9);
        assert!(similarity(&Terms::new(), &Terms::new()).abs() < 1e-9);
    }

    #[test]
    fn texts_that_share_only_one_word_are_not_alike_however_short() {
        // Dice 0.5, above the rule's 0.4, but only "screen" in common.
        assert!(!rule().alike(&terms("screen flicker"), &terms("screen crack")));
        assert!(rule().alike(&terms("black screen"), &terms("screen black")));
    }

    #[test]
    fn a_ticket_joins_a_storm_when_alike_to_at_least_half_of_it() {
        let members = vec![terms(BLACK), terms(BLACK), terms("scratch glass")];
        assert!(rule().joins(&terms(BLACK), &members));
        assert!(!rule().joins(&terms("scratch glass"), &members));
        assert!(!rule().joins(&terms(BLACK), &[]));
    }

    #[test]
    fn storm_statuses_read_as_stored() {
        assert_eq!(StormStatus::Confirmed.to_string(), "confirmed");
        assert_eq!("declined".parse::<StormStatus>().unwrap(), StormStatus::Declined);
    }
}
