//! S-level incidents and the customer's confirmation: the war room and its roster, the incident
//! report, and what a ticket's timeline says about a pending S request, the satisfaction score and
//! the time spent waiting for the customer to confirm a fix.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::event::{Event, EventKind};
use super::ticket::TicketRef;

/// The lowest and highest satisfaction score a customer can give.
pub const SCORES: std::ops::RangeInclusive<u8> = 1..=5;

/// The private room an S-level ticket is worked in, with the people in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WarRoom {
    pub ticket: TicketRef,
    /// The room's name on every platform: `war-room-t-12`.
    pub name: String,
    pub opened_at: DateTime<Utc>,
    /// Who leads the resolution (the domain's `war_room.leader`).
    pub leader: Option<String>,
    /// Everyone let in, in the order they were.
    pub roster: Vec<String>,
    /// What the customer suffers, as the S request said.
    pub impact: String,
    /// When the room is reminded if nobody says anything before; `None` once archived.
    pub remind_at: Option<DateTime<Utc>>,
    pub archived_at: Option<DateTime<Utc>>,
    pub report: Option<IncidentReport>,
    /// The incident card as last posted, so an unchanged card is not posted again.
    pub card: Option<String>,
}

impl WarRoom {
    pub fn name_for(ticket: TicketRef) -> String {
        format!("war-room-t-{}", ticket.0)
    }

    pub fn is_archived(&self) -> bool {
        self.archived_at.is_some()
    }

    /// Adds a person; false when they were in already.
    pub fn admit(&mut self, person: &str) -> bool {
        if self.roster.iter().any(|p| p == person) {
            return false;
        }
        self.roster.push(person.to_owned());
        true
    }
}

/// The people config names for a domain's war rooms.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoomLeads {
    /// Leads the resolution; defaults to the domain's first owner.
    #[serde(default)]
    pub leader: Option<String>,
    #[serde(default)]
    pub market: Option<String>,
    #[serde(default)]
    pub manufacturing: Option<String>,
    #[serde(default)]
    pub service: Option<String>,
}

impl RoomLeads {
    /// Who a war room of the domain starts with: the leads, the ticket's assignee and the managers,
    /// each once, in that order.
    pub fn roster<'a>(
        &'a self,
        leader: Option<&'a str>,
        assignee: Option<&'a str>,
        managers: impl IntoIterator<Item = &'a str>,
    ) -> Vec<String> {
        let leads = [leader, self.market.as_deref(), self.manufacturing.as_deref(), self.service.as_deref()];
        let mut roster: Vec<String> = Vec::new();
        for person in leads.into_iter().flatten().chain(assignee).chain(managers) {
            if !roster.iter().any(|p| p == person) {
                roster.push(person.to_owned());
            }
        }
        roster
    }
}

/// The short structured report (8D-style) that closes an S-level incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentReport {
    pub problem: String,
    pub root_cause: String,
    pub containment: String,
    pub corrective: String,
    pub preventive: String,
}

impl IncidentReport {
    /// The report's fields: option name and what it asks.
    pub const FIELDS: [(&'static str, &'static str); 5] = [
        ("problem", "Problem: what happened"),
        ("root_cause", "Root cause"),
        ("containment", "Containment: what stopped it spreading"),
        ("corrective", "Corrective action"),
        ("preventive", "Preventive action"),
    ];

    /// Builds the report from answers looked up by field name; every field needs visible text.
    pub fn parse<'a>(answer: impl Fn(&str) -> Option<&'a str>) -> Result<IncidentReport, String> {
        let missing: Vec<&str> = Self::FIELDS
            .iter()
            .map(|(name, _)| *name)
            .filter(|name| !answer(name).is_some_and(super::text::has_visible_text))
            .collect();
        if !missing.is_empty() {
            return Err(format!("the incident report needs {}", missing.join(", ")));
        }
        let field = |name: &str| answer(name).unwrap_or_default().trim().to_owned();
        Ok(IncidentReport {
            problem: field("problem"),
            root_cause: field("root_cause"),
            containment: field("containment"),
            corrective: field("corrective"),
            preventive: field("preventive"),
        })
    }

    /// The report as lines, `Label: text`.
    pub fn lines(&self) -> Vec<String> {
        let values = [&self.problem, &self.root_cause, &self.containment, &self.corrective, &self.preventive];
        Self::FIELDS
            .iter()
            .zip(values)
            .map(|((_, label), value)| format!("{}: {value}", label.split(':').next().unwrap_or(label)))
            .collect()
    }
}

/// An S request waiting for a domain owner's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SRequest {
    pub by: String,
    pub at: DateTime<Utc>,
    pub reason: String,
}

/// Who may answer an S request of `requester`: the domain's owners; when an owner asked, the
/// other owners and the managers (the second confirmation: nobody confirms their own S).
pub fn s_confirmers(owners: &[String], managers: &[&str], requester: &str) -> Vec<String> {
    if !owners.iter().any(|o| o == requester) {
        return owners.to_vec();
    }
    let mut confirmers: Vec<String> = owners.iter().filter(|o| *o != requester).cloned().collect();
    for manager in managers {
        if *manager != requester && !confirmers.iter().any(|c| c == manager) {
            confirmers.push((*manager).to_owned());
        }
    }
    confirmers
}

/// The S request on the timeline that no owner has answered yet, if any.
pub fn pending_s_request(events: &[Event]) -> Option<SRequest> {
    let mut pending = None;
    for event in events {
        match &event.kind {
            EventKind::SRequested { reason, .. } => {
                pending = Some(SRequest { by: event.actor.clone(), at: event.at, reason: reason.clone() })
            }
            EventKind::SDeclined { .. } | EventKind::WarRoomOpened { .. } => pending = None,
            EventKind::Closed { .. } => pending = None,
            _ => {}
        }
    }
    pending
}

