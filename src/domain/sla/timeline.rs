//! What a ticket's timeline says about its clocks, and the clocks' state at an instant.
//!
//! Pauses, the first response and the last escalation are read from the timeline rather than stored a
//! second time: the timeline is already the record of every change, so the clocks can never disagree
//! with it, and a severity or domain change recomputes every deadline from the ticket's start.

use chrono::{DateTime, Utc};

use super::clock::{Alarm, ClockReading, Pause};
use super::policy::{SlaPolicy, TicketClocks, TicketSla};
use crate::domain::{Event, EventKind, Severity, Status, Ticket, Tier};

/// The clock-relevant facts of one ticket.
#[derive(Debug, Clone, PartialEq)]
pub struct ClockFacts {
    /// The first staff post to the customer: a reply, a wait with a question, or a resolution.
    pub first_response: Option<DateTime<Utc>>,
    /// When the ticket stopped needing work without a response (closed unanswered).
    pub closed_at: Option<DateTime<Utc>>,
    /// Waiting for the customer (or for the team it was handed to), resolved, or closed: the
    /// resolution and OLA clocks stand still.
    pub pauses: Vec<Pause>,
    /// When the tier holding the ticket received it.
    pub tier_since: DateTime<Utc>,
    /// When the ticket was last made S-level, if it is S now: an incident's clocks count from its
    /// confirmation, so a ticket raised to S late is not born breached.
    pub s_since: Option<DateTime<Utc>>,
}

impl ClockFacts {
    pub fn from_timeline(ticket: &Ticket, events: &[Event]) -> ClockFacts {
        let mut facts = ClockFacts {
            first_response: None,
            closed_at: None,
            pauses: Vec::new(),
            tier_since: ticket.created_at,
            s_since: None,
        };
        let mut paused_since: Option<DateTime<Utc>> = None;
        for event in events {
            match &event.kind {
                EventKind::StaffReply { .. }
                | EventKind::CustomerUpdate { .. }
                | EventKind::Waiting { .. }
                | EventKind::HandedOff { .. }
                | EventKind::Resolved { .. } => {
                    facts.first_response.get_or_insert(event.at);
                }
                _ => {}
            }
            match &event.kind {
                EventKind::Waiting { .. } | EventKind::HandedOff { .. } | EventKind::Resolved { .. } => {
                    paused_since.get_or_insert(event.at);
                }
                EventKind::Closed { .. } => {
                    paused_since.get_or_insert(event.at);
                    facts.closed_at = Some(event.at);
                }
                EventKind::Resumed | EventKind::Reopened { .. } => {
                    if let Some(from) = paused_since.take() {
                        facts.pauses.push(Pause::closed(from, event.at));
                    }
                    facts.closed_at = None;
                }
                EventKind::Escalated { .. } | EventKind::TierChanged { .. } => facts.tier_since = event.at,
                EventKind::SeverityChanged { to, .. } => {
                    facts.s_since = (*to == Severity::S).then_some(event.at);
                }
                _ => {}
            }
        }
        if let Some(from) = paused_since {
            facts.pauses.push(Pause::open(from));
        }
        facts
    }
}

/// Which of a ticket's clocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockKind {
    Response,
    Resolution,
    Ola(Tier),
}

impl ClockKind {
    /// A stable name, used in notice keys and the timeline.
    pub fn key(self) -> String {
        match self {
            ClockKind::Response => "response".to_owned(),
            ClockKind::Resolution => "resolution".to_owned(),
            ClockKind::Ola(tier) => format!("ola-{tier}"),
        }
    }

    pub fn describe(self) -> String {
        match self {
            ClockKind::Response => "first response".to_owned(),
            ClockKind::Resolution => "resolution".to_owned(),
            ClockKind::Ola(tier) => format!("{tier} OLA"),
        }
    }
}

/// One clock at one instant.
#[derive(Debug, Clone, PartialEq)]
pub struct ClockState {
    pub kind: ClockKind,
    pub reading: ClockReading,
    /// Stopped for good (responded, resolved, closed): it raises no more alarms.
    pub stopped: bool,
    /// The next alarm to wake the sweep for.
    pub next_alarm: Option<(Alarm, DateTime<Utc>)>,
}

