//! The timeline: every change to a ticket is one event with an actor and a time.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::incident::IncidentReport;
use super::post::Attachment;
use super::ticket::{CloseReason, Kind, LinkRelation, Severity, Status, TicketRef, Tier};

/// Who did something: a person's id, or the bot itself for automatic steps.
pub const SYSTEM_ACTOR: &str = "resolvd";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// The first customer message, or a ticket staff opened on a customer's behalf.
    Created {
        customer: String,
        text: String,
        message_id: Option<i64>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        attachments: Vec<Attachment>,
        /// What the classification rules made of the text.
        #[serde(skip_serializing_if = "Option::is_none")]
        domain: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        kind: Option<Kind>,
        #[serde(skip_serializing_if = "Option::is_none")]
        severity: Option<Severity>,
        /// Whom routing gave the ticket to.
        #[serde(skip_serializing_if = "Option::is_none")]
        assignee: Option<String>,
        /// Knowledge-base articles offered to the customer while they wait.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        suggested: Vec<String>,
    },
    /// A later customer message appended to the ticket.
    Message {
        text: String,
        message_id: i64,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        attachments: Vec<Attachment>,
    },
    Classified {
        #[serde(skip_serializing_if = "Option::is_none")]
        domain: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        kind: Option<Kind>,
        #[serde(skip_serializing_if = "Option::is_none")]
        severity: Option<Severity>,
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        /// Set when the new domain's queue took the ticket over.
        #[serde(skip_serializing_if = "Option::is_none")]
        assignee: Option<String>,
    },
    Assigned {
        assignee: String,
        /// `routing` when the queue picked the assignee, `command` when a person chose.
        via: AssignedVia,
    },
    Claimed {
        assignee: String,
        /// Who had it before, when someone did.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        previous: Option<String>,
        /// Why it was taken from them.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    Unassigned {
        previous: String,
        /// Whom the queue gave it to next, if anyone.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        assignee: Option<String>,
    },
    /// The ticket moved to the tier of the engineer it was given to (up or down).
    TierChanged {
        from: Tier,
        to: Tier,
        reason: String,
    },
    Escalated {
        from: Tier,
        to: Tier,
        reason: String,
        assignee: Option<String>,
    },
    SeverityChanged {
        from: Option<Severity>,
        to: Severity,
        reason: Option<String>,
    },
    Note {
        text: String,
    },
    /// An SLA or OLA clock reached a warning threshold or its deadline; the sweep sent a notice.
    SlaAlarm {
        /// `response`, `resolution` or `ola-<tier>`.
        clock: String,
        /// `warning` or `breach`.
        alarm: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        threshold: Option<f64>,
        due: Option<DateTime<Utc>>,
    },
    /// A staff member wrote to the customer (never an internal note; the first reply is the
    /// first response); `relayed` when the bot carried it to them (the customer was not in the
    /// conversation it was written in).
    StaffReply {
        text: String,
        relayed: bool,
    },
    Waiting {
        reason: Option<String>,
    },
    /// A customer's message ended a wait.
    Resumed,
    Resolved {
        resolution: String,
        /// The resolution clock's business time at the resolution, in seconds: created (or S
        /// confirmed) → resolved in the business hours of the ticket's SLA calendar, less the time
        /// waiting for the customer. `None` when no target applied, or recorded before it was kept.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        business_secs: Option<i64>,
        /// Whether the resolution clock was still within its deadline. `None` when no target applied
        /// (or recorded before it was kept): such a resolution counts as on time.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        on_time: Option<bool>,
    },
    Closed {
        reason: CloseReason,
        comment: Option<String>,
        /// The knowledge-base article that solved it, when the customer said so.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        article: Option<String>,
    },
    /// The customer said the suggested articles did not solve it.
    NeedsHelp,
    /// An engineer drafted a knowledge-base article from the ticket.
    ArticleDrafted {
        article: String,
    },
    /// The draft made from the ticket went live in the knowledge base.
    ArticlePublished {
        article: String,
    },
    Reopened {
        reason: Option<String>,
    },
    Linked {
        other: TicketRef,
        relation: LinkRelation,
    },
    /// A command or button was refused; kept for audit.
    Refused {
        command: String,
        reason: String,
    },
    StatusChanged {
        from: Status,
        to: Status,
    },
    /// Staff asked for S-level; the domain's owners were asked to confirm.
    SRequested {
        from: Option<Severity>,
        reason: String,
    },
    /// A domain owner declined S-level; the severity stayed as it was.
    SDeclined {
        reason: String,
    },
    /// A domain owner confirmed S-level and the war room opened with this roster.
    WarRoomOpened {
        room: String,
        leader: Option<String>,
        roster: Vec<String>,
    },
    /// Someone was let into the war room after it opened.
    RoomInvited {
        user: String,
    },
    /// An entry of the incident timeline: `/timeline` or a message pinned in the war room.
    TimelineEntry {
        text: String,
        source: TimelineSource,
    },
    /// A progress note to the customer from the war room (`/update`).
    CustomerUpdate {
        text: String,
    },
    IncidentReported {
        report: IncidentReport,
    },
    /// The war room was locked and put away.
    RoomArchived,
    /// The customer rated the resolution (1 to 5).
    Rated {
        score: u8,
    },
    /// The customer had not answered the resolution card; they were reminded once.
    ConfirmationReminded,
    /// Staff put a customer message on the ticket it is about (`/move`); on both tickets.
    MessageMoved {
        message_id: i64,
        from: TicketRef,
        to: TicketRef,
        text: String,
    },
    /// An S ticket reopened after its room was archived: the room is open again.
    RoomReopened,
    /// Similar new tickets of the ticket's domain were proposed to its owners as one incident (on
    /// the storm's first ticket).
    StormProposed {
        tickets: Vec<TicketRef>,
        owners: Vec<String>,
    },
    /// An owner confirmed the storm: this ticket is its incident, the others are linked to it.
    StormConfirmed {
        tickets: Vec<TicketRef>,
    },
    /// An owner declined the storm; its tickets are not proposed again.
    StormDeclined {
        tickets: Vec<TicketRef>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// Spare parts reserved for the ticket (`/parts request`), out of the free stock; `charged`
    /// when the customer pays for them (no active warranty).
    PartsRequested {
        part: String,
        qty: i64,
        unit_cost: super::parts::Cents,
        charged: bool,
    },
    /// Reserved parts sent out (`/parts ship`).
    PartsShipped {
        part: String,
        qty: i64,
    },
    /// Parts back in stock (`/parts return`): `reserved` of them never left, `shipped` came back.
    PartsReturned {
        part: String,
        reserved: i64,
        shipped: i64,
    },
    /// The bot asked the customer of the closed ticket whether it is still working.
    RevisitAsked,
    /// The customer answered the revisit; `not_working` reopens the ticket.
    RevisitAnswered {
        answer: String,
    },
    /// The ticket's suggestion is part of a voice-of-customer item (by intake's comparison, or a
    /// product manager's `/voc link`).
    VocLinked {
        item: super::voc::VocRef,
    },
    /// A product manager accepted, rejected (`text`: the reason) or shipped (`text`: the note) the
    /// voice-of-customer item the ticket's suggestion is part of.
    VocDecided {
        item: super::voc::VocRef,
        status: super::voc::VocStatus,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<String>,
    },
    /// The ticket was handed to another team (`sales`, for an inquiry) and waits for its answer:
    /// the resolution clock stands still meanwhile.
    HandedOff {
        to: String,
    },
    /// The team a ticket was handed to answered with its outcome (sales: won, lost, answered).
    HandoffAnswered {
        outcome: HandoffOutcome,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
}

/// What sales made of an inquiry handed to them.
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
pub enum HandoffOutcome {
    Won,
    Lost,
    Answered,
}

/// Where an incident timeline entry came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimelineSource {
    Command,
    Pin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssignedVia {
    Routing,
    Command,
}

impl EventKind {
    pub fn type_name(&self) -> &'static str {
        match self {
            EventKind::Created { .. } => "created",
            EventKind::Message { .. } => "message",
            EventKind::Classified { .. } => "classified",
            EventKind::Assigned { .. } => "assigned",
            EventKind::Claimed { .. } => "claimed",
            EventKind::Unassigned { .. } => "unassigned",
            EventKind::Escalated { .. } => "escalated",
            EventKind::SeverityChanged { .. } => "severity_changed",
            EventKind::Note { .. } => "note",
            EventKind::SlaAlarm { .. } => "sla_alarm",
            EventKind::StaffReply { .. } => "staff_reply",
            EventKind::Waiting { .. } => "waiting",
            EventKind::Resumed => "resumed",
            EventKind::Resolved { .. } => "resolved",
            EventKind::Closed { .. } => "closed",
            EventKind::NeedsHelp => "needs_help",
            EventKind::ArticleDrafted { .. } => "article_drafted",
            EventKind::ArticlePublished { .. } => "article_published",
            EventKind::Reopened { .. } => "reopened",
            EventKind::Linked { .. } => "linked",
            EventKind::Refused { .. } => "refused",
            EventKind::StatusChanged { .. } => "status_changed",
            EventKind::SRequested { .. } => "s_requested",
            EventKind::SDeclined { .. } => "s_declined",
            EventKind::WarRoomOpened { .. } => "war_room_opened",
            EventKind::RoomInvited { .. } => "room_invited",
            EventKind::TimelineEntry { .. } => "timeline_entry",
            EventKind::CustomerUpdate { .. } => "customer_update",
            EventKind::IncidentReported { .. } => "incident_reported",
            EventKind::RoomArchived => "room_archived",
            EventKind::Rated { .. } => "rated",
            EventKind::ConfirmationReminded => "confirmation_reminded",
            EventKind::MessageMoved { .. } => "message_moved",
            EventKind::RoomReopened => "room_reopened",
            EventKind::TierChanged { .. } => "tier_changed",
            EventKind::StormProposed { .. } => "storm_proposed",
            EventKind::StormConfirmed { .. } => "storm_confirmed",
            EventKind::StormDeclined { .. } => "storm_declined",
            EventKind::VocLinked { .. } => "voc_linked",
            EventKind::VocDecided { .. } => "voc_decided",
            EventKind::HandedOff { .. } => "handed_off",
            EventKind::HandoffAnswered { .. } => "handoff_answered",
            EventKind::PartsRequested { .. } => "parts_requested",
            EventKind::PartsShipped { .. } => "parts_shipped",
            EventKind::PartsReturned { .. } => "parts_returned",
            EventKind::RevisitAsked => "revisit_asked",
            EventKind::RevisitAnswered { .. } => "revisit_answered",
        }
    }
}

