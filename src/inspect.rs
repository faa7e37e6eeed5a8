//! Read-only views of tickets for the CLI (`resolvd ticket show|list`, `outbox list`, the posts
//! `jobs run-once` made).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use crate::domain::event::AssignedVia;
use crate::domain::incident::{confirmation_wait, satisfaction};
use crate::domain::parts::{Cents, PartState};
use crate::domain::sla::{ClockFacts, ClockKind, SlaPolicy, clock_states};
use crate::domain::text::{elide, one_line};
use crate::domain::{
    Event, EventKind, IncidentReport, LinkRelation, Post, Ticket, TicketRef, WarRoom, Warranty,
};
use crate::store::parts::TicketPart;
use crate::store::{Store, StoreResult, TicketFilter};

pub mod voc;

#[derive(Debug, Clone, Serialize)]
pub struct TicketView {
    #[serde(flatten)]
    pub ticket: Ticket,
    #[serde(flatten)]
    pub sla: SlaView,
    pub links: Vec<LinkView>,
    /// The S-level war room, when the ticket has one.
    pub war_room: Option<WarRoomView>,
    /// The customer's latest rating of the resolution, 1 to 5.
    pub satisfaction: Option<u8>,
    /// How long the ticket waited (or has waited so far) for the customer to confirm a fix.
    pub confirmation_wait_secs: i64,
    /// Whether the customer registry knows the ticket's customer.
    pub known_customer: bool,
    /// Their warranty on the day viewed (ops time zone): `unknown` for an asker not in the registry.
    pub warranty: Warranty,
    /// Its spare parts, one entry per part and state (reserved, shipped, returned).
    pub parts: Vec<PartView>,
    /// What its parts cost (reserved and shipped; returned ones cost nothing), and how much of
    /// that the customer is charged (none of it under warranty).
    pub parts_cost: PartsCost,
    pub events: Vec<EventView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PartView {
    pub part: String,
    pub name: String,
    pub qty: i64,
    pub state: PartState,
    pub unit_cost: Cents,
    pub cost: Cents,
    /// The customer pays for it (no active warranty when it was requested).
    pub charged: bool,
}

#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct PartsCost {
    pub total: Cents,
    pub charged: Cents,
}

/// A ticket's parts as views, and their cost.
pub fn parts_view(lines: &[TicketPart]) -> (Vec<PartView>, PartsCost) {
    let mut views = Vec::new();
    let mut cost = PartsCost::default();
    for line in lines {
        for (state, qty) in [
            (PartState::Reserved, line.reserved),
            (PartState::Shipped, line.shipped),
            (PartState::Returned, line.returned),
        ] {
            if qty == 0 {
                continue;
            }
            let costs = if state == PartState::Returned { Cents(0) } else { line.unit_cost.times(qty) };
            cost.total.0 += costs.0;
            if line.charged {
                cost.charged.0 += costs.0;
            }
            views.push(PartView {
                part: line.part.clone(),
                name: line.name.clone(),
                qty,
                state,
                unit_cost: line.unit_cost,
                cost: costs,
                charged: line.charged,
            });
        }
    }
    (views, cost)
}

#[derive(Debug, Clone, Serialize)]
pub struct WarRoomView {
    /// The room's name on every platform, `war-room-t-n`.
    pub id: String,
    pub opened_at: DateTime<Utc>,
    pub leader: Option<String>,
    pub roster: Vec<String>,
    pub impact: String,
    pub archived_at: Option<DateTime<Utc>>,
    pub report: Option<IncidentReport>,
}

impl From<WarRoom> for WarRoomView {
    fn from(room: WarRoom) -> Self {
        WarRoomView {
            id: room.name,
            opened_at: room.opened_at,
            leader: room.leader,
            roster: room.roster,
            impact: room.impact,
            archived_at: room.archived_at,
            report: room.report,
        }
    }
}

/// The ticket's deadlines at the instant it was viewed; all `null` before it has a domain and a
/// severity. A deadline is `null` while its clock is paused with time left.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SlaView {
    pub response_due: Option<DateTime<Utc>>,
    pub resolve_due: Option<DateTime<Utc>>,
    pub ola_due: Option<DateTime<Utc>>,
    /// Any clock past its deadline: the first response, the resolution, or the current tier's OLA.
    pub breached: bool,
    /// The timeline events that start, stop, pause or move the clocks, and the alarms they raised.
    pub clock_events: Vec<EventView>,
}

