//! The SLA policy: named calendars, targets per domain × severity (optionally per customer service
//! tier), each support tier's OLA share, and warning thresholds. Built from `config/sla.toml` by
//! [`SlaPolicy::from_toml_str`]; every value in here has already been checked.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};

use super::calendar::Calendar;
use super::clock::{Clock, Pause};
use super::duration::SlaDuration;
use super::error::{ConfigProblem, SlaConfigError, SlaError};
use super::vocab::{Severity, Tier};

pub(crate) const SEVERITIES: [Severity; 4] = [Severity::S, Severity::P1, Severity::P2, Severity::P3];
pub(crate) const TIERS: [Tier; 3] = [Tier::L1, Tier::L2, Tier::RnD];

/// One value per severity, without asking more of `Severity` than the shared vocabulary promises.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PerSeverity<T>(pub(crate) [T; 4]);

impl<T> PerSeverity<T> {
    pub(crate) fn get(&self, severity: Severity) -> &T {
        &self.0[severity_index(severity)]
    }
}

pub(crate) fn severity_index(severity: Severity) -> usize {
    match severity {
        Severity::S => 0,
        Severity::P1 => 1,
        Severity::P2 => 2,
        Severity::P3 => 3,
    }
}

impl<T: Default> Default for PerSeverity<T> {
    fn default() -> Self {
        PerSeverity(std::array::from_fn(|_| T::default()))
    }
}

/// Position of a calendar in the policy's list of calendars; names are resolved once, when the policy is
/// built, so a lookup can never miss.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CalendarId(pub(crate) usize);

/// The calendars a severity's clocks run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CalendarChoice {
    pub(crate) response: CalendarId,
    pub(crate) resolution: CalendarId,
}

/// The same, as a customer tier overrides it: either or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct CalendarOverride {
    pub(crate) response: Option<CalendarId>,
    pub(crate) resolution: Option<CalendarId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Target {
    pub(crate) response: SlaDuration,
    pub(crate) resolution: SlaDuration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct TargetOverride {
    pub(crate) response: Option<SlaDuration>,
    pub(crate) resolution: Option<SlaDuration>,
}

/// What a customer service tier (e.g. `gold`) changes; anything it leaves out comes from the base.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct CustomerTierRules {
    pub(crate) severity_calendars: PerSeverity<CalendarOverride>,
    pub(crate) targets: BTreeMap<String, PerSeverity<TargetOverride>>,
}

/// Each support tier's part of the resolution target for one severity; the parts sum to 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OlaShares {
    pub l1: f64,
    pub l2: f64,
    pub rnd: f64,
}

impl OlaShares {
    pub fn of(&self, tier: Tier) -> f64 {
        match tier {
            Tier::L1 => self.l1,
            Tier::L2 => self.l2,
            Tier::RnD => self.rnd,
        }
    }
}

/// A validated SLA policy.
#[derive(Debug, Clone)]
pub struct SlaPolicy {
    pub(crate) source: String,
    pub(crate) warn_at: Vec<f64>,
    /// In name order; [`CalendarId`] indexes it.
    pub(crate) calendars: Vec<(String, Calendar)>,
    pub(crate) severity_calendars: PerSeverity<CalendarChoice>,
    pub(crate) targets: BTreeMap<String, PerSeverity<Target>>,
    pub(crate) ola: PerSeverity<OlaShares>,
    pub(crate) customer_tiers: BTreeMap<String, CustomerTierRules>,
}

/// One clock's rule after customer-tier overrides: how long, counted on which calendar.
#[derive(Debug, Clone, Copy)]
pub struct ClockRule<'a> {
    pub length: SlaDuration,
    pub calendar_name: &'a str,
    pub calendar: &'a Calendar,
}

impl ClockRule<'_> {
    /// The business time this rule grants a clock starting at `start`; working days make it depend on
    /// where in its day the clock starts.
    pub fn budget_from(&self, start: DateTime<Utc>) -> TimeDelta {
        let due = self.calendar.add_duration(start, self.length);
        self.calendar.working_time_between(start, due)
    }
}

/// The response and resolution rules that apply to one ticket.
#[derive(Debug, Clone, Copy)]
pub struct AppliedTarget<'a> {
    pub response: ClockRule<'a>,
    pub resolution: ClockRule<'a>,
}

/// What the policy needs to know about a ticket to run its clocks. The engine gathers it; nothing
/// here reads a clock or a database.
#[derive(Debug, Clone, Copy)]
pub struct TicketSla<'t> {
    pub opened_at: DateTime<Utc>,
    pub domain: &'t str,
    pub severity: Severity,
    /// The customer's service tier from the registry; `None` or a tier without overrides gets the base
    /// targets.
    pub customer_tier: Option<&'t str>,
    /// Waiting-for-customer intervals; the last may still be open.
    pub pauses: &'t [Pause],
    /// The support tier holding the ticket now, and since when (the opening, or the last escalation).
    pub tier: Tier,
    pub tier_since: DateTime<Utc>,
}

/// The three clocks of a ticket: first response, resolution (the SLA), and the current tier's OLA.
#[derive(Debug, Clone)]
pub struct TicketClocks<'a> {
    pub response: Clock<'a>,
    pub resolution: Clock<'a>,
    pub ola: Clock<'a>,
    pub tier: Tier,
}