/// Whether the ticket's current owner was chosen by a person (`/assign`, `/claim`, the Claim
/// button) rather than by a queue: a hand-picked owner stays through a change of domain.
pub fn assigned_by_hand(events: &[Event]) -> bool {
    events
        .iter()
        .rev()
        .find_map(|e| match &e.kind {
            EventKind::Assigned { via, .. } => Some(*via == AssignedVia::Command),
            EventKind::Claimed { .. } => Some(true),
            EventKind::Created { assignee: Some(_), .. }
            | EventKind::Classified { assignee: Some(_), .. }
            | EventKind::Escalated { assignee: Some(_), .. }
            | EventKind::Unassigned { .. } => Some(false),
            _ => None,
        })
        .unwrap_or(false)
}

/// An event as stored: on a ticket's timeline, or (with no ticket) in the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub ticket: Option<TicketRef>,
    pub actor: String,
    pub at: DateTime<Utc>,
    #[serde(flatten)]
    pub kind: EventKind,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_type_name_matches_the_serialized_tag() {
        let samples = [
            EventKind::Resumed,
            EventKind::Note { text: "x".into() },
            EventKind::StaffReply { text: "x".into(), relayed: true },
            EventKind::SeverityChanged { from: None, to: Severity::P1, reason: None },
            EventKind::Escalated { from: Tier::L1, to: Tier::L2, reason: "r".into(), assignee: None },
            EventKind::SRequested { from: None, reason: "r".into() },
            EventKind::SDeclined { reason: "r".into() },
            EventKind::WarRoomOpened { room: "r".into(), leader: None, roster: vec![] },
            EventKind::RoomInvited { user: "u".into() },
            EventKind::TimelineEntry { text: "x".into(), source: TimelineSource::Pin },
            EventKind::CustomerUpdate { text: "x".into() },
            EventKind::RoomArchived,
            EventKind::Rated { score: 4 },
            EventKind::ConfirmationReminded,
            EventKind::StormProposed { tickets: vec![TicketRef(1)], owners: vec!["erin".into()] },
            EventKind::StormConfirmed { tickets: vec![TicketRef(1)] },
            EventKind::StormDeclined { tickets: vec![TicketRef(1)], reason: None },
            EventKind::VocLinked { item: super::super::voc::VocRef(1) },
            EventKind::VocDecided {
                item: super::super::voc::VocRef(1),
                status: super::super::voc::VocStatus::Shipped,
                text: Some("in 2.1".into()),
            },
            EventKind::HandedOff { to: "sales".into() },
            EventKind::HandoffAnswered { outcome: HandoffOutcome::Won, note: None },
            EventKind::PartsRequested {
                part: "SCR-6".into(),
                qty: 1,
                unit_cost: super::super::parts::Cents(4990),
                charged: true,
            },
            EventKind::PartsShipped { part: "SCR-6".into(), qty: 1 },
            EventKind::PartsReturned { part: "SCR-6".into(), reserved: 0, shipped: 1 },
            EventKind::RevisitAsked,
            EventKind::RevisitAnswered { answer: "working".into() },
        ];
        for kind in samples {
            let json = serde_json::to_value(&kind).unwrap();
            assert_eq!(json["type"], kind.type_name());
        }
    }

    #[test]
    fn an_event_serializes_flat_with_type_actor_and_time() {
        let event = Event {
            ticket: Some(TicketRef(1)),
            actor: "bob".into(),
            at: DateTime::parse_from_rfc3339("2026-11-20T15:00:00Z").unwrap().to_utc(),
            kind: EventKind::Note { text: "called the customer".into() },
        };
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(json["type"], "note");
        assert_eq!(json["actor"], "bob");
        assert_eq!(json["text"], "called the customer");
        assert_eq!(json["ticket"], "T-1");
    }

    #[test]
    fn a_resolution_recorded_before_its_clock_was_kept_still_reads() {
        let old: EventKind = serde_json::from_str(r#"{"type":"resolved","resolution":"reseated"}"#).unwrap();
        assert_eq!(
            old,
            EventKind::Resolved { resolution: "reseated".into(), business_secs: None, on_time: None }
        );
        let new =
            EventKind::Resolved { resolution: "x".into(), business_secs: Some(60), on_time: Some(false) };
        let json = serde_json::to_string(&new).unwrap();
        assert_eq!(json, r#"{"type":"resolved","resolution":"x","business_secs":60,"on_time":false}"#);
        let none = EventKind::Resolved { resolution: "x".into(), business_secs: None, on_time: None };
        assert_eq!(serde_json::to_string(&none).unwrap(), r#"{"type":"resolved","resolution":"x"}"#);
    }
}