/// What to compute deadlines with: the policy, and the instant to read the clocks at (and
/// warranties on, in the ops time zone `zone`).
#[derive(Clone, Copy)]
pub struct SlaAt<'a> {
    pub policy: &'a SlaPolicy,
    pub now: DateTime<Utc>,
    pub zone: Tz,
}

fn sla_view(sla: SlaAt<'_>, ticket: &Ticket, events: &[Event]) -> SlaView {
    let facts = ClockFacts::from_timeline(ticket, events);
    let mut view = SlaView {
        clock_events: events.iter().filter(|e| is_clock_event(&e.kind)).map(event_view).collect(),
        ..SlaView::default()
    };
    for state in clock_states(sla.policy, ticket, &facts, sla.now).unwrap_or_default() {
        let due = state.reading.due;
        match state.kind {
            ClockKind::Response => view.response_due = due,
            ClockKind::Resolution => view.resolve_due = due,
            ClockKind::Ola(_) => view.ola_due = due,
        }
        view.breached |= state.reading.breached;
    }
    view
}

fn is_clock_event(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Created { .. }
            | EventKind::Classified { .. }
            | EventKind::SeverityChanged { .. }
            | EventKind::Escalated { .. }
            | EventKind::TierChanged { .. }
            | EventKind::StaffReply { .. }
            | EventKind::Waiting { .. }
            | EventKind::HandedOff { .. }
            | EventKind::Resumed
            | EventKind::Resolved { .. }
            | EventKind::Reopened { .. }
            | EventKind::Closed { .. }
            | EventKind::SlaAlarm { .. }
    )
}

fn event_view(e: &Event) -> EventView {
    EventView { actor: e.actor.clone(), at: e.at, kind: e.kind.clone() }
}

#[derive(Debug, Clone, Serialize)]
pub struct LinkView {
    pub ticket: TicketRef,
    pub relation: LinkRelation,
}

#[derive(Debug, Clone, Serialize)]
pub struct EventView {
    pub actor: String,
    pub at: DateTime<Utc>,
    #[serde(flatten)]
    pub kind: EventKind,
}

async fn view(store: &dyn Store, sla: SlaAt<'_>, ticket: Ticket) -> StoreResult<TicketView> {
    let timeline = store.timeline(ticket.reference).await?;
    let (now, sla_at) = (sla.now, sla);
    let sla = sla_view(sla, &ticket, &timeline);
    let events = timeline.iter().map(event_view).collect();
    let war_room = store.war_room(ticket.reference).await?.map(WarRoomView::from);
    let satisfaction = satisfaction(&timeline);
    let confirmation_wait_secs = confirmation_wait(&timeline, now).num_seconds();
    let customer = store.customer_of(&ticket.customer).await?;
    let warranty = Warranty::of(customer.as_ref(), now.with_timezone(&sla_at.zone).date_naive());
    let links = store
        .links(ticket.reference)
        .await?
        .into_iter()
        .map(|l| LinkView { ticket: l.other, relation: l.relation })
        .collect();
    let (parts, parts_cost) = parts_view(&store.ticket_parts(ticket.reference).await?);
    Ok(TicketView {
        ticket,
        sla,
        links,
        war_room,
        satisfaction,
        confirmation_wait_secs,
        known_customer: customer.is_some(),
        warranty,
        parts,
        parts_cost,
        events,
    })
}

pub async fn ticket_view(
    store: &dyn Store,
    sla: SlaAt<'_>,
    reference: TicketRef,
) -> StoreResult<Option<TicketView>> {
    match store.ticket(reference).await? {
        Some(ticket) => Ok(Some(view(store, sla, ticket).await?)),
        None => Ok(None),
    }
}

pub async fn ticket_list(
    store: &dyn Store,
    sla: SlaAt<'_>,
    filter: &TicketFilter,
) -> StoreResult<Vec<TicketView>> {
    let mut views = Vec::new();
    for ticket in store.find_tickets(filter).await? {
        views.push(view(store, sla, ticket).await?);
    }
    Ok(views)
}