impl SlaPolicy {
    /// The file the policy was read from, for messages.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Fractions of a budget at which warnings go out, rising.
    pub fn warn_at(&self) -> &[f64] {
        &self.warn_at
    }

    pub fn calendar(&self, name: &str) -> Option<&Calendar> {
        self.calendars.iter().find(|(candidate, _)| candidate == name).map(|(_, calendar)| calendar)
    }

    /// The domains the policy has targets for, in name order.
    pub fn domains(&self) -> impl Iterator<Item = &str> {
        self.targets.keys().map(String::as_str)
    }

    /// Whether `customer_tiers` has an entry for this customer service tier (a tier without one
    /// gets the base targets).
    pub fn has_customer_tier(&self, tier: &str) -> bool {
        self.customer_tiers.contains_key(tier)
    }

    pub fn ola_shares(&self, severity: Severity) -> OlaShares {
        *self.ola.get(severity)
    }

    /// Checks the policy against the domains the rest of the configuration declares: each needs
    /// targets, and the policy may name no other.
    pub fn validate(&self, domains: &[String]) -> Result<(), SlaConfigError> {
        for domain in domains {
            if !self.targets.contains_key(domain) {
                return Err(self.error(format!("targets.{domain}"), ConfigProblem::MissingDomain));
            }
        }
        let undeclared =
            |key: String| self.error(key, ConfigProblem::UndeclaredDomain { declared: domains.join(", ") });
        let known = |name: &&String| domains.contains(name);
        if let Some(name) = self.targets.keys().find(|name| !known(name)) {
            return Err(undeclared(format!("targets.{name}")));
        }
        for (tier, rules) in &self.customer_tiers {
            if let Some(name) = rules.targets.keys().find(|name| !known(name)) {
                return Err(undeclared(format!("customer_tiers.{tier}.targets.{name}")));
            }
        }
        Ok(())
    }

    /// The rules for a ticket of `domain` at `severity` for a customer of `customer_tier`.
    pub fn target(
        &self,
        domain: &str,
        severity: Severity,
        customer_tier: Option<&str>,
    ) -> Result<AppliedTarget<'_>, SlaError> {
        let base = self
            .targets
            .get(domain)
            .ok_or_else(|| SlaError::NoTarget { domain: domain.to_owned(), severity })?
            .get(severity);
        let base_calendars = self.severity_calendars.get(severity);
        let rules = customer_tier.and_then(|tier| self.customer_tiers.get(tier));
        let calendar_override =
            rules.map(|rules| *rules.severity_calendars.get(severity)).unwrap_or_default();
        let target_override = rules
            .and_then(|rules| rules.targets.get(domain))
            .map(|per| *per.get(severity))
            .unwrap_or_default();
        let response_calendar = calendar_override.response.unwrap_or(base_calendars.response);
        let resolution_calendar = calendar_override.resolution.unwrap_or(base_calendars.resolution);
        Ok(AppliedTarget {
            response: self.rule(target_override.response.unwrap_or(base.response), response_calendar),
            resolution: self.rule(target_override.resolution.unwrap_or(base.resolution), resolution_calendar),
        })
    }

    /// The clocks of a ticket: pure in its facts, so the same facts always give the same deadlines.
    ///
    /// The OLA budget of the tier holding the ticket is its share of the resolution budget, counted
    /// from `tier_since` on the resolution calendar with the same pauses; it never reaches past the
    /// resolution deadline, so a tier that receives a ticket late gets what is left of the SLA.
    pub fn clocks<'a>(&'a self, ticket: &TicketSla<'_>) -> Result<TicketClocks<'a>, SlaError> {
        let target = self.target(ticket.domain, ticket.severity, ticket.customer_tier)?;
        let opened_at = ticket.opened_at;
        let response = Clock::new(
            target.response.calendar,
            opened_at,
            target.response.budget_from(opened_at),
            ticket.pauses,
        )
        .with_warnings(&self.warn_at);
        let resolution_budget = target.resolution.budget_from(opened_at);
        let resolution = Clock::new(target.resolution.calendar, opened_at, resolution_budget, ticket.pauses)
            .with_warnings(&self.warn_at);
        let tier_since = ticket.tier_since.max(opened_at);
        let share = self.ola.get(ticket.severity).of(ticket.tier);
        let left_of_sla = resolution.remaining(tier_since).max(TimeDelta::zero());
        let ola_budget = scale(resolution_budget, share).min(left_of_sla);
        let ola = Clock::new(target.resolution.calendar, tier_since, ola_budget, ticket.pauses)
            .with_warnings(&self.warn_at);
        Ok(TicketClocks { response, resolution, ola, tier: ticket.tier })
    }

    fn rule(&self, length: SlaDuration, calendar: CalendarId) -> ClockRule<'_> {
        let (calendar_name, calendar) = &self.calendars[calendar.0];
        ClockRule { length, calendar_name, calendar }
    }

    fn error(&self, key: String, problem: ConfigProblem) -> SlaConfigError {
        SlaConfigError::new(&self.source, key, problem)
    }
}

/// `d` × `share`, to the millisecond.
fn scale(d: TimeDelta, share: f64) -> TimeDelta {
    let millis = d.num_milliseconds() as f64 * share;
    TimeDelta::milliseconds(millis.round() as i64)
}
