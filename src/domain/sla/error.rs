//! Errors of the SLA policy: configuration mistakes, found at start-up, and lookups that miss.

use std::fmt;

use super::calendar::{CalendarError, SpanError};
use super::duration::DurationError;
use super::vocab::Severity;

/// A mistake in the policy file, naming the file and the key so it can be fixed without reading code.
///
/// Reads like `config/sla.toml: targets.screen.P1.resolution: "24x" is not a duration (write 24h, 30m
/// or 7 working days)`. For a file that is not valid TOML the key is the line and column instead.
#[derive(Debug, Clone, PartialEq)]
pub struct SlaConfigError {
    pub file: String,
    /// Dotted path of the offending key, e.g. `calendars.office.week.mon[1]`; empty when the whole
    /// file is at fault.
    pub key: String,
    pub problem: ConfigProblem,
}

impl SlaConfigError {
    pub(crate) fn new(file: &str, key: impl Into<String>, problem: ConfigProblem) -> SlaConfigError {
        SlaConfigError { file: file.to_owned(), key: key.into(), problem }
    }
}

impl fmt::Display for SlaConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.key.is_empty() {
            write!(f, "{}: {}", self.file, self.problem)
        } else {
            write!(f, "{}: {}: {}", self.file, self.key, self.problem)
        }
    }
}

impl std::error::Error for SlaConfigError {}

/// What is wrong at the key; `value` fields hold the offending value as the file writes it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigProblem {
    #[error("cannot be read: {0}")]
    Unreadable(String),
    #[error("{0}")]
    NotToml(String),
    #[error("is missing")]
    Missing,
    #[error("{value} {reason}")]
    BadDuration { value: String, reason: DurationError },
    #[error("{value} is not an IANA time zone (write e.g. Asia/Shanghai or Europe/Berlin)")]
    BadTimeZone { value: String },
    #[error("{value} is not a weekday (write mon, tue, wed, thu, fri, sat or sun)")]
    BadWeekday { value: String },
    #[error("{value} {reason}")]
    BadSpan { value: String, reason: SpanError },
    #[error("{value} is not a date or date range (write 2026-10-01 or \"2026-10-01..2026-10-07\")")]
    BadDate { value: String },
    #[error("{0}")]
    BadCalendar(CalendarError),
    #[error("names calendar {value}, which is not defined (defined: {defined})")]
    UnknownCalendar { value: String, defined: String },
    #[error("{value} is not a severity (write S, P1, P2 or P3)")]
    BadSeverity { value: String },
    #[error("{value} is not a support tier (write L1, L2 or RnD)")]
    BadTier { value: String },
    #[error("{value} is not a number between 0 and 1")]
    BadShare { value: String },
    #[error("shares add up to {sum}, not 1.0")]
    SharesDoNotSumToOne { sum: f64 },
    #[error("{value} is not a fraction strictly between 0 and 1")]
    BadThreshold { value: String },
    #[error("thresholds must rise: {value} comes after a larger or equal one")]
    ThresholdsNotRising { value: String },
    #[error("is missing: every declared domain needs targets for S, P1, P2 and P3")]
    MissingDomain,
    #[error("is not a declared domain (declared: {declared})")]
    UndeclaredDomain { declared: String },
}

/// A question the policy cannot answer; after a successful `validate` against the configured domains
/// it only happens for a domain the rest of the configuration does not know either.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlaError {
    #[error("the SLA policy has no targets for domain {domain:?} at severity {severity}")]
    NoTarget { domain: String, severity: Severity },
}