fn or_dash(value: Option<String>) -> String {
    value.unwrap_or_else(|| "-".to_owned())
}

pub fn ticket_line(view: &TicketView) -> String {
    let t = &view.ticket;
    format!(
        "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
        t.reference,
        t.status,
        or_dash(t.domain.clone()),
        or_dash(t.severity.map(|s| s.to_string())),
        t.tier,
        or_dash(t.assignee.as_deref().map(one_line)),
        one_line(&t.customer),
        one_line(&t.title)
    )
}

/// How much of a text (a message, a reply, a reason) a line of `ticket show` quotes.
const QUOTED_CHARS: usize = 200;

/// `text` on one line, cleaned and cut: for quoting what people wrote in a listing.
pub fn quoted(text: &str, max_chars: usize) -> String {
    one_line(&elide(text, max_chars))
}

/// An instant as the ops team reads it: `2026-12-03 09:14 (Asia/Shanghai)`.
pub fn local_time(at: DateTime<Utc>, zone: Tz) -> String {
    format!("{} ({zone})", at.with_timezone(&zone).format("%Y-%m-%d %H:%M"))
}

/// A ticket for a terminal, its times in the ops time zone: a header, then its timeline one line
/// per event. What customers wrote cannot restyle or rewrite the operator's screen.
pub fn ticket_text(view: &TicketView, zone: Tz) -> String {
    crate::chat::render::terminal_safe(&ticket_text_raw(view, zone))
}

fn ticket_text_raw(view: &TicketView, zone: Tz) -> String {
    let t = &view.ticket;
    let name = |value: &str| quoted(value, 64);
    let mut out = format!("{} “{}”\n", t.reference, quoted(&t.title, QUOTED_CHARS));
    out.push_str(&format!(
        "  status {}{} · severity {} · kind {} · domain {} · tier {}\n",
        t.status,
        t.close_reason.map(|r| format!(" ({r})")).unwrap_or_default(),
        or_dash(t.severity.map(|s| s.to_string())),
        or_dash(t.kind.map(|k| k.to_string())),
        or_dash(t.domain.as_deref().map(name)),
        t.tier,
    ));
    out.push_str(&format!(
        "  assignee {} · customer {} · created {}\n",
        or_dash(t.assignee.as_deref().map(name)),
        name(&t.customer),
        local_time(t.created_at, zone)
    ));
    match (view.known_customer, &t.customer_tier) {
        (true, tier) => out.push_str(&format!(
            "  registered customer · tier {} · warranty {}\n",
            or_dash(tier.as_deref().map(name)),
            view.warranty.as_str()
        )),
        (false, _) => out.push_str("  not a known customer (not in the customer registry)\n"),
    }
    let due = |d: Option<DateTime<Utc>>| d.map_or_else(|| "-".to_owned(), |d| local_time(d, zone));
    out.push_str(&format!(
        "  response due {} · resolve due {} · OLA due {}{}\n",
        due(view.sla.response_due),
        due(view.sla.resolve_due),
        due(view.sla.ola_due),
        if view.sla.breached { " · BREACHED" } else { "" }
    ));
    for link in &view.links {
        out.push_str(&format!("  {} {}\n", link.relation, link.ticket));
    }
    if let Some(score) = view.satisfaction {
        out.push_str(&format!("  satisfaction {score}/5\n"));
    }
    for part in &view.parts {
        out.push_str(&format!(
            "  part {} × {} ({}) {} · {}{}\n",
            part.qty,
            name(&part.name),
            name(&part.part),
            part.state,
            part.cost,
            if part.charged { "" } else { " free (warranty)" }
        ));
    }
    if !view.parts.is_empty() {
        out.push_str(&format!(
            "  parts cost {} · charged {}\n",
            view.parts_cost.total, view.parts_cost.charged
        ));
    }
    if view.confirmation_wait_secs > 0 {
        out.push_str(&format!(
            "  waited {} min for the customer's confirmation\n",
            view.confirmation_wait_secs / 60
        ));
    }
    if let Some(room) = &view.war_room {
        let state = if room.archived_at.is_some() { "archived" } else { "open" };
        out.push_str(&format!(
            "  war room {} ({state}) · leader {} · roster {}\n",
            room.id,
            or_dash(room.leader.as_deref().map(name)),
            room.roster.iter().map(|p| name(p)).collect::<Vec<_>>().join(", ")
        ));
        if let Some(report) = &room.report {
            for line in report.lines() {
                out.push_str(&format!("    {}\n", quoted(&line, QUOTED_CHARS)));
            }
        }
    }
    out.push_str("timeline:\n");
    for event in &view.events {
        out.push_str(&format!(
            "  {}  {}  {}\n",
            local_time(event.at, zone),
            name(&event.actor),
            describe(&event.kind)
        ));
    }
    out
}

