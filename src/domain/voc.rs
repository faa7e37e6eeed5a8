//! Voice of customer (VOC): customers' suggestions grouped into items (`V-n`) that a product
//! manager accepts into engineering, rejects with a reason, or ships. This module is the rule:
//! which item a new suggestion joins (same domain, alike by the knowledge base's terms, as storms
//! compare texts), and how an item's status may move.

use std::borrow::Borrow;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::locale::Msg;
use super::storm::{Terms, alike, similarity};
use super::ticket::TicketRef;

/// A VOC item's number, written `V-3`: a sequence of its own, apart from tickets'.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VocRef(pub i64);

impl fmt::Display for VocRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "V-{}", self.0)
    }
}

impl FromStr for VocRef {
    type Err = VocError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let trimmed = text.trim();
        let bad = || VocError::BadRef(super::text::elide(trimmed, 40));
        let digits = trimmed.strip_prefix("V-").or_else(|| trimmed.strip_prefix("v-")).ok_or_else(bad)?;
        match digits.parse::<i64>() {
            Ok(n) if n > 0 && digits.bytes().all(|b| b.is_ascii_digit()) => Ok(VocRef(n)),
            _ => Err(bad()),
        }
    }
}

impl Serialize for VocRef {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for VocRef {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Where an item stands: `open` (collecting suggestions), `accepted` (handed to engineering),
/// `rejected` (with a reason, customers told) or `shipped` (with a note, customers told).
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
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum VocStatus {
    Open,
    Accepted,
    Rejected,
    Shipped,
}

/// What a product manager does to an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::Display, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum VocStep {
    Accept,
    Reject,
    Ship,
}

impl VocStatus {
    /// Whether new suggestions still join it: open, or accepted and not shipped yet (its
    /// customers are told when it ships).
    pub fn takes_suggestions(self) -> bool {
        matches!(self, VocStatus::Open | VocStatus::Accepted)
    }

    /// The status `step` moves an item of this status to: accept and reject take an open item,
    /// ship an accepted one.
    pub fn after(self, item: VocRef, step: VocStep) -> Result<VocStatus, VocError> {
        let to = match step {
            VocStep::Accept => VocStatus::Accepted,
            VocStep::Reject => VocStatus::Rejected,
            VocStep::Ship => VocStatus::Shipped,
        };
        let from = match step {
            VocStep::Accept | VocStep::Reject => VocStatus::Open,
            VocStep::Ship => VocStatus::Accepted,
        };
        if self == from {
            Ok(to)
        } else if self == to {
            Err(VocError::Already { item, status: self })
        } else {
            Err(VocError::CannotStep { item, status: self, step })
        }
    }
}

/// What a step needs, in words: `only an open item can be accepted`.
fn step_needs(step: VocStep) -> &'static str {
    match step {
        VocStep::Accept => "only an open item can be accepted",
        VocStep::Reject => "only an open item can be rejected",
        VocStep::Ship => "only an accepted item can be shipped",
    }
}

/// A VOC rule broken; the text is what the user reads (`msg` for their language).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VocError {
    #[error("`{0}` is not a voice-of-customer item; write it as V-3")]
    BadRef(String),
    #[error("{item} is already {status}")]
    Already { item: VocRef, status: VocStatus },
    #[error("{item} is {status}: {}", step_needs(*step))]
    CannotStep { item: VocRef, status: VocStatus, step: VocStep },
    #[error("{item} is {status}; link suggestions to an open or accepted item")]
    TakesNoSuggestions { item: VocRef, status: VocStatus },
}

impl VocError {
    pub fn msg(&self) -> Msg {
        match self {
            VocError::BadRef(text) => Msg::new("voc-error-bad-ref").arg("text", text),
            VocError::Already { item, status } => {
                Msg::new("voc-error-already").shown("item", item).shown("status", status)
            }
            VocError::CannotStep { item, status, step } => {
                Msg::new("voc-error-step").shown("item", item).shown("status", status).shown("step", step)
            }
            VocError::TakesNoSuggestions { item, status } => {
                Msg::new("voc-error-link-closed").shown("item", item).shown("status", status)
            }
        }
    }
}

/// A customer's suggestion in an item: their ticket and what they wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub ticket: TicketRef,
    pub customer: String,
    /// The start of the customer's first message, as it was compared.
    pub text: String,
    pub linked_by: String,
    pub linked_at: DateTime<Utc>,
}

/// A VOC item as stored, with its suggestions in ticket order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VocItem {
    pub reference: VocRef,
    /// The first suggestion's ticket title.
    pub title: String,
    pub domain: Option<String>,
    pub status: VocStatus,
    /// Why it was rejected.
    pub reason: Option<String>,
    /// What shipped.
    pub note: Option<String>,
    /// The engineering tracker's issue, once one is made.
    pub tracker_url: Option<String>,
    /// Who accepted, rejected or shipped it last.
    pub decided_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub suggestions: Vec<Suggestion>,
}

impl VocItem {
    /// The customers asking for it, each once, in order of their first suggestion.
    pub fn customers(&self) -> Vec<&str> {
        let mut customers: Vec<&str> = Vec::new();
        for suggestion in &self.suggestions {
            if !customers.contains(&suggestion.customer.as_str()) {
                customers.push(&suggestion.customer);
            }
        }
        customers
    }
}