impl ClockState {
    /// The alarm this clock stands at now, if it raises one: a breach outranks a warning.
    pub fn alarm(&self) -> Option<Alarm> {
        if self.stopped {
            return None;
        }
        if self.reading.breached { Some(Alarm::Breach) } else { self.reading.warned_at.map(Alarm::Warning) }
    }
}

/// A ticket's clocks at an instant, or `None` when it has no domain or severity yet (no target applies).
pub fn clock_states(
    policy: &SlaPolicy,
    ticket: &Ticket,
    facts: &ClockFacts,
    now: DateTime<Utc>,
) -> Option<Vec<ClockState>> {
    let (domain, severity) = (ticket.domain.as_deref()?, ticket.severity?);
    // An S ticket's clocks start when S was confirmed; any other severity's when the ticket opened.
    let opened_at = match facts.s_since {
        Some(since) if severity == Severity::S => since.max(ticket.created_at),
        _ => ticket.created_at,
    };
    let ticket_sla = TicketSla {
        opened_at,
        domain,
        severity,
        customer_tier: ticket.customer_tier.as_deref(),
        pauses: &facts.pauses,
        tier: ticket.tier,
        tier_since: facts.tier_since.max(opened_at),
    };
    let clocks: TicketClocks<'_> = policy.clocks(&ticket_sla).ok()?;
    // Every pause begins with a first response (a wait, a resolution) or a close, each of which stops
    // the response clock, so it runs unpaused: its deadline stays visible after it stopped.
    let response = policy.clocks(&TicketSla { pauses: &[], ..ticket_sla }).ok()?.response;
    let closed = ticket.status == Status::Closed;
    let settled = matches!(ticket.status, Status::Resolved | Status::Closed);
    let response_stop = facts.first_response.or(facts.closed_at);
    let response_at = response_stop.map_or(now, |stop| stop.min(now));
    let response_stopped = response_stop.is_some() || closed;
    let state = |kind, clock: &super::Clock<'_>, at, stopped: bool| ClockState {
        kind,
        reading: clock.reading(at),
        stopped,
        next_alarm: if stopped { None } else { clock.next_alarm(now) },
    };
    Some(vec![
        state(ClockKind::Response, &response, response_at, response_stopped),
        state(ClockKind::Resolution, &clocks.resolution, now, settled),
        state(ClockKind::Ola(ticket.tier), &clocks.ola, now, settled),
    ])
}

/// When the sweep must next look at a ticket: now when a clock stands at an alarm (the sweep knows
/// which notices went out already), otherwise the earliest coming alarm.
pub fn next_look(states: &[ClockState], now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if states.iter().any(|s| s.alarm().is_some()) {
        return Some(now);
    }
    states.iter().filter_map(|s| s.next_alarm.map(|(_, at)| at)).min()
}

/// What the daily digest needs of a ticket's clocks, stored beside its next alarm and valid until
/// the ticket's next change (the clocks' deadlines depend on the timeline only, never on the hour).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SlaMarks {
    /// The ticket counts as breached at any instant strictly after this one: the earliest deadline
    /// of a clock whose reading is breached once past it. A paused clock with budget left has no
    /// deadline; a response clock stopped in time never breaches.
    pub breach_at: Option<DateTime<Utc>>,
    /// The resolution clock's deadline while it runs (not paused, not stopped).
    pub resolution_due: Option<DateTime<Utc>>,
}

impl SlaMarks {
    /// The marks of a ticket's clocks as `clock_states` gave them; none without clocks.
    pub fn of(states: &[ClockState]) -> SlaMarks {
        let breach_at = states
            .iter()
            .filter_map(|s| match s.kind {
                // Read at its stop: breached only if it stopped after its deadline.
                ClockKind::Response if s.stopped && !s.reading.breached => None,
                _ => s.reading.due,
            })
            .min();
        let resolution_due =
            states.iter().find(|s| s.kind == ClockKind::Resolution && !s.stopped).and_then(|s| s.reading.due);
        SlaMarks { breach_at, resolution_due }
    }

    /// Whether the ticket is breached at `now`, as `clock_states` at `now` would say.
    pub fn breached(&self, now: DateTime<Utc>) -> bool {
        self.breach_at.is_some_and(|at| now > at)
    }
}