/// What an event did, in words, on one line.
pub fn describe(kind: &EventKind) -> String {
    let q = |text: &str| quoted(text, QUOTED_CHARS);
    let because =
        |reason: &Option<String>| reason.as_deref().map(|r| format!(": {}", q(r))).unwrap_or_default();
    let files = |n: usize| match n {
        0 => String::new(),
        1 => " (1 file)".to_owned(),
        n => format!(" ({n} files)"),
    };
    // A kind added to the timeline later reads as its name and fields until it is described here.
    #[allow(unreachable_patterns)]
    match kind {
        EventKind::Created { text, attachments, .. } => {
            format!("opened the ticket, writing: {}{}", q(text), files(attachments.len()))
        }
        EventKind::Message { text, attachments, .. } => {
            format!("wrote: {}{}", q(text), files(attachments.len()))
        }
        EventKind::Classified { domain, kind, severity, reason, assignee } => {
            let mut parts = Vec::new();
            if let Some(domain) = domain {
                parts.push(format!("domain {}", q(domain)));
            }
            if let Some(kind) = kind {
                parts.push(format!("kind {kind}"));
            }
            if let Some(severity) = severity {
                parts.push(format!("severity {severity}"));
            }
            let mut text = format!("classified: {}", parts.join(", "));
            if let Some(assignee) = assignee {
                text.push_str(&format!(" (now with {})", q(assignee)));
            }
            text + &because(reason)
        }
        EventKind::Assigned { assignee, via } => match via {
            AssignedVia::Routing => format!("assigned to {} (by routing)", q(assignee)),
            AssignedVia::Command => format!("assigned to {}", q(assignee)),
        },
        EventKind::Claimed { assignee, previous, reason } => {
            let from = previous.as_deref().map(|p| format!(" from {}", q(p))).unwrap_or_default();
            format!("claimed it for {}{from}{}", q(assignee), because(reason))
        }
        EventKind::Unassigned { previous, assignee } => format!(
            "unassigned {}; {}",
            q(previous),
            assignee.as_deref().map_or_else(|| "nobody has it".to_owned(), |a| format!("now with {}", q(a)))
        ),
        EventKind::TierChanged { from, to, reason } => format!("moved {from} → {to}: {}", q(reason)),
        EventKind::Escalated { from, to, reason, assignee } => format!(
            "escalated {from} → {to}{}: {}",
            assignee.as_deref().map(|a| format!(" (now with {})", q(a))).unwrap_or_default(),
            q(reason)
        ),
        EventKind::SeverityChanged { from, to, reason } => {
            format!("changed the severity {} → {to}{}", or_dash(from.map(|s| s.to_string())), because(reason))
        }
        EventKind::Note { text } => format!("noted: {}", q(text)),
        EventKind::SlaAlarm { clock, alarm, threshold, due } => {
            let share = threshold.map(|t| format!(" at {:.0}%", t * 100.0)).unwrap_or_default();
            let due = due.map(|d| format!(", due {}", d.format("%Y-%m-%d %H:%M UTC"))).unwrap_or_default();
            format!("SLA {} on the {} clock{share}{due}", q(alarm), q(clock))
        }
        EventKind::StaffReply { text, relayed } => {
            format!("replied{}: {}", if *relayed { " (relayed)" } else { "" }, q(text))
        }
        EventKind::Waiting { reason } => format!("waiting for the customer{}", because(reason)),
        EventKind::Resumed => "the customer answered; the ticket runs again".to_owned(),
        EventKind::Resolved { resolution, .. } => format!("resolved: {}", q(resolution)),
        EventKind::Closed { reason, comment, article } => format!(
            "closed ({reason}){}{}",
            article.as_deref().map(|a| format!(" by article {}", q(a))).unwrap_or_default(),
            because(comment)
        ),
        EventKind::NeedsHelp => "said the articles did not solve it".to_owned(),
        EventKind::ArticleDrafted { article } => format!("drafted the article {}", q(article)),
        EventKind::ArticlePublished { article } => format!("published the article {}", q(article)),
        EventKind::Reopened { reason } => format!("reopened it{}", because(reason)),
        EventKind::Linked { other, relation } => format!("linked it to {other} ({relation})"),
        EventKind::Refused { command, reason } => format!("was refused {}: {}", q(command), q(reason)),
        EventKind::StatusChanged { from, to } => format!("status {from} → {to}"),
        EventKind::SRequested { reason, .. } => format!("asked for S-level: {}", q(reason)),
        EventKind::SDeclined { reason } => format!("declined S-level: {}", q(reason)),
        EventKind::WarRoomOpened { room, leader, roster } => format!(
            "opened the war room {} (leader {}; {})",
            q(room),
            or_dash(leader.as_deref().map(q)),
            roster.iter().map(|p| q(p)).collect::<Vec<_>>().join(", ")
        ),
        EventKind::RoomInvited { user } => format!("let {} into the war room", q(user)),
        EventKind::TimelineEntry { text, .. } => format!("incident timeline: {}", q(text)),
        EventKind::CustomerUpdate { text } => format!("updated the customer: {}", q(text)),
        EventKind::IncidentReported { report } => {
            format!("filed the incident report: {}", q(&report.root_cause))
        }
        EventKind::RoomArchived => "archived the war room".to_owned(),
        EventKind::Rated { score } => format!("rated the resolution {score}/5"),
        EventKind::ConfirmationReminded => "reminded the customer to confirm the fix".to_owned(),
        EventKind::MessageMoved { message_id, from, to, text } => {
            format!("moved message {message_id} {from} → {to}: {}", q(text))
        }
        EventKind::RoomReopened => "opened the war room again".to_owned(),
        EventKind::StormProposed { tickets, owners } => {
            crate::engine::text_storm::proposed_event(&refs(tickets), owners)
        }
        EventKind::StormConfirmed { tickets } => crate::engine::text_storm::confirmed_event(&refs(tickets)),
        EventKind::StormDeclined { tickets, reason } => {
            crate::engine::text_storm::declined_event(&refs(tickets), reason.as_deref().map(q).as_deref())
        }
        EventKind::HandedOff { to } => format!("handed it to {}; waiting for their answer", q(to)),
        EventKind::HandoffAnswered { outcome, note } => format!("answered: {outcome}{}", because(note)),
        EventKind::VocLinked { item } => format!("suggestion linked to the voice-of-customer item {item}"),
        EventKind::VocDecided { item, status, text } => {
            format!("voice-of-customer item {item} {status}{}", because(text))
        }
        EventKind::PartsRequested { part, qty, unit_cost, charged } => format!(
            "reserved {qty} × {} at {unit_cost}{}",
            q(part),
            if *charged { "" } else { " (free: under warranty)" }
        ),
        EventKind::PartsShipped { part, qty } => format!("shipped {qty} × {}", q(part)),
        EventKind::PartsReturned { part, reserved, shipped } => {
            format!(
                "put back in stock {} × {} ({reserved} reserved, {shipped} shipped)",
                reserved + shipped,
                q(part)
            )
        }
        EventKind::RevisitAsked => "asked the customer whether it is still working".to_owned(),
        EventKind::RevisitAnswered { answer } => match answer.as_str() {
            "working" => "said on the revisit that it is still working".to_owned(),
            _ => "said on the revisit that it is not working".to_owned(),
        },
    }
}

