//! The managers' cockpit: the four indicators of the ITR process (seed 001), as values. The store
//! computes them with SQL aggregates over the timeline; the web pages, the API and `/stats` show
//! them. README's "The cockpit's four indicators" defines each, in business terms and as computed.

use chrono::NaiveDate;
use serde::Serialize;

use super::ticket::{Kind, Severity};

/// A date range in the ops time zone, both ends included, and the tickets it looks at.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorQuery {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub time_zone: chrono_tz::Tz,
    pub filter: IndicatorFilter,
}

/// Which tickets count; every part left `None` matches all. Each part is read from the ticket as
/// it is now (its current domain, severity, kind and customer).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndicatorFilter {
    pub domain: Option<String>,
    pub severity: Option<Severity>,
    pub kind: Option<Kind>,
    pub customer: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Indicators {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub time_zone: String,
    /// One entry per day of the range, in order.
    pub inflow: Vec<DayFlow>,
    /// One entry per kind that has tickets in the range; `kind` is null for unclassified tickets.
    pub by_kind: Vec<KindHandling>,
    /// One entry per domain with tickets in the range or open now; `domain` is null for none.
    pub by_domain: Vec<DomainHandling>,
    pub confirmation: Confirmation,
}

/// Indicator 1: a day's inflow and close rate.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DayFlow {
    pub date: NaiveDate,
    /// Tickets not closed at the day's first instant.
    pub open_at_start: i64,
    pub created: i64,
    pub closed: i64,
    /// closed ÷ (open_at_start + created); null when both are 0.
    pub close_rate: Option<f64>,
}

/// How long tickets took, and how many met the resolution SLA (indicators 2 and 3).
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Handling {
    /// Tickets created in the range.
    pub tickets: i64,
    /// Tickets whose (latest) resolution falls in the range: the ones the times are of.
    pub resolved: i64,
    /// Created → resolved, wall clock, in seconds (nearest rank); null when none was resolved.
    pub median_secs: Option<i64>,
    pub p90_secs: Option<i64>,
    /// Created → resolved in the business hours of the ticket's SLA calendar, in seconds.
    pub median_business_secs: Option<i64>,
    pub p90_business_secs: Option<i64>,
    /// Of `resolved`, those resolved within the resolution SLA.
    pub on_time: i64,
    /// on_time ÷ resolved; null when none was resolved.
    pub on_time_rate: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct KindHandling {
    pub kind: Option<Kind>,
    #[serde(flatten)]
    pub handling: Handling,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DomainHandling {
    pub domain: Option<String>,
    #[serde(flatten)]
    pub handling: Handling,
    /// Tickets of the domain not resolved or closed now (whatever the range).
    pub open_now: i64,
    /// Of those, the ones with a breached SLA clock (response or resolution).
    pub breached_now: i64,
}

/// Indicator 4: what became of the resolution cards sent in the range.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Confirmation {
    /// Resolutions in the range: each one sent the customer a card.
    pub cards: i64,
    /// Closed as confirmed by the customer after that resolution.
    pub confirmed: i64,
    /// Closed as auto-confirmed (the customer never answered).
    pub auto_confirmed: i64,
    /// Reopened after that resolution.
    pub reopened: i64,
    /// Neither closed nor reopened yet.
    pub pending: i64,
    /// confirmed ÷ cards, auto_confirmed ÷ cards, reopened ÷ cards; null when there are no cards.
    pub confirmed_share: Option<f64>,
    pub auto_confirmed_share: Option<f64>,
    pub reopened_share: Option<f64>,
    /// Resolved → closed (confirmed or auto-confirmed), wall clock, in seconds (nearest rank).
    pub median_secs: Option<i64>,
    pub p90_secs: Option<i64>,
    /// Scores given in the range: the mean, and how many of each from 1 to 5.
    pub mean_score: Option<f64>,
    pub scores: [i64; 5],
    /// Cards the customer answered (confirmed, reopened or rated) ÷ cards; null when none.
    pub response_rate: Option<f64>,
}
