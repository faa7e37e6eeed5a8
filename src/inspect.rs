//! Read-only views of tickets for the CLI (`resolvd ticket show|list`).

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::domain::{EventKind, LinkRelation, Status, Ticket, TicketRef};
use crate::store::{Store, StoreResult};

#[derive(Debug, Clone, Serialize)]
pub struct TicketView {
    #[serde(flatten)]
    pub ticket: Ticket,
    pub links: Vec<LinkView>,
    pub events: Vec<EventView>,
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

async fn view(store: &dyn Store, ticket: Ticket) -> StoreResult<TicketView> {
    let events = store
        .timeline(ticket.reference)
        .await?
        .into_iter()
        .map(|e| EventView { actor: e.actor, at: e.at, kind: e.kind })
        .collect();
    let links = store
        .links(ticket.reference)
        .await?
        .into_iter()
        .map(|l| LinkView { ticket: l.other, relation: l.relation })
        .collect();
    Ok(TicketView { ticket, links, events })
}

pub async fn ticket_view(store: &dyn Store, reference: TicketRef) -> StoreResult<Option<TicketView>> {
    match store.ticket(reference).await? {
        Some(ticket) => Ok(Some(view(store, ticket).await?)),
        None => Ok(None),
    }
}

pub async fn ticket_list(store: &dyn Store, status: Option<Status>) -> StoreResult<Vec<TicketView>> {
    let mut views = Vec::new();
    for ticket in store.tickets(status).await? {
        views.push(view(store, ticket).await?);
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
        or_dash(t.assignee.clone()),
        t.customer,
        t.title
    )
}

pub fn ticket_text(view: &TicketView) -> String {
    let t = &view.ticket;
    let mut out = format!("{} “{}”\n", t.reference, t.title);
    out.push_str(&format!(
        "  status {}{} · kind {} · domain {} · severity {} · tier {} · assignee {} · customer {}\n",
        t.status,
        t.close_reason.map(|r| format!(" ({r})")).unwrap_or_default(),
        or_dash(t.kind.map(|k| k.to_string())),
        or_dash(t.domain.clone()),
        or_dash(t.severity.map(|s| s.to_string())),
        t.tier,
        or_dash(t.assignee.clone()),
        t.customer
    ));
    for link in &view.links {
        out.push_str(&format!("  {} {}\n", link.relation, link.ticket));
    }
    for event in &view.events {
        let details = serde_json::to_value(&event.kind).unwrap_or_default();
        let mut details = details.as_object().cloned().unwrap_or_default();
        details.remove("type");
        out.push_str(&format!(
            "  {}  {:<16} {:<8} {}\n",
            event.at.format("%Y-%m-%d %H:%M:%S"),
            event.kind.type_name(),
            event.actor,
            serde_json::Value::Object(details)
        ));
    }
    out
}