fn refs(tickets: &[TicketRef]) -> Vec<String> {
    tickets.iter().map(ToString::to_string).collect()
}

/// A post as `jobs run-once` reports it: `to staff of T-1: The L1 OLA ran out…`, one line.
pub fn post_line(post: &Post) -> String {
    format!("to {}: {}", quoted(&post.audience.to_string(), 64), quoted(&post.text, QUOTED_CHARS))
}

/// A post not sent yet, as `resolvd outbox list` shows it.
#[derive(Debug, Serialize)]
pub struct UnsentView {
    pub id: i64,
    pub ticket: Option<String>,
    pub audience: String,
    pub text: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub next_attempt_at: DateTime<Utc>,
    pub dead: bool,
    pub dead_at: Option<DateTime<Utc>>,
}

impl From<crate::store::UnsentPost> for UnsentView {
    fn from(unsent: crate::store::UnsentPost) -> Self {
        UnsentView {
            id: unsent.id,
            ticket: unsent.post.ticket.map(|t| t.to_string()),
            audience: unsent.post.audience.to_string(),
            text: unsent.post.text,
            attempts: unsent.attempts,
            last_error: unsent.last_error,
            created_at: unsent.created_at,
            next_attempt_at: unsent.next_attempt_at,
            dead: unsent.dead_at.is_some(),
            dead_at: unsent.dead_at,
        }
    }
}