/// The text of the latest resolution on the timeline: what the card and the knowledge base say
/// was done.
pub fn latest_resolution(events: &[Event]) -> Option<&str> {
    events.iter().rev().find_map(|e| match &e.kind {
        EventKind::Resolved { resolution, .. } => Some(resolution.as_str()),
        _ => None,
    })
}

/// The customer's latest rating of the resolution.
pub fn satisfaction(events: &[Event]) -> Option<u8> {
    events.iter().rev().find_map(|e| match e.kind {
        EventKind::Rated { score } => Some(score),
        _ => None,
    })
}

/// How long the ticket has waited for the customer to confirm a resolution: from each resolution
/// to the answer (confirmed, not fixed, closed or reopened), and up to `now` while one is pending.
pub fn confirmation_wait(events: &[Event], now: DateTime<Utc>) -> TimeDelta {
    let mut waited = TimeDelta::zero();
    let mut since: Option<DateTime<Utc>> = None;
    for event in events {
        match &event.kind {
            EventKind::Resolved { .. } => {
                since.get_or_insert(event.at);
            }
            EventKind::Closed { .. } | EventKind::Reopened { .. } => {
                if let Some(from) = since.take() {
                    waited += event.at - from;
                }
            }
            _ => {}
        }
    }
    if let Some(from) = since {
        waited += now - from;
    }
    waited.max(TimeDelta::zero())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CloseReason, Severity};

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-20T15:00:00Z").unwrap().to_utc() + TimeDelta::minutes(minutes)
    }

    fn event(minutes: i64, actor: &str, kind: EventKind) -> Event {
        Event { ticket: Some(TicketRef(1)), actor: actor.into(), at: at(minutes), kind }
    }

    #[test]
    fn the_roster_has_each_person_once_leads_first() {
        let leads = RoomLeads {
            leader: None,
            market: Some("grace".into()),
            manufacturing: Some("heidi".into()),
            service: None,
        };
        let roster = leads.roster(Some("erin"), Some("erin"), ["frank", "grace"]);
        assert_eq!(roster, ["erin", "grace", "heidi", "frank"]);
    }

    #[test]
    fn a_report_needs_every_field() {
        let answers = [("problem", "no signal"), ("root_cause", "firmware"), ("containment", " ")];
        let lookup = |name: &str| answers.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
        let err = IncidentReport::parse(lookup).unwrap_err();
        assert_eq!(err, "the incident report needs containment, corrective, preventive");
        let full = |name: &str| Some(if name == "problem" { "no signal" } else { "x" });
        let report = IncidentReport::parse(full).unwrap();
        assert_eq!(report.lines()[0], "Problem: no signal");
        assert_eq!(report.lines()[1], "Root cause: x");
    }

    #[test]
    fn an_s_request_is_pending_until_an_owner_answers() {
        let requested =
            event(0, "bob", EventKind::SRequested { from: Some(Severity::P1), reason: "fleet down".into() });
        let mut events = vec![requested];
        assert_eq!(pending_s_request(&events).unwrap().reason, "fleet down");
        events.push(event(5, "erin", EventKind::SDeclined { reason: "one phone".into() }));
        assert_eq!(pending_s_request(&events), None);
    }

    #[test]
    fn the_wait_for_confirmation_adds_up_each_resolution_until_its_answer() {
        let events = vec![
            event(
                0,
                "carol",
                EventKind::Resolved { resolution: "x".into(), business_secs: None, on_time: None },
            ),
            event(30, "alice", EventKind::Reopened { reason: None }),
            event(
                60,
                "carol",
                EventKind::Resolved { resolution: "y".into(), business_secs: None, on_time: None },
            ),
            event(
                75,
                "alice",
                EventKind::Closed { reason: CloseReason::Confirmed, comment: None, article: None },
            ),
        ];
        assert_eq!(confirmation_wait(&events, at(500)), TimeDelta::minutes(45));
        assert_eq!(confirmation_wait(&events[..3], at(70)), TimeDelta::minutes(40));
    }

    #[test]
    fn the_latest_resolution_is_the_one_after_a_reopen() {
        let events = vec![
            event(
                0,
                "carol",
                EventKind::Resolved {
                    resolution: "reseated the cable".into(),
                    business_secs: None,
                    on_time: None,
                },
            ),
            event(1, "alice", EventKind::Reopened { reason: None }),
            event(
                2,
                "carol",
                EventKind::Resolved {
                    resolution: "replaced the panel".into(),
                    business_secs: None,
                    on_time: None,
                },
            ),
        ];
        assert_eq!(latest_resolution(&events), Some("replaced the panel"));
        assert_eq!(latest_resolution(&events[..1]), Some("reseated the cable"));
        assert_eq!(latest_resolution(&[]), None);
    }

    #[test]
    fn the_latest_rating_is_the_score() {
        let events = vec![
            event(0, "alice", EventKind::Rated { score: 2 }),
            event(1, "alice", EventKind::Rated { score: 4 }),
        ];
        assert_eq!(satisfaction(&events), Some(4));
        assert_eq!(satisfaction(&[]), None);
    }

    #[test]
    fn an_owner_asking_for_s_needs_another_owner_or_a_manager() {
        let owners = vec!["olga".to_owned(), "oscar".to_owned()];
        assert_eq!(s_confirmers(&owners, &["mia"], "bob"), owners);
        assert_eq!(s_confirmers(&owners, &["mia"], "olga"), ["oscar", "mia"]);
        assert_eq!(s_confirmers(&owners[..1], &[], "olga"), Vec::<String>::new());
    }
}