/// When a new suggestion joins an item (`[voc]` in config).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VocRule {
    /// How alike (the Dice coefficient of the terms, `storm::similarity`) the new suggestion and
    /// one of an item's must be; they also share at least two terms, as storms' texts do.
    pub similarity: f64,
}

impl VocRule {
    /// The item a suggestion with these terms joins among `items` (each with its suggestions'
    /// terms): the one holding the suggestion most alike to it, at least as alike as the rule
    /// asks; among equals, the first given.
    pub fn item_for<K: Copy, T: Borrow<Terms>>(&self, terms: &Terms, items: &[(K, Vec<T>)]) -> Option<K> {
        let mut best: Option<(K, f64)> = None;
        for (item, suggestions) in items {
            let score = suggestions
                .iter()
                .map(Borrow::borrow)
                .filter(|s| alike(s, terms, self.similarity))
                .map(|s| similarity(s, terms))
                .fold(None, |max: Option<f64>, s| Some(max.map_or(s, |m| m.max(s))));
            if let Some(score) = score
                && best.is_none_or(|(_, b)| score > b)
            {
                best = Some((*item, score));
            }
        }
        best.map(|(item, _)| item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(words: &str) -> Terms {
        words.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn item_references_read_as_people_write_them() {
        assert_eq!("V-3".parse::<VocRef>().unwrap(), VocRef(3));
        assert_eq!(" v-12 ".parse::<VocRef>().unwrap(), VocRef(12));
        assert_eq!(VocRef(7).to_string(), "V-7");
        for bad in ["T-3", "V-", "V-0", "V--1", "V-+1", "3", "V-1x"] {
            assert!(matches!(bad.parse::<VocRef>(), Err(VocError::BadRef(_))), "{bad}");
        }
    }

    #[test]
    fn accept_and_reject_take_an_open_item_and_ship_an_accepted_one() {
        let v = VocRef(1);
        assert_eq!(VocStatus::Open.after(v, VocStep::Accept), Ok(VocStatus::Accepted));
        assert_eq!(VocStatus::Open.after(v, VocStep::Reject), Ok(VocStatus::Rejected));
        assert_eq!(VocStatus::Accepted.after(v, VocStep::Ship), Ok(VocStatus::Shipped));
    }

    #[test]
    fn a_step_taken_twice_or_from_the_wrong_status_is_refused() {
        let v = VocRef(1);
        assert_eq!(
            VocStatus::Accepted.after(v, VocStep::Accept),
            Err(VocError::Already { item: v, status: VocStatus::Accepted })
        );
        assert_eq!(
            VocStatus::Rejected.after(v, VocStep::Ship),
            Err(VocError::CannotStep { item: v, status: VocStatus::Rejected, step: VocStep::Ship })
        );
        assert!(VocStatus::Open.after(v, VocStep::Ship).is_err());
        assert!(VocStatus::Shipped.after(v, VocStep::Reject).is_err());
        assert!(VocStatus::Rejected.after(v, VocStep::Accept).is_err());
        assert_eq!(
            VocStatus::Shipped.after(v, VocStep::Ship),
            Err(VocError::Already { item: v, status: VocStatus::Shipped })
        );
    }

    #[test]
    fn only_open_and_accepted_items_take_suggestions() {
        assert!(VocStatus::Open.takes_suggestions() && VocStatus::Accepted.takes_suggestions());
        assert!(!VocStatus::Rejected.takes_suggestions() && !VocStatus::Shipped.takes_suggestions());
    }

    #[test]
    fn a_suggestion_joins_the_item_with_the_most_alike_suggestion() {
        let rule = VocRule { similarity: 0.5 };
        let items = vec![
            (1, vec![terms("suggest dark mode setting"), terms("night theme")]),
            (2, vec![terms("suggest dark mode")]),
            (3, vec![terms("bigger batteri")]),
        ];
        assert_eq!(rule.item_for(&terms("suggest dark mode"), &items), Some(2));
        assert_eq!(rule.item_for(&terms("dark mode setting please"), &items), Some(1));
        assert_eq!(rule.item_for(&terms("suggest bigger font"), &items), None);
        let none: &[(i32, Vec<Terms>)] = &[];
        assert_eq!(rule.item_for(&terms("suggest dark mode"), none), None);
    }

    #[test]
    fn sharing_one_term_is_not_enough_however_short_the_texts() {
        // Dice 0.5, but only "suggest" in common.
        let rule = VocRule { similarity: 0.5 };
        assert_eq!(rule.item_for(&terms("suggest dark"), &[(1, vec![terms("suggest font")])]), None);
    }

    #[test]
    fn customers_are_counted_once_each() {
        let at = DateTime::parse_from_rfc3339("2026-12-04T09:00:00Z").unwrap().to_utc();
        let suggestion = |n: i64, customer: &str| Suggestion {
            ticket: TicketRef(n),
            customer: customer.into(),
            text: "x".into(),
            linked_by: "system".into(),
            linked_at: at,
        };
        let item = VocItem {
            reference: VocRef(1),
            title: "x".into(),
            domain: None,
            status: VocStatus::Open,
            reason: None,
            note: None,
            tracker_url: None,
            decided_by: None,
            created_at: at,
            updated_at: at,
            suggestions: vec![suggestion(1, "alice"), suggestion(2, "bob"), suggestion(3, "alice")],
        };
        assert_eq!(item.customers(), vec!["alice", "bob"]);
    }
}