/// `#12  DEAD since …  to staff of T-3 (4 attempts): HTTP 403 …  "text…"`, on one line.
pub fn unsent_line(view: &UnsentView) -> String {
    const TEXT_CHARS: usize = 60;
    let state = match view.dead_at {
        Some(at) => format!("DEAD since {}", at.format("%Y-%m-%d %H:%M:%SZ")),
        None => format!("next try {}", view.next_attempt_at.format("%Y-%m-%d %H:%M:%SZ")),
    };
    let error = view.last_error.as_deref().map(one_line).unwrap_or_else(|| "not tried yet".to_owned());
    let mut text: String = one_line(&view.text).chars().take(TEXT_CHARS).collect();
    if view.text.chars().count() > TEXT_CHARS {
        text.push('…');
    }
    format!(
        "#{}  {state}  to {} ({} attempts): {error}  \"{text}\"",
        view.id,
        one_line(&view.audience),
        view.attempts
    )
}

/// A delivery as `resolvd webhooks list` shows it.
#[derive(Debug, Serialize)]
pub struct DeliveryView {
    pub id: i64,
    pub target: String,
    pub event: String,
    pub subject: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub next_attempt_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub dead: bool,
    pub dead_at: Option<DateTime<Utc>>,
    pub response_url: Option<String>,
    /// The JSON body as sent.
    pub body: serde_json::Value,
}

impl From<crate::store::deliveries::Delivery> for DeliveryView {
    fn from(d: crate::store::deliveries::Delivery) -> Self {
        DeliveryView {
            id: d.id,
            target: d.target,
            event: d.event,
            subject: d.subject,
            attempts: d.attempts,
            last_error: d.last_error,
            created_at: d.created_at,
            next_attempt_at: d.next_attempt_at,
            delivered_at: d.delivered_at,
            dead: d.dead_at.is_some(),
            dead_at: d.dead_at,
            response_url: d.response_url,
            body: serde_json::from_str(&d.body).unwrap_or(serde_json::Value::String(d.body)),
        }
    }
}

/// `#7 ticket.created T-1 → https://hooks.example.com/x: 2 tries, next 2026-12-04T21:00:00Z (500 …)`.
pub fn delivery_line(view: &DeliveryView) -> String {
    let state = match (view.delivered_at, view.dead_at) {
        (Some(at), _) => format!("delivered {}", at.to_rfc3339()),
        (None, Some(at)) => format!("DEAD since {}", at.to_rfc3339()),
        (None, None) => format!("next try {}", view.next_attempt_at.to_rfc3339()),
    };
    let error = view.last_error.as_deref().map(|e| format!(" ({})", quoted(e, 120))).unwrap_or_default();
    let url = view.response_url.as_deref().map(|u| format!(" at {u}")).unwrap_or_default();
    format!(
        "#{} {} {} → {}: {} {}, {state}{error}{url}",
        view.id,
        view.event,
        view.subject,
        quoted(&view.target, 80),
        view.attempts,
        if view.attempts == 1 { "try" } else { "tries" },
    )
}
