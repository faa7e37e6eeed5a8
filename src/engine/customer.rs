//! What a customer reads of their ticket: where it stands in plain words, who is helping, and the
//! next time we promised, in their own time zone; never states, tiers or kinds.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::{Engine, text};
use crate::domain::sla::{ClockFacts, ClockKind, clock_states};
use crate::domain::{EventKind, Locale, Status, Ticket};
use crate::store::{StoreError, StoreTx};

impl Engine {
    pub(super) async fn customer_status(
        &self,
        tx: &mut dyn StoreTx,
        ticket: &Ticket,
        customer: &str,
        now: DateTime<Utc>,
        locale: Locale,
    ) -> Result<String, StoreError> {
        let zone = self.time_zone_of(customer);
        let events = tx.timeline(ticket.reference).await?;
        let last =
            |wanted: fn(&EventKind) -> bool| events.iter().rev().find(|e| wanted(&e.kind)).map(|e| e.at);
        let helper = ticket.assignee.as_deref().map(|id| self.name_of(id));
        let stands = match ticket.status {
            Status::Resolved => {
                let on = last(|k| matches!(k, EventKind::Resolved { .. })).unwrap_or(ticket.updated_at);
                text::CustomerStanding::Solved { on: text::day_in(on, zone, locale) }
            }
            Status::Closed => {
                let on = last(|k| matches!(k, EventKind::Closed { .. })).unwrap_or(ticket.updated_at);
                text::CustomerStanding::Closed { on: text::day_in(on, zone, locale) }
            }
            Status::WaitingCustomer => text::CustomerStanding::WaitingForYou,
            Status::New | Status::Open => {
                let facts = ClockFacts::from_timeline(ticket, &events);
                let clocks = clock_states(&self.config.sla, ticket, &facts, now).unwrap_or_default();
                let due = |kind: ClockKind| {
                    clocks.iter().find(|c| c.kind == kind && !c.stopped).and_then(|c| c.reading.due)
                };
                let promise = match (due(ClockKind::Response), due(ClockKind::Resolution)) {
                    (Some(answer), _) => Some(text::Promise::Answer(text::time_in(answer, zone, locale))),
                    (None, Some(solve)) => Some(text::Promise::Solve(text::time_in(solve, zone, locale))),
                    (None, None) => None,
                };
                text::CustomerStanding::Working { promise }
            }
        };
        Ok(text::customer_status(ticket, &stands, helper.as_deref(), locale))
    }

    /// A person's time zone: theirs in config, else the ops time zone.
    pub(super) fn time_zone_of(&self, person: &str) -> Tz {
        self.config
            .directory
            .person(person)
            .and_then(|p| p.time_zone())
            .unwrap_or(self.config.digest.time_zone)
    }

    /// What a person is called to others: their name in config, else their id.
    pub(super) fn name_of(&self, person: &str) -> String {
        self.config.directory.person(person).and_then(|p| p.name.clone()).unwrap_or_else(|| person.to_owned())
    }
}
